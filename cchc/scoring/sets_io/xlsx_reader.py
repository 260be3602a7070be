"""Read a criteria-set workbook into the JSON tree, remembering the row of every node.

The layout and the numbering rule are described in the package docstring. Problems of
single cells (a bad JSON, a yes/no that is neither) are reported here; everything else is
left to `tree.read_tree`, which reports through `SetFile.locate` with rows and columns.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from cchc.core.spreadsheets import ImportProblem, cell_text, is_blank
from cchc.core.uploads import UploadRejected

from . import words
from .tree import FORMAT

MAX_ROWS = 3_000
MAX_COLUMNS = 20
HEADER_SEARCH_ROWS = 20
_ROMAN = re.compile(r"^(X{0,3})(IX|IV|V?I{0,3})$")
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")
_TOTAL_WORDS = {"tong", "tong cong", "tong diem", "tong so", "cong", "total"}


def is_roman(text: str) -> bool:
    return bool(text) and _ROMAN.match(text) is not None


@dataclass
class SetFile:
    """A criteria set as read from a file: the tree, where each part came from, and the
    problems found while reading cells."""

    file: str
    tree: dict[str, Any]
    problems: list[ImportProblem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # tree path → row number
    columns: dict[str, str] = field(default_factory=dict)  # field → column label
    band_rows: dict[str, int] = field(default_factory=dict)
    info_rows: dict[str, int] = field(default_factory=dict)
    sheets: dict[str, str] = field(default_factory=dict)  # "bands", "info" → sheet title
    is_spreadsheet: bool = True

    def locate(self, path: str, name: str) -> tuple[int | None, str]:
        """The row and column of a tree path and field, for `ImportProblem`."""
        if not self.is_spreadsheet:
            return None, ".".join(part for part in (path, name) if part)
        if path == "criteria":
            return None, self.sheets.get("criteria") or str(words.CRITERIA_SHEET)
        if path.startswith("criteria"):
            column = self.columns.get(name or "code") or str(words.COLUMNS.get(name, name))
            return self.rows.get(path), column
        if path.startswith("bands"):
            title = self.sheets.get("bands") or str(words.BANDS_SHEET)
            label = words.BAND_COLUMNS.get(name, "")
            return self.band_rows.get(path), f"{title}: {label}" if label else title
        title = self.sheets.get("info") or str(words.INFO_SHEET)
        label = words.INFO_ITEMS.get(name, name)
        return self.info_rows.get(name), f"{title}: {label}" if label else title


def number_text(raw: Any) -> str:
    """A number cell as text for the tree: 2.5 → "2.5", "2,5" → "2.5" (decimal comma)."""
    if raw is None or isinstance(raw, bool):
        return "" if raw is None else str(raw)
    if isinstance(raw, int | Decimal):
        return str(raw)
    if isinstance(raw, float):
        try:
            return format(Decimal(repr(raw)), "f")
        except InvalidOperation:
            return repr(raw)
    text = cell_text(raw).replace(" ", "").removesuffix("%")
    return text.replace(",", ".") if "," in text and "." not in text else text


class _WorkbookReader:
    def __init__(self, result: SetFile) -> None:
        self.result = result

    def problem(self, row: int | None, column: str, reason: str) -> None:
        self.result.problems.append(ImportProblem(self.result.file, row, column, reason))

    # --- sheet 1: the criteria ---

    def read_criteria(self, rows: list[list[Any]], title: str) -> None:
        self.result.sheets["criteria"] = title
        if not any(any(not is_blank(c) for c in row) for row in rows):
            self.problem(None, title, _("The sheet is empty."))
            return
        found = self.header(rows)
        if found is None:
            labels = " | ".join(str(words.COLUMNS[f]) for f in words.REQUIRED_COLUMNS)
            reason = _("The header row (%(labels)s) is not in the first %(n)s rows.")
            self.problem(None, title, reason % {"labels": labels, "n": HEADER_SEARCH_ROWS})
            return
        header_index, columns = found
        missing = [f for f in words.REQUIRED_COLUMNS if f not in columns]
        for name in missing:
            self.problem(
                header_index + 1, str(words.COLUMNS[name]), _("A required column is missing.")
            )
        if missing:
            return
        for name, index in columns.items():
            header = cell_text(rows[header_index][index])
            self.result.columns[name] = f"{get_column_letter(index + 1)} ({header})"
        self.result.tree["criteria"] = self.nodes(rows, header_index + 1, columns)

    def header(self, rows: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
        for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
            columns: dict[str, int] = {}
            for position, value in enumerate(row):
                name = words.column_of(value) if isinstance(value, str) else None
                if name:
                    columns.setdefault(name, position)
            if len(columns) >= 3:
                return index, columns
        return None

    def nodes(
        self, rows: list[list[Any]], start: int, columns: dict[str, int]
    ) -> list[dict[str, Any]]:
        roots: list[dict[str, Any]] = []
        by_code: dict[str, tuple[dict[str, Any], int]] = {}
        row_of: dict[int, int] = {}
        area = ""
        for index in range(start, len(rows)):
            cells, number = rows[index], index + 1
            node = self.node(cells, number, columns)
            if node is None:
                continue
            code = _full_code(node["code"], area)
            node["code"] = code
            parent_code = code.rpartition(".")[0]
            if code in by_code:
                reason = _("The STT %(code)s is also used on row %(row)s.")
                self.problem(
                    number,
                    self.result.columns["code"],
                    reason % {"code": code, "row": by_code[code][1]},
                )
                continue
            if parent_code and parent_code not in by_code:
                reason = _("There is no row %(parent)s above this one.")
                self.problem(number, self.result.columns["code"], reason % {"parent": parent_code})
                continue
            by_code[code] = (node, number)
            row_of[id(node)] = number
            if parent_code:
                by_code[parent_code][0]["children"].append(node)
            else:
                roots.append(node)
                area = code
        _fill_methods(roots)
        self.remember_rows(roots, row_of)
        return roots

    def node(
        self, cells: Sequence[Any], number: int, columns: dict[str, int]
    ) -> dict[str, Any] | None:
        def cell(name: str) -> Any:
            index = columns.get(name)
            return cells[index] if index is not None and index < len(cells) else None

        if all(is_blank(c) for c in cells) or _is_column_numbers(cells):
            return None
        code = cell_text(cell("code")).replace(" ", "").rstrip(".")
        if not code:
            if words.key(cell("name")) not in _total_words():
                reason = _("The STT is missing.")
                self.problem(number, self.result.columns["code"], reason)
            return None
        node: dict[str, Any] = {
            "code": code,
            "name": cell_text(cell("name")),
            "max_points": number_text(cell("max_points")),
            "guidance": cell_text(cell("guidance"), exact=True),
            "evidence_required": cell_text(cell("evidence_required"), exact=True),
        }
        for name in ("source", "kind", "method"):
            text = cell_text(cell(name))
            node[name] = (words.value_of(name, text) or text) if text else ""
        node["params"] = self.params(cell("params"), number)
        node["allows_not_applicable"] = self.yes_no(cell("allows_not_applicable"), number)
        node["children"] = []
        return node

    def params(self, raw: Any, number: int) -> Any:
        text = cell_text(raw, exact=True).strip()
        if not text:
            return {}
        try:
            return json.loads(text)
        except (ValueError, RecursionError) as exc:
            reason = _("Bad JSON in the parameters: %(error)s") % {"error": exc}
            self.problem(number, self.result.columns.get("params", ""), reason)
            return {}

    def yes_no(self, raw: Any, number: int, column: str = "") -> bool:
        answer = words.yes_no(cell_text(raw))
        if answer is None:
            reason = _("Write “%(yes)s” or “%(no)s”.") % {"yes": words.YES, "no": words.NO}
            self.problem(number, column or self.result.columns["allows_not_applicable"], reason)
            return False
        return answer

    def remember_rows(self, roots: list[dict[str, Any]], row_of: dict[int, int]) -> None:
        def visit(node: dict[str, Any], path: str) -> None:
            self.result.rows[path] = row_of[id(node)]
            for i, child in enumerate(node["children"]):
                visit(child, f"{path}.children[{i}]")

        for i, root in enumerate(roots):
            visit(root, f"criteria[{i}]")

    # --- sheet "Xếp loại": the bands ---

    def read_bands(self, rows: list[list[Any]], title: str) -> None:
        self.result.sheets["bands"] = title
        self.result.tree["bands"] = bands = []
        found = _band_header(rows)
        if found is None:
            labels = " | ".join(str(v) for v in words.BAND_COLUMNS.values())
            reason = _("The header row (%(labels)s) is not in the first %(n)s rows.")
            self.problem(None, title, reason % {"labels": labels, "n": HEADER_SEARCH_ROWS})
            return
        header_index, columns = found
        for number, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
            if all(is_blank(c) for c in row):
                continue
            cells = {n: row[i] if i < len(row) else None for n, i in columns.items()}
            self.result.band_rows[f"bands[{len(bands)}]"] = number
            bands.append(
                {
                    "label": cell_text(cells["label"]),
                    "min_percent": number_text(cells["min_percent"]),
                }
            )

    # --- sheet "Thông tin": the set's own fields ---

    def read_info(self, rows: list[list[Any]], title: str) -> None:
        self.result.sheets["info"] = title
        for number, row in enumerate(rows, start=1):
            filled = [c for c in row if not is_blank(c)]
            if not filled:
                continue
            name = words.info_item_of(cell_text(filled[0]))
            if name is None:
                reason = _("Unknown item “%(item)s”.") % {"item": cell_text(filled[0])}
                self.problem(number, title, reason)
                continue
            self.result.info_rows[name] = number
            value = filled[1] if len(filled) > 1 else None
            self.result.tree[name] = self.info_value(name, value, number, title)

    def info_value(self, name: str, raw: Any, number: int, title: str) -> Any:
        if name == "year":
            if isinstance(raw, float) and raw.is_integer():
                return int(raw)
            return raw if isinstance(raw, int) else cell_text(raw)
        if name in ("group", "rounding"):
            text = cell_text(raw)
            return words.value_of(name, text) or text
        if name == "cap_at_maximum":
            column = f"{title}: {words.INFO_ITEMS[name]}"
            return self.yes_no(raw, number, column) if not is_blank(raw) else True
        return cell_text(raw, exact=name == "notes")


def _band_header(rows: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for position, value in enumerate(row):
            name = words.band_column_of(value) if isinstance(value, str) else None
            if name:
                columns.setdefault(name, position)
        if "label" in columns and "min_percent" in columns:
            return index, columns
    return None


def _total_words() -> set[str]:
    return _TOTAL_WORDS | {words.key(_("Total"))}


def _is_column_numbers(row: Sequence[Any]) -> bool:
    """The "(1) (2) (3) …" row officials put under the header."""
    filled = [cell_text(v) for v in row if not is_blank(v)]
    return len(filled) >= 3 and all(_COLUMN_NUMBER.match(v) for v in filled)


def _full_code(stt: str, area: str) -> str:
    """Under a Roman-numbered area, Arabic numbering is within the area: 1.2 → II.1.2."""
    if area and is_roman(area) and stt.split(".")[0].isdigit():
        return f"{area}.{stt}"
    return stt


def _fill_methods(nodes: list[dict[str, Any]]) -> None:
    """A leaf without a method is scored by entering points."""
    for node in nodes:
        if node["children"]:
            _fill_methods(node["children"])
        elif not node["method"]:
            node["method"] = "manual"


def _sheet_rows(sheet: Any) -> list[list[Any]]:
    rows = []
    for count, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1):
        if count > MAX_ROWS:
            raise UploadRejected(
                _("The sheet %(sheet)s has more than %(max)s rows.")
                % {"sheet": sheet.title, "max": f"{MAX_ROWS:,}"}
            )
        rows.append(list(row))
    return rows


def read_xlsx(f: IO[bytes], *, file: str) -> SetFile:
    """Read a workbook already checked as a safe XLSX (`check_upload`)."""
    f.seek(0)
    try:
        workbook = openpyxl.load_workbook(f, read_only=True, data_only=True)
    except Exception as exc:  # a damaged workbook can fail in many ways inside openpyxl
        raise UploadRejected(_("The spreadsheet cannot be read.")) from exc
    result = SetFile(file=file, tree={"format": FORMAT})
    reader = _WorkbookReader(result)
    try:
        sheets = workbook.worksheets
        reader.read_criteria(_sheet_rows(sheets[0]), sheets[0].title)
        for sheet in sheets[1:]:
            role = words.sheet_role(sheet.title)
            if role == "bands" and "bands" not in result.sheets:
                reader.read_bands(_sheet_rows(sheet), sheet.title)
            elif role == "info" and "info" not in result.sheets:
                reader.read_info(_sheet_rows(sheet), sheet.title)
    finally:
        workbook.close()
    return result


__all__ = ["SetFile", "number_text", "read_xlsx"]
