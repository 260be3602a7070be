"""The annex sheet as a grid: merged ranges filled in, bold rows, and the header rows."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.worksheet.worksheet import Worksheet

from cchc.core.spreadsheets import cell_text, is_blank
from cchc.core.text import fold
from cchc.core.uploads import UploadRejected

MAX_ROWS = 5_000
MAX_COLUMNS = 30
HEADER_SEARCH_ROWS = 20
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")


@dataclass
class Grid:
    """The first sheet's cells with merged ranges filled in from their top-left cell."""

    cells: list[list[Any]]
    bold: set[int]  # 0-based indexes of rows whose first filled cell is bold
    merged_across: dict[int, int]  # row index → widest horizontal merge (in columns)
    merged_down: set[int]  # rows covered by a vertical merge starting on the row above


def read_grid(f: IO[bytes]) -> Grid:
    """Open the workbook (already checked as a safe XLSX) and unmerge its first sheet."""
    _refuse_too_many_rows(f)
    f.seek(0)
    try:
        workbook = openpyxl.load_workbook(f, data_only=True)
    except Exception as exc:  # a damaged workbook can fail in many ways inside openpyxl
        raise UploadRejected(_("The spreadsheet cannot be read.")) from exc
    sheet = workbook.worksheets[0]
    cells = [list(r) for r in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)]
    grid = Grid(cells=cells, bold=_bold_rows(sheet), merged_across={}, merged_down=set())
    _unmerge(sheet, grid)
    return grid


def _refuse_too_many_rows(f: IO[bytes]) -> None:
    """Count rows in streaming mode before loading the whole sheet into memory."""
    f.seek(0)
    try:
        workbook = openpyxl.load_workbook(f, read_only=True, data_only=True)
    except Exception as exc:
        raise UploadRejected(_("The spreadsheet cannot be read.")) from exc
    try:
        rows = workbook.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True)
        for count, _row in enumerate(rows, start=1):
            if count > MAX_ROWS:
                raise UploadRejected(
                    _("The file has more than %(max)s rows; split it into several files.")
                    % {"max": f"{MAX_ROWS:,}"}
                )
    finally:
        workbook.close()


def _bold_rows(sheet: Worksheet) -> set[int]:
    bold = set()
    for index, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS)):
        first = next((c for c in row if not is_blank(c.value)), None)
        if first is not None and first.font is not None and first.font.b:
            bold.add(index)
    return bold


def _unmerge(sheet: Worksheet, grid: Grid) -> None:
    """Carry each merged range's top-left value down and right over the whole range."""
    for merged in sheet.merged_cells.ranges:
        top, left = merged.min_row - 1, merged.min_col - 1
        if top >= len(grid.cells) or left >= MAX_COLUMNS:
            continue
        value = grid.cells[top][left]
        bottom = min(merged.max_row, len(grid.cells))
        right = min(merged.max_col, MAX_COLUMNS)
        for r in range(top, bottom):
            row = grid.cells[r]
            row.extend([None] * (right - len(row)))
            for c in range(left, right):
                row[c] = value
        width = right - left
        if width > 1:
            grid.merged_across[top] = max(grid.merged_across.get(top, 0), width)
        if bottom - top > 1:
            grid.merged_down.update(range(top + 1, bottom))


# Headers -------------------------------------------------------------------------------


def _header_key(text: str) -> str | None:
    """Which annex column a header cell names, ignoring diacritics and case."""
    key = " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text)).split())
    if not key or len(key) > 60:
        return None
    if key in ("stt", "tt", "so tt", "so thu tu"):
        return "stt"
    rules = (
        ("phoi hop", "coordinating"),
        ("chu tri", "lead"),
        ("san pham", "output"),
        ("ket qua", "output"),
        ("thoi han", "deadline"),
        ("thoi gian", "deadline"),
        ("nhiem vu", "content"),
        ("noi dung", "content"),
    )
    return next((column for words, column in rules if words in key), None)


def _keys_of(row: Sequence[Any]) -> dict[int, str]:
    keys = {}
    for index, value in enumerate(row):
        key = _header_key(cell_text(value)) if isinstance(value, str) else None
        if key:
            keys[index] = key
    return keys


def find_header(grid: Grid) -> tuple[int, int, dict[str, int]] | None:
    """(first header row, first data row, column key → index), or None when not found."""
    for top in range(min(HEADER_SEARCH_ROWS, len(grid.cells))):
        keys = _keys_of(grid.cells[top])
        if len(set(keys.values())) < 3:
            continue
        end = top + 1
        below = _keys_of(grid.cells[end]) if end < len(grid.cells) else {}
        if end in grid.merged_down or len(below) >= 2:
            keys.update(below)  # the second header row names the sub-columns
            end += 1
        columns: dict[str, int] = {}
        for index, key in sorted(keys.items()):
            columns.setdefault(key, index)
        return top, end, columns
    return None


def is_column_numbers(row: Sequence[Any]) -> bool:
    """The "(1) (2) (3) …" row officials put under the header."""
    filled = [cell_text(v) for v in row if not is_blank(v)]
    return len(filled) >= 3 and all(_COLUMN_NUMBER.match(v) for v in filled)
