"""Reading an XLSForm workbook's sheets into rows of named cells.

A sheet's first row holds the column names. Translated columns ("label::Vietnamese (vi)",
"hint::English (en)") are recognised: the Vietnamese one is taken first, else the plain
column, else the first translation; the other languages are reported as not kept.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from cchc.core.spreadsheets import ImportProblem, cell_text, is_blank

MAX_ROWS = {"survey": 3000, "choices": 20000, "settings": 10}
TRANSLATED = ("label", "hint")


class WorkbookUnreadable(Exception):
    """The content is not a workbook openpyxl can read."""


@dataclass
class Row:
    number: int
    cells: dict[str, Any]

    def text(self, column: str) -> str:
        """The cell as one line of text (names, types, expressions)."""
        return cell_text(self.cells.get(column))

    def words(self, column: str) -> str:
        """The cell as written (labels, hints, notes): line breaks kept, NFC, trimmed."""
        raw = cell_text(self.cells.get(column), exact=True)
        return unicodedata.normalize("NFC", raw).strip()

    def is_empty(self) -> bool:
        return all(is_blank(v) for v in self.cells.values())

    def filled(self) -> Iterator[str]:
        return (k for k, v in self.cells.items() if not is_blank(v))


@dataclass
class Sheet:
    name: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    dropped_languages: list[str] = field(default_factory=list)


def _language(column: str) -> tuple[str, str]:
    base, _sep, language = column.partition("::")
    return base.strip(), language.strip()


def _is_vietnamese(language: str) -> bool:
    folded = language.casefold()
    return (
        "vietnam" in folded
        or "tiếng việt" in folded
        or folded in ("vi", "vn")
        or ("(vi)" in folded)
    )


def _pick_translation(columns: list[str], base: str) -> tuple[str | None, list[str]]:
    """The column to read for `base` and the languages left out."""
    translated = [c for c in columns if _language(c)[0] == base and _language(c)[1]]
    plain = base if base in columns else None
    chosen = next((c for c in translated if _is_vietnamese(_language(c)[1])), None)
    chosen = chosen or plain or (translated[0] if translated else None)
    dropped = [_language(c)[1] for c in translated if c != chosen]
    if plain and chosen != plain:
        dropped.append(_("(no language)"))
    return chosen, dropped


def _column(raw: Any) -> str:
    """A column name: the base lower-cased, a language as written ("label::English (en)")."""
    if is_blank(raw):
        return ""
    base, sep, language = cell_text(raw).partition("::")
    return f"{base.strip().lower()}{sep}{language.strip()}"


def _header(raw: tuple[Any, ...]) -> list[str]:
    return [_column(v) for v in raw]


def _kept(column: str, renames: dict[str, str]) -> bool:
    return column in renames or bool(column and _language(column)[0] not in TRANSLATED)


def _read_sheet(worksheet: Any, name: str, file: str, problems: list[ImportProblem]) -> Sheet:
    rows = worksheet.iter_rows(values_only=True)
    header = _header(next(rows, ()))
    present = [c for c in header if c]
    renames = {}
    dropped = []
    for base in TRANSLATED:
        chosen, languages = _pick_translation(present, base)
        if chosen:
            renames[chosen] = base
        dropped += [f"{base}::{language}" for language in languages]
    kept = [renames.get(c, c) for c in present if _kept(c, renames)]
    sheet = Sheet(name=name, columns=kept, dropped_languages=dropped)
    limit = MAX_ROWS[name]
    for number, values in enumerate(rows, start=2):
        if number > limit + 1:
            reason = _("The sheet has more than %(n)d rows.") % {"n": limit}
            problems.append(ImportProblem(file, number, name, reason))
            break
        cells = {
            renames.get(col, col): value
            for col, value in zip(header, values, strict=False)
            if _kept(col, renames)
        }
        row = Row(number, cells)
        if not row.is_empty():
            sheet.rows.append(row)
    return sheet


def read_sheets(stream: IO[bytes], *, file: str, problems: list[ImportProblem]) -> dict[str, Sheet]:
    """The survey, choices and settings sheets found (names compared case-insensitively)."""
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise WorkbookUnreadable(str(exc)) from exc
    try:
        found = {ws.title.strip().lower(): ws for ws in book.worksheets}
        return {
            name: _read_sheet(found[name], name, file, problems)
            for name in MAX_ROWS
            if name in found
        }
    finally:
        book.close()
