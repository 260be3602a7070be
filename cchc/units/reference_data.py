"""Turn `reference/an_giang_units.json` into units and succession links, idempotently.

The tree it builds (domain README §3):

- the province "AG" (GSO code 89; the merged province uses 91 from 1/7/2025);
- the 2022 departments under it, code = short name; those merged on 1/3/2025 end on
  28/2/2025 and link to the department that took them over. A 2025 department that keeps
  its name and lists its own former name in `formed_from` is the same unit; a new name
  (Sở Nông nghiệp và Môi trường …) is a new unit from 1/3/2025;
- the 11 district-level units (code = GSO code) and their communes, ending 30/6/2025;
- the 102 commune-level units of 1/7/2025 directly under the province, code "<gso>-2025"
  because GSO codes are reused, linked from each An Giang commune they were formed from.
  Kiên Giang predecessors are not in this tree; they are named in the unit's notes.

Loading compares every planned row with the database in memory (one query per table)
and saves only what differs, so a re-run writes nothing and adds no history.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction

from cchc.core.text import fold, normalize

from .models import Unit, UnitSuccession

if TYPE_CHECKING:
    from cchc.accounts.models import User

PROVINCE_CODE = "AG"
DEPARTMENT_MERGER = datetime.date(2025, 3, 1)
REFORM = datetime.date(2025, 7, 1)
DEPARTMENT_LEGAL_BASIS = "Nghị định 45/2025/NĐ-CP; Nghị quyết HĐND tỉnh An Giang (20/02/2025)"
COMMUNE_LEGAL_BASIS = "Nghị quyết 1654/NQ-UBTVQH15"
OLD_PROVINCE = "Tỉnh An Giang"
PROVINCE_NOTES = (
    "Mã thống kê 89 đến 30/6/2025. Từ 01/7/2025 tỉnh An Giang hợp nhất với tỉnh Kiên Giang "
    "(Nghị quyết 202/2025/QH15) và dùng mã 91."
)
# Changes before the 2025 reform that the file records only in its notes (districts_notes).
EARLIER_MERGERS = [
    {
        "predecessor": "30285",  # Phường Đông Xuyên
        "successor": "30286",  # Phường Mỹ Xuyên
        "effective_date": datetime.date(2025, 1, 1),
        "legal_basis": "Nghị quyết 1285/NQ-UBTVQH15",
        "notes": "Ngày hiệu lực 01/01/2025 chưa được xác minh từ văn bản gốc.",
    },
]
UNIT_FIELDS = (
    "name",
    "short_name",
    "kind",
    "official_code",
    "valid_from",
    "valid_to",
    "notes",
)
LINK_FIELDS = ("effective_date", "whole", "legal_basis", "notes")
_PARENTHESES = re.compile(r"\([^)]*\)")


@dataclass
class PlannedUnit:
    code: str
    parent_code: str
    values: dict[str, Any]


@dataclass
class PlannedLink:
    predecessor: str
    successor: str
    values: dict[str, Any]


@dataclass
class Plan:
    units: list[PlannedUnit] = field(default_factory=list)
    links: list[PlannedLink] = field(default_factory=list)

    def unit(self, code: str, parent_code: str = "", **values: Any) -> PlannedUnit:
        defaults = {"short_name": "", "official_code": "", "valid_from": None, "valid_to": None}
        planned = PlannedUnit(code, parent_code, {**defaults, "notes": "", **values})
        planned.values["name"] = normalize(planned.values["name"])
        planned.values["short_name"] = normalize(planned.values["short_name"])
        self.units.append(planned)
        return planned

    def link(self, predecessor: str, successor: str, **values: Any) -> None:
        values = {"whole": True, "legal_basis": "", "notes": "", **values}
        self.links.append(PlannedLink(predecessor, successor, values))


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class LoadResult:
    units: Counts
    links: Counts


# Planning ------------------------------------------------------------------------------


def plan_from(data: dict[str, Any]) -> Plan:
    """What the tree should look like according to the reference file."""
    plan = Plan()
    plan.unit(
        PROVINCE_CODE,
        name=data["province"]["name"],
        kind=Unit.Kind.PROVINCE,
        official_code=data["province"]["code"],
        notes=PROVINCE_NOTES,
    )
    _plan_departments(plan, data["departments_2022"], data["departments_2025"])
    communes = _plan_districts(plan, data["districts_2022"])
    for merger in EARLIER_MERGERS:
        _end_commune(plan, merger["predecessor"], merger["effective_date"])
        plan.link(**merger)
    _plan_reform(plan, data["reform_2025"], communes)
    return plan


def _former_key(name: str) -> str:
    """A matching key for department names as the merger decisions write them."""
    key = fold(_PARENTHESES.sub("", name)).replace("ubnd", "uy ban nhan dan")
    for suffix in (" tinh an giang", " tinh"):
        key = key.removesuffix(suffix)
    return key.strip()


def _plan_departments(
    plan: Plan, departments_2022: list[dict[str, Any]], departments_2025: list[dict[str, Any]]
) -> None:
    old = {_former_key(d["name"]): d for d in departments_2022}
    planned = {
        d["short_name"]: plan.unit(
            d["short_name"],
            PROVINCE_CODE,
            name=d["name"],
            short_name=d["short_name"],
            kind=Unit.Kind.DEPARTMENT,
        )
        for d in departments_2022
    }
    for new in departments_2025:
        formers = {_former_key(n): n for n in new["formed_from"]}
        own = _former_key(new["name"])
        if own in formers and own in old:
            successor = planned[old[own]["short_name"]]
        else:
            successor = plan.unit(
                new["short_name"],
                PROVINCE_CODE,
                name=new["name"],
                short_name=new["short_name"],
                kind=Unit.Kind.DEPARTMENT,
                valid_from=DEPARTMENT_MERGER,
            )
        outside = [name for key, name in formers.items() if key not in old]
        if outside:
            successor.values["notes"] = "Hình thành cả từ: " + "; ".join(outside) + "."
        for key in sorted(formers.keys() & old.keys() - {own}):
            _merge_department(plan, planned[old[key]["short_name"]], into=successor.code)


def _merge_department(plan: Plan, predecessor: PlannedUnit, *, into: str) -> None:
    predecessor.values["valid_to"] = DEPARTMENT_MERGER - datetime.timedelta(days=1)
    plan.link(
        predecessor.code,
        into,
        effective_date=DEPARTMENT_MERGER,
        legal_basis=DEPARTMENT_LEGAL_BASIS,
    )


def _plan_districts(plan: Plan, districts: list[dict[str, Any]]) -> dict[str, PlannedUnit]:
    last_day = REFORM - datetime.timedelta(days=1)
    communes: dict[str, PlannedUnit] = {}
    for district in districts:
        plan.unit(
            district["code"],
            PROVINCE_CODE,
            name=district["name"],
            kind=Unit.Kind.DISTRICT,
            official_code=district["code"],
            valid_to=last_day,
        )
        for commune in district["communes"]:
            communes[commune["code"]] = plan.unit(
                commune["code"],
                district["code"],
                name=commune["name"],
                kind=Unit.Kind.COMMUNE,
                official_code=commune["code"],
                valid_to=last_day,
            )
    return communes


def _end_commune(plan: Plan, code: str, effective_date: datetime.date) -> None:
    for planned in plan.units:
        if planned.code == code:
            planned.values["valid_to"] = effective_date - datetime.timedelta(days=1)


def _plan_reform(plan: Plan, reform: dict[str, Any], communes: dict[str, PlannedUnit]) -> None:
    for new in reform["commune_units"]:
        code = f"{new['code']}-2025"
        elsewhere = [f for f in new["formed_from"] if f["code"] not in communes]
        plan.unit(
            code,
            PROVINCE_CODE,
            name=new["name"],
            short_name=new["short_name"],
            kind=Unit.Kind.COMMUNE,
            official_code=new["code"],
            valid_from=REFORM,
            notes=_outside_notes(elsewhere),
        )
        for former in new["formed_from"]:
            if former["code"] in communes and former["old_province"] == OLD_PROVINCE:
                plan.link(
                    former["code"],
                    code,
                    effective_date=REFORM,
                    whole=bool(former["whole"]),
                    legal_basis=COMMUNE_LEGAL_BASIS,
                )


def _outside_notes(formers: list[dict[str, Any]]) -> str:
    """Name the predecessors outside this tree (Kiên Giang communes)."""
    if not formers:
        return ""
    names = [
        f"{f['name']} ({f['old_district']}, {f['old_province']}"
        + ("" if f["whole"] else ", một phần")
        + ")"
        for f in formers
    ]
    return "Hình thành cả từ các đơn vị ngoài cây đơn vị này: " + "; ".join(names) + "."


# Applying ------------------------------------------------------------------------------


def _changed(obj: Any, values: dict[str, Any]) -> list[str]:
    return [name for name, value in values.items() if getattr(obj, name) != value]


def _apply_units(plan: Plan, *, by: User | None) -> tuple[dict[str, Unit], Counts]:
    counts = Counts()
    units = {u.code: u for u in Unit.objects.all()}
    for planned in plan.units:
        parent = units[planned.parent_code] if planned.parent_code else None
        unit = units.get(planned.code)
        if unit is None:
            unit = Unit(code=planned.code, parent=parent, **planned.values)
            changed = None
            counts.created += 1
        else:
            changed = _changed(unit, planned.values)
            if unit.parent_id != (parent.pk if parent else None):
                changed.append("parent")
            if not changed:
                counts.unchanged += 1
                continue
            for name in changed:
                setattr(unit, name, parent if name == "parent" else planned.values[name])
            counts.updated += 1
        unit._history_user = by  # type: ignore[attr-defined]
        unit.save(update_fields=changed)
        units[planned.code] = unit
    return units, counts


def _apply_links(plan: Plan, units: dict[str, Unit], *, by: User | None) -> Counts:
    counts = Counts()
    existing = {(s.predecessor_id, s.successor_id): s for s in UnitSuccession.objects.all()}
    for planned in plan.links:
        pair = (units[planned.predecessor].pk, units[planned.successor].pk)
        link = existing.get(pair)
        if link is None:
            link = UnitSuccession(predecessor_id=pair[0], successor_id=pair[1], **planned.values)
            changed = None
            counts.created += 1
        else:
            changed = _changed(link, planned.values)
            if not changed:
                counts.unchanged += 1
                continue
            for name in changed:
                setattr(link, name, planned.values[name])
            counts.updated += 1
        link._history_user = by  # type: ignore[attr-defined]
        link.save(update_fields=changed)
    return counts


@transaction.atomic
def load_reference_data(path: Path, *, by: User | None = None) -> LoadResult:
    """Create or update the units and links the reference file describes; return counts."""
    data = json.loads(path.read_text(encoding="utf-8"))
    plan = plan_from(data)
    units, unit_counts = _apply_units(plan, by=by)
    return LoadResult(units=unit_counts, links=_apply_links(plan, units, by=by))
