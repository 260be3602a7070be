"""One XLSX table renderer for every export: bold frozen header, filter, widths, dates.

Written in openpyxl's write-only mode, so 50,000 rows stream without holding the
workbook in memory. Text that a spreadsheet would run as a formula is neutralised.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from cchc.core.spreadsheets import safe_cell

DATE_FORMAT = "DD/MM/YYYY"
_SHEET_TITLE = re.compile(r"[\[\]:*?/\\]")


def table_xlsx(
    *,
    title: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    widths: Sequence[float] = (),
) -> bytes:
    """Return an .xlsx with one sheet: the header row, then one row per item of `rows`.

    Strings are protected against formula injection; dates are real dates shown as
    dd/mm/yyyy; `widths` are column widths in characters.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_SHEET_TITLE.sub(" ", title)[:31] or "Sheet1")
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_header(sheet, text) for text in columns])
    last_row = 1
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
        last_row += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last_row}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header(sheet: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=safe_cell(str(text)))
    cell.font = Font(bold=True)
    cell.alignment = Alignment(vertical="center", wrap_text=True)
    return cell


def _cell(sheet: WriteOnlyWorksheet, value: object) -> object:
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, str):
        return safe_cell(value)
    return value
