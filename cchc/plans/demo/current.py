"""The plan for the current year: 20 reference tasks re-dated around today."""

from __future__ import annotations

import datetime
from typing import Any

from cchc.units.models import Unit

from .. import services
from ..models import Plan, Task
from ._common import People
from .reference import UnitIndex, _areas, _task_values
from .scenario import Scenario

CURRENT_NOTES = (
    "Kế hoạch minh họa (demo) cho năm hiện tại: 20 nhiệm vụ của kế hoạch 2024 được đặt lại "
    "thời hạn quanh ngày hôm nay để các bảng theo dõi có số liệu."
)

# The current-year plan: reference task id and the units it is given to (the lead unit
# first; more than one unit makes a "selected units" task). STP appears often so that
# the demo focal point sees every status.
CURRENT_TASKS: list[tuple[str, tuple[str, ...]]] = [
    ("T001", ("SNV",)),
    ("T003", ("SNV", "STP", "SYT", "SXD", "SGDĐT")),
    ("T004", ("SNV",)),
    ("T005", ("SNV",)),
    ("T008", ("SNV", "STP", "STC", "SYT")),
    ("T011", ("SNV",)),
    ("T014", ("SNV", "STP")),
    ("T021", ("STP",)),
    ("T022", ("STP",)),
    ("T023", ("STP",)),
    ("T024", ("STP",)),
    ("T025", ("STP", "STC", "SYT")),
    ("T026", ("STP", "SXD", "SCT")),
    ("T030", ("VPUBND",)),
    ("T031", ("STP", "SYT", "SGDĐT")),
    ("T036", ("STP", "STC", "SXD")),
    ("T038", ("STP", "SYT", "SCT")),
    ("T046", ("STP", "SGDĐT")),
    ("T061", ("STC",)),
    ("T069", ("STP", "SYT", "SXD", "SCT")),
]


def _redate(text: str, year: int) -> str:
    return text.replace("2024", str(year)).replace("2023", str(year - 1))


def _plan_current(
    parent: Plan,
    province: Unit,
    items: list[dict[str, Any]],
    units: UnitIndex,
    people: People,
    today: datetime.date,
) -> Plan:
    year = today.year
    plan = services.create_plan(
        number=f"DEMO-{year}/KH-UBND",
        title=f"Kế hoạch cải cách hành chính năm {year}",
        issuing_unit=province,
        signed_on=datetime.date(year - 1, 12, 20),
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
        parent=parent if parent.period_end.year >= year else None,
        progress_rule=Plan.ProgressRule.REPORTED,
        is_demo=True,
        notes=CURRENT_NOTES,
        by=people.secretariat,
    )
    by_id = {i["id"]: i for i in items}
    areas = _areas(plan, dict.fromkeys(by_id[t]["area"] for t, _ in CURRENT_TASKS), people)
    deadlines = _spread(today, len(CURRENT_TASKS), plan)
    for (task_id, codes), deadline in zip(CURRENT_TASKS, deadlines, strict=True):
        item = by_id[task_id]
        values = _task_values(item, units, today)
        assigned = [units.current(units.by_code(c), today) for c in codes]
        values.update(
            content=_redate(item["content"], year),
            expected_output=_redate(values["expected_output"], year),
            deadline_text=f"Trước {deadline:%d/%m/%Y}",
            lead_unit=assigned[0],
            scope=Task.Scope.SELECTED if len(assigned) > 1 else Task.Scope.LEAD,
            coordinating_units=[u for u in values["coordinating_units"] if u not in assigned],
        )
        services.create_task(
            plan,
            area=areas[item["area"]],
            selected_units=assigned if len(assigned) > 1 else (),
            deadline_kind=Task.DeadlineKind.DATE,
            deadline=deadline,
            **values,
            by=people.secretariat,
        )
    Scenario(plan, people, today).play()
    return plan


def _spread(today: datetime.date, count: int, plan: Plan) -> list[datetime.date]:
    """`count` deadlines from three months ago to three months ahead, within the plan's
    period: the first half before today, the second half from today on.

    (On the first days of January there is no "before today" in the year: then the past
    half falls on the first day, which is also today.)
    """
    first = max(today - datetime.timedelta(days=90), plan.period_start)
    last = min(today + datetime.timedelta(days=90), plan.period_end)
    before = max(first, today - datetime.timedelta(days=1))
    past, future = count // 2, count - count // 2
    step_past = (before - first).days / max(past - 1, 1)
    step_future = (last - today).days / max(future - 1, 1)
    return [first + datetime.timedelta(days=round(i * step_past)) for i in range(past)] + [
        today + datetime.timedelta(days=round(i * step_future)) for i in range(future)
    ]
