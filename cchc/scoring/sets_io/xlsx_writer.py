"""Write a criteria-set tree as the workbook officials use; `xlsx_reader` reads it back.

Sheet 1 has a title block, the header row (bold, frozen), one row per node in document
order (areas bold, names indented by level) and a total row. Texts go through
`safe_cell`, so nothing is run as a formula; numbers stay numbers.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from cchc.core.spreadsheets import safe_cell

from . import words

HEADER_ROW = 4
_SHEET_TITLE = re.compile(r"[\[\]:*?/\\]")
_WRAPPED = frozenset({"name", "guidance", "evidence_required", "params"})
BOLD = Font(bold=True)
TOP = Alignment(vertical="top", wrap_text=True)


def _number(text: Any) -> int | float | str:
    """ "10" → 10, "2.5" → 2.5: a real number in the cell (the reader reads it back exactly)."""
    value = Decimal(str(text))
    return int(value) if value == value.to_integral_value() else float(value)


def _title(label: Any) -> str:
    return _SHEET_TITLE.sub(" ", str(label))[:31]


def _walk(nodes: list[Mapping[str, Any]], depth: int = 1) -> Iterator[tuple[Mapping, int]]:
    for node in nodes:
        yield node, depth
        yield from _walk(node.get("children", []), depth + 1)


def _node_cells(node: Mapping[str, Any]) -> dict[str, Any]:
    params = node.get("params") or {}
    return {
        "code": safe_cell(str(node["code"])),
        "name": safe_cell(node["name"]),
        "max_points": _number(node["max_points"]),
        "guidance": safe_cell(node.get("guidance", "")),
        "evidence_required": safe_cell(node.get("evidence_required", "")),
        "source": words.value_label("source", node.get("source") or "self_assessment"),
        "kind": words.value_label("kind", node.get("kind") or "normal"),
        "method": words.value_label("method", node["method"]) if node.get("method") else "",
        "params": json.dumps(params, ensure_ascii=False, sort_keys=True) if params else "",
        "allows_not_applicable": str(words.YES if node.get("allows_not_applicable") else words.NO),
    }


def _criteria_sheet(sheet: Worksheet, tree: Mapping[str, Any]) -> None:
    fields = list(words.COLUMNS)
    sheet.cell(row=1, column=1, value=safe_cell(tree["name"])).font = Font(bold=True, size=13)
    if tree.get("legal_basis"):
        sheet.cell(row=2, column=1, value=safe_cell(tree["legal_basis"]))
    for column, name in enumerate(fields, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=str(words.COLUMNS[name]))
        cell.font, cell.alignment = BOLD, Alignment(vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(column)].width = words.COLUMN_WIDTHS[name]
    row = HEADER_ROW
    for row, (node, depth) in enumerate(_walk(tree["criteria"]), start=HEADER_ROW + 1):
        for column, (name, value) in enumerate(_node_cells(node).items(), start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.alignment = Alignment(
                vertical="top",
                wrap_text=name in _WRAPPED,
                indent=(depth - 1) * 2 * (name == "name"),
            )
            if depth == 1:
                cell.font = BOLD
    total = sum(
        (
            Decimal(str(n["max_points"]))
            for n in tree["criteria"]
            if n.get("kind", "normal") == "normal"
        ),
        Decimal(0),
    )
    sheet.cell(row=row + 1, column=2, value=str(_("Total"))).font = BOLD
    sheet.cell(row=row + 1, column=3, value=_number(total)).font = BOLD
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    _add_lists(sheet, fields, last_row=row)


def _add_lists(sheet: Worksheet, fields: list[str], *, last_row: int) -> None:
    """Drop-down lists of the accepted words in the columns that take a choice."""
    lists = {
        "source": [words.value_label("source", c) for c in ("self_assessment", "survey")],
        "kind": [words.value_label("kind", c) for c in ("normal", "bonus", "penalty")],
        "method": [str(label) for label in words.METHOD_WORDS.values()],
        "allows_not_applicable": [str(words.YES), str(words.NO)],
    }
    for name, choices in lists.items():
        formula = ",".join(choices)
        if any(ch in formula for ch in '"') or any("," in c for c in choices) or len(formula) > 250:
            continue
        letter = get_column_letter(fields.index(name) + 1)
        validation = DataValidation(type="list", formula1=f'"{formula}"', allow_blank=True)
        validation.add(f"{letter}{HEADER_ROW + 1}:{letter}{max(last_row, HEADER_ROW + 1)}")
        sheet.add_data_validation(validation)


def _bands_sheet(sheet: Worksheet, tree: Mapping[str, Any]) -> None:
    for column, label in enumerate(words.BAND_COLUMNS.values(), start=1):
        sheet.cell(row=1, column=column, value=str(label)).font = BOLD
    for row, band in enumerate(tree.get("bands", []), start=2):
        sheet.cell(row=row, column=1, value=safe_cell(band["label"]))
        sheet.cell(row=row, column=2, value=_number(band["min_percent"]))
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 12
    sheet.freeze_panes = "A2"


def _info_sheet(sheet: Worksheet, tree: Mapping[str, Any]) -> None:
    values = {
        "year": tree["year"],
        "group": words.value_label("group", tree["group"]),
        "name": safe_cell(tree["name"]),
        "legal_basis": safe_cell(tree.get("legal_basis", "")),
        "rounding": words.value_label("rounding", tree.get("rounding") or "half_up"),
        "cap_at_maximum": str(words.YES if tree.get("cap_at_maximum", True) else words.NO),
        "notes": safe_cell(tree.get("notes", "")),
    }
    for row, (name, value) in enumerate(values.items(), start=1):
        sheet.cell(row=row, column=1, value=str(words.INFO_ITEMS[name])).font = BOLD
        sheet.cell(row=row, column=2, value=value).alignment = TOP
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 70


def write_xlsx(tree: Mapping[str, Any]) -> bytes:
    """The workbook of a valid tree: criteria, bands and information sheets."""
    workbook = Workbook()
    criteria = workbook.active
    criteria.title = _title(words.CRITERIA_SHEET)
    _criteria_sheet(criteria, tree)
    _bands_sheet(workbook.create_sheet(_title(words.BANDS_SHEET)), tree)
    _info_sheet(workbook.create_sheet(_title(words.INFO_SHEET)), tree)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
