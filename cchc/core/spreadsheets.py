"""Spreadsheet helpers shared by every importer and exporter.

`ImportProblem` is how an importer reports what is wrong, by file, row and column.
Text that a spreadsheet would run as a formula (= + - @ …) is written with a leading
apostrophe (`safe_cell`), and `cell_text` removes it again on import, so an exported
file imports back unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from cchc.core.text import normalize

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ImportProblem:
    file: str
    row: int | None
    column: str
    reason: str

    def __str__(self) -> str:
        row = _("row %(number)s") % {"number": self.row} if self.row else ""
        return " — ".join(part for part in (self.file, row, self.column, self.reason) if part)


def safe_cell(value: str) -> str:
    """Neutralise spreadsheet formula injection with a leading apostrophe."""
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


def cell_text(raw: Any, *, exact: bool = False) -> str:
    """Cell value as text: trimmed and normalised, or as written (`exact`, for notes).

    Whole numbers stored as floats read as integers ("12", not "12.0"); the apostrophe
    `safe_cell` added is removed.
    """
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    value = str(raw) if exact else normalize(str(raw))
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_PREFIXES:
        value = value[1:]
    return value


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
