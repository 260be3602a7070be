"""Export units as XLSX or CSV, in the columns `importing` reads back.

Text that a spreadsheet would run as a formula (= + - @ …) gets a leading apostrophe;
`importing` removes it again, so an exported file imports back unchanged.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator

from openpyxl import Workbook

from cchc.core.spreadsheets import FORMULA_PREFIXES, safe_cell

from .models import Unit

COLUMNS = (
    "code",
    "name",
    "short_name",
    "kind",
    "parent_code",
    "official_code",
    "valid_from",
    "valid_to",
    "email",
    "notes",
)


def _date(value: datetime.date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def parents_first(units: Iterable[Unit]) -> list[Unit]:
    """Order units depth-first along the tree (parents before children, by code)."""
    units = sorted(units, key=lambda u: u.code)
    ids = {u.pk for u in units}
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        key = unit.parent_id if unit.parent_id in ids else None
        children.setdefault(key, []).append(unit)
    ordered: list[Unit] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        unit = stack.pop()
        ordered.append(unit)
        stack.extend(reversed(children.get(unit.pk, [])))
    return ordered


def unit_rows(units: Iterable[Unit]) -> Iterator[list[str]]:
    """Yield one row of text cells per unit, in `COLUMNS` order."""
    for unit in parents_first(units):
        cells = [
            unit.code,
            unit.name,
            unit.short_name,
            unit.kind,
            unit.parent.code if unit.parent else "",
            unit.official_code,
            _date(unit.valid_from),
            _date(unit.valid_to),
            unit.email,
            unit.notes,
        ]
        yield [safe_cell(c) for c in cells]


def to_xlsx(units: Iterable[Unit]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("units")
    sheet.append(list(COLUMNS))
    for row in unit_rows(units):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_csv(units: Iterable[Unit]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs detect the encoding."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(unit_rows(units))
    return buffer.getvalue().encode("utf-8-sig")


__all__ = ["COLUMNS", "FORMULA_PREFIXES", "safe_cell", "to_csv", "to_xlsx", "unit_rows"]
