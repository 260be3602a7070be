"""The reference tasks of 2024 and how their annex columns map onto units, areas and tasks."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from cchc.core.text import fold
from cchc.plans.importing.unit_names import unit_key
from cchc.units.models import Unit, UnitSuccession

from .. import services
from ..models import Plan, ReformArea, Task
from ._common import SECRETARIAT_UNIT, DemoError, People

REFERENCE = Path(__file__).resolve().parent.parent / "reference" / "an_giang_plan_tasks_2024.json"

# The lead-unit phrases of the annex that name groups of units rather than one unit.
GROUPS = {
    fold(
        "Các sở, ban, ngành tỉnh; UBND các huyện, thị xã, thành phố"
    ): Task.Scope.ALL_DEPARTMENTS_AND_LOCAL,
    fold("Các sở, ban, ngành tỉnh"): Task.Scope.ALL_DEPARTMENTS,
    fold("UBND các huyện, thị xã, thành phố"): Task.Scope.ALL_LOCAL,
}
THROUGHOUT_TEXTS = ("thuong xuyen", "trong nam")
DUE_DAY_TEXT = re.compile(r"ngay (\d{1,2})")
HIGH_PRIORITY = {"T007", "T008", "T043"}


class UnitIndex:
    """Units by code and by name key; a unit that ended is followed to its successor."""

    def __init__(self) -> None:
        self.units = list(Unit.objects.all())
        self.codes = {u.code: u for u in self.units}
        self.keys: dict[str, list[Unit]] = {}
        for unit in self.units:
            self.keys.setdefault(unit_key(unit.name), []).append(unit)
        self.successors = dict(
            UnitSuccession.objects.filter(whole=True).values_list("predecessor_id", "successor_id")
        )
        self.by_pk = {u.pk: u for u in self.units}

    def by_code(self, code: str) -> Unit:
        try:
            return self.codes[code]
        except KeyError:
            raise DemoError(f"Run load_reference_data first (missing unit {code}).") from None

    def find(self, name: str, on: datetime.date) -> Unit | None:
        """The unit the name meant on `on`; None when the annex names a body outside the tree."""
        candidates = self.keys.get(unit_key(name), [])
        current = [u for u in candidates if u.is_current_on(on)]
        if current:
            return current[0]
        return self.current(candidates[0], on) if candidates else None

    def current(self, unit: Unit, on: datetime.date) -> Unit:
        seen: set[int] = set()
        while not unit.is_current_on(on) and unit.pk in self.successors and unit.pk not in seen:
            seen.add(unit.pk)
            unit = self.by_pk[self.successors[unit.pk]]
        return unit


def _areas(plan: Plan, names: Iterable[str], people: People) -> dict[str, ReformArea]:
    """The seeded areas by the annex's names; an area the seed lacks is added."""
    seeded = services.seed_default_areas(plan, by=people.secretariat)
    by_key = {_area_key(a.name): a for a in seeded}
    areas: dict[str, ReformArea] = {}
    for name in names:
        area = by_key.get(_area_key(name))
        if area is None:
            position = max((a.position for a in by_key.values()), default=0) + 1
            area = services.create_area(
                plan, code=str(position), name=name, position=position, by=people.secretariat
            )
            by_key[_area_key(name)] = area
        areas[name] = area
    return areas


def _area_key(name: str) -> str:
    """Area names as the seed ("… CCHC") and the annex ("… cải cách hành chính") write them."""
    return fold(name).replace("cai cach hanh chinh", "cchc")


def _deadline(item: dict[str, Any]) -> dict[str, Any]:
    """Deadline kind, date, recurrence and due day from the annex's columns."""
    deadline = datetime.date.fromisoformat(item["deadline"])
    text = item["deadline_text"]
    recurrence = item["recurrence"]
    if recurrence in ("monthly", "quarterly"):
        found = DUE_DAY_TEXT.search(fold(text))
        # No due day: the period's last day.
        due_day = int(found.group(1)) if found else (deadline.day if deadline.day < 28 else None)
        return {
            "deadline_kind": Task.DeadlineKind.RECURRING,
            "recurrence": recurrence,
            "due_day": due_day,
        }
    if fold(text).startswith(THROUGHOUT_TEXTS):
        return {"deadline_kind": Task.DeadlineKind.THROUGHOUT}
    # A one-off task, or a yearly one: in an annual plan that is one occurrence by a date.
    return {"deadline_kind": Task.DeadlineKind.DATE, "deadline": deadline}


def _lead(name: str, units: UnitIndex, on: datetime.date) -> tuple[Unit, str, str]:
    """Lead unit, scope and a note for the coordinating text when the lead is not a unit."""
    scope = GROUPS.get(fold(name))
    if scope is not None:
        return units.by_code(SECRETARIAT_UNIT), scope, ""
    unit = units.find(name, on)
    if unit is not None:
        return unit, Task.Scope.LEAD, ""
    # Công an tỉnh is a central body, not in the province's tree: the provincial office
    # follows the task for it and the annex's words are kept.
    return units.by_code("VPUBND"), Task.Scope.LEAD, f"Chủ trì theo kế hoạch: {name}"


def _task_values(item: dict[str, Any], units: UnitIndex, on: datetime.date) -> dict[str, Any]:
    lead, scope, note = _lead(item["lead_unit"], units, on)
    coordinating = []
    for name in item["coordinating_units"]:
        unit = units.find(name, on) if fold(name) not in GROUPS else None
        if unit is not None and unit != lead and unit not in coordinating:
            coordinating.append(unit)
    written = "; ".join([note, *item["coordinating_units"]] if note else item["coordinating_units"])
    return {
        "code": item["id"],
        "content": item["content"],
        "lead_unit": lead,
        "scope": scope,
        "coordinating_units": coordinating,
        "coordinating_text": written[:500],
        "expected_output": item["output"][:500],
        "deadline_text": item["deadline_text"][:200],
        "priority": Task.Priority.HIGH if item["id"] in HIGH_PRIORITY else Task.Priority.NORMAL,
        "weight": Decimal("1"),
        "is_real": bool(item["is_real"]),
        "source": item["source"],
    }
