"""Unit names as annexes write them: matching keys and group phrases ("Các sở, ban, ngành")."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

from django.conf import settings

from cchc.core.spreadsheets import cell_text
from cchc.core.text import fold
from cchc.units.models import Unit

from ..models import Task

_UNIT_PREFIXES = ("uy ban nhan dan ", "so ", "tinh ", "huyen ", "thi xa ", "thanh pho ")
_COMMITTEE = r"(ubnd|uy ban nhan dan)"
_GROUPS = (
    (r"^(cac )?so ban nganh( tinh| cap tinh| thuoc tinh)?$", Task.Scope.ALL_DEPARTMENTS),
    (rf"^cac co quan chuyen mon thuoc {_COMMITTEE} tinh$", Task.Scope.ALL_DEPARTMENTS),
    (rf"^{_COMMITTEE} (cac )?huyen thi xa thanh pho$", Task.Scope.ALL_LOCAL),
    (rf"^{_COMMITTEE} cap huyen$", Task.Scope.ALL_LOCAL),
    (rf"^{_COMMITTEE} (cac )?xa phuong thi tran$", Task.Scope.ALL_COMMUNES),
    (rf"^{_COMMITTEE} cap xa$", Task.Scope.ALL_COMMUNES),
)
_BOTH = frozenset({Task.Scope.ALL_DEPARTMENTS, Task.Scope.ALL_LOCAL})
_AND_GROUP = re.compile(r"\s+(?:và|va)\s+(?=(?:UBND|Ủy ban|Uỷ ban|các|Các)\b)", re.IGNORECASE)


def words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text)).split())


def unit_key(name: str) -> str:
    """A matching key for a unit name: no diacritics, case, prefixes or province.

    "Sở Tư pháp tỉnh An Giang", "SỞ TƯ PHÁP", "Sở Tư Pháp" → "tu phap";
    "UBND thành phố Long Xuyên", "Thành phố Long Xuyên" → "long xuyen".
    """
    key = re.sub(r"\bubnd\b", "uy ban nhan dan", words(name))
    key = re.sub(r"\btp\b", "thanh pho", key)
    province = words(settings.PROVINCE_NAME)
    for suffix in (f" tinh {province}", f" {province}", " tinh"):
        if key.endswith(suffix):
            key = key.removesuffix(suffix)
            break
    stripped = True
    while stripped:
        stripped = False
        for prefix in _UNIT_PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix):
                key, stripped = key.removeprefix(prefix), True
    return "tinh" if key in ("", "uy ban nhan dan", province) else key


def split_units(
    text: str, *, is_unit: Callable[[str], bool] = lambda name: False
) -> tuple[set[str], list[str]]:
    """Group phrases (as scopes) and the unit names written in a cell.

    Names are separated by ";", "," or new lines; pieces that together make a group
    phrase ("Các sở, ban, ngành tỉnh") or a known unit name with a comma in it are joined.
    """
    text = _AND_GROUP.sub("; ", re.sub(r"\([^)]*\)", " ", cell_text(text)))
    pieces = [p.strip(" .-") for p in re.split(r"[;,\n]", text)]
    pieces = [p for p in pieces if p]
    groups: set[str] = set()
    names: list[str] = []
    index = 0
    while index < len(pieces):
        size, scope = _longest(pieces[index:], is_unit)
        if scope:
            groups.add(scope)
        else:
            names.append(", ".join(pieces[index : index + size]))
        index += size
    return groups, names


def _longest(pieces: list[str], is_unit: Callable[[str], bool]) -> tuple[int, str | None]:
    """How many pieces make the next group phrase or unit name (1 when none does)."""
    for size in (4, 3, 2):
        if size > len(pieces):
            continue
        scope = _group(pieces[:size])
        if scope is not None:
            return size, scope
        if is_unit(", ".join(pieces[:size])):
            return size, None
    return 1, _group(pieces[:1])


def _group(pieces: list[str]) -> str | None:
    key = words(" ".join(pieces))
    return next((scope for pattern, scope in _GROUPS if re.match(pattern, key)), None)


def scope_of(groups: set[str]) -> str | None:
    if groups == _BOTH:
        return Task.Scope.ALL_DEPARTMENTS_AND_LOCAL
    return next(iter(groups)) if len(groups) == 1 else None


class UnitIndex:
    """The units current on a day, by name key, short name and code."""

    def __init__(self, on: datetime.date) -> None:
        self.keys: dict[str, list[Unit]] = {}
        for unit in Unit.objects.current_on(on).order_by("pk"):
            for key in {unit_key(unit.name), words(unit.short_name), words(unit.code)} - {""}:
                self.keys.setdefault(key, []).append(unit)

    def find(self, name: str) -> list[Unit]:
        return self.keys.get(unit_key(name), [])

    def knows(self, name: str) -> bool:
        return unit_key(name) in self.keys
