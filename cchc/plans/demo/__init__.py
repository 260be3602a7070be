"""Demo plans for An Giang, loaded by `manage.py load_demo_plans` (after `load_demo_data`).

Three plans, all marked `is_demo`:

- Plan 664/KH-UBND (18/10/2022), the five-year plan, with the seven default areas. The
  number and date are the real plan's; nothing else of it is loaded.
- The 2024 annual plan under it, with the 75 tasks of `reference/an_giang_plan_tasks_2024.json`
  (each labelled real or modelled, with its source). An Giang reported its 2024 plan done
  (66 of 66), so every assignment is back-filled as completed in 2024, most on time.
- A plan for the current year with 20 of those tasks re-dated around today, driven through
  the services into a realistic mix: completed on time and late, within term, overdue,
  reports waiting for the head of unit and for the secretariat, a pending and an approved
  extension, an unanswered obstacle and an urging notice to two overdue units.

Every plan is created in one transaction and skipped when it already exists, so a
second run changes nothing.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from .. import services
from ..models import Assignment, Plan, ProgressReport
from ._common import DEMO_UNIT, PROVINCE, SECRETARIAT_UNIT, DemoError, People
from .current import CURRENT_NOTES, CURRENT_TASKS, _plan_current
from .people import _people
from .plan_2024 import PLAN_2024_NOTES, PLAN_2024_NUMBER, _plan_2024
from .reference import REFERENCE, UnitIndex, unit_key
from .scenario import Scenario

__all__ = [
    "CURRENT_NOTES",
    "CURRENT_TASKS",
    "DEMO_UNIT",
    "PLAN_664",
    "PLAN_2024_NOTES",
    "PLAN_2024_NUMBER",
    "PROVINCE",
    "REFERENCE",
    "SECRETARIAT_UNIT",
    "DemoError",
    "DemoResult",
    "People",
    "Scenario",
    "UnitIndex",
    "load_demo_plans",
    "summary",
    "unit_key",
]

PLAN_664 = {
    "number": "664/KH-UBND",
    "title": "Cải cách hành chính tỉnh An Giang giai đoạn 2022-2025",
    "signed_on": datetime.date(2022, 10, 18),
    "period_start": datetime.date(2022, 1, 1),
    "period_end": datetime.date(2025, 12, 31),
    "notes": (
        "Dữ liệu minh họa (demo). Số, ngày ký và các nội dung cải cách là của Kế hoạch "
        "664/KH-UBND ngày 18/10/2022 của UBND tỉnh An Giang; văn bản ký không được tải lên."
    ),
}


@dataclass
class DemoResult:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def load_demo_plans(*, today: datetime.date | None = None) -> DemoResult:
    """Create the demo plans that are not there yet; return what was done."""
    today = today or timezone.localdate()
    people = _people()
    units = UnitIndex()
    province = units.by_code(PROVINCE)
    tasks = json.loads(REFERENCE.read_text(encoding="utf-8"))["tasks"]
    result = DemoResult()

    plan_664 = Plan.objects.filter(number=PLAN_664["number"], issuing_unit=province).first()
    if plan_664 is None:
        with transaction.atomic():
            plan_664 = services.create_plan(
                **PLAN_664,
                issuing_unit=province,
                progress_rule=Plan.ProgressRule.REPORTED,
                is_demo=True,
                by=people.secretariat,
            )
            services.seed_default_areas(plan_664, by=people.secretariat)
        result.created.append(str(plan_664))
    else:
        result.skipped.append(str(plan_664))

    if Plan.objects.filter(number=PLAN_2024_NUMBER, issuing_unit=province).exists():
        result.skipped.append(PLAN_2024_NUMBER)
    else:
        with transaction.atomic():
            plan = _plan_2024(plan_664, province, tasks, units, people)
        result.created.append(str(plan))

    number = f"DEMO-{today.year}/KH-UBND"
    if Plan.objects.filter(number=number, issuing_unit=province).exists():
        result.skipped.append(number)
    elif today.year != 2024:
        with transaction.atomic():
            plan = _plan_current(plan_664, province, tasks, units, people, today)
        result.created.append(str(plan))

    result.lines = summary(today)
    return result


def summary(today: datetime.date) -> list[str]:
    """One line per demo plan: tasks, assignments and their statuses; then the queues."""
    lines = []
    for plan in Plan.objects.filter(is_demo=True).order_by("period_start", "number"):
        statuses = dict(
            Assignment.objects.filter(task__plan=plan)
            .with_status(today)
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        counts = ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
        lines.append(
            f"{plan.number}: {plan.tasks.count()} tasks, {plan.areas.count()} areas, "
            f"{sum(statuses.values())} assignments ({counts or 'none'})"
        )
    waiting = ProgressReport.objects.filter(
        assignment__task__plan__is_demo=True, status=ProgressReport.Status.SUBMITTED
    ).count()
    lines.append(f"Reports waiting for the secretariat: {waiting}")
    return lines
