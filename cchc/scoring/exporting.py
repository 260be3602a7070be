"""The ranking of a round as .xlsx: one sheet per unit group, a title row, then the table.

Figures are real numbers shown with 2 decimals; text that a spreadsheet would run as a
formula is neutralised (`safe_cell`).
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from cchc.core.spreadsheets import safe_cell

from .results import GroupRanking, Ranking

NUMBER_FORMAT = "0.00"
WIDTHS = (8, 44, 12, 12, 12, 12, 16)
AREA_WIDTH = 14
_SHEET_TITLE = re.compile(r"[\[\]:*?/\\]")


def ranking_title(ranking: Ranking) -> str:
    """ "PAR Index 2026 — <round>", then the revision or "provisional"."""
    title = _("PAR Index %(year)s — %(round)s") % {
        "year": ranking.round.year,
        "round": ranking.round.name,
    }
    publication = ranking.publication
    if publication is None:
        return f"{title} ({_('provisional — not published')})"
    day = formats.date_format(publication.published_at, "SHORT_DATE_FORMAT")
    return f"{title} ({_('revision %(n)s of %(date)s') % {'n': publication.revision, 'date': day}})"


def columns(group: GroupRanking) -> list[str]:
    fixed = [
        _("Rank"),
        _("Unit"),
        _("Self score"),
        _("Appraised score"),
        _("Maximum"),
        _("Index (%)"),
        _("Band"),
    ]
    return fixed + [f"{c.code}. {c.name} (%)" for c in group.columns]


def rows(group: GroupRanking) -> list[list[object]]:
    out: list[list[object]] = []
    for line, cells in group.rows():
        out.append(
            [
                line.rank,
                line.unit_name,
                line.self_total,
                line.appraised_total,
                line.maximum,
                line.index,
                line.band,
                *(cell.figure.index if cell.figure else None for cell in cells),
            ]
        )
    return out


def _cell(sheet: WriteOnlyWorksheet, value: object, *, bold: bool = False) -> object:
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = NUMBER_FORMAT
        return cell
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=safe_cell(value))
        if bold:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        return cell
    return value


def _sheet_title(text: str, used: set[str]) -> str:
    base = _SHEET_TITLE.sub(" ", text)[:28].strip() or "Sheet"
    title, n = base, 2
    while title in used:
        title, n = f"{base} {n}", n + 1
    used.add(title)
    return title


def ranking_xlsx(ranking: Ranking) -> bytes:
    """Return the ranking as .xlsx bytes (one sheet per group)."""
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    title = ranking_title(ranking)
    for group in ranking.groups:
        sheet = workbook.create_sheet(_sheet_title(group.label, used))
        header = columns(group)
        widths = list(WIDTHS) + [AREA_WIDTH] * len(group.columns)
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "C3"
        sheet.append([_cell(sheet, f"{title} — {group.label}", bold=True)])
        sheet.append([_cell(sheet, text, bold=True) for text in header])
        body = rows(group)
        for row in body:
            sheet.append([_cell(sheet, value) for value in row])
        sheet.auto_filter.ref = f"A2:{get_column_letter(len(header))}{len(body) + 2}"
    if not ranking.groups:
        workbook.create_sheet(_sheet_title(_("Ranking"), used)).append([safe_cell(title)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
