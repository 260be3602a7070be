"""Import the unit tree from an XLSX or CSV file: validate the whole file, then save all or nothing.

The columns are those of `exporting.COLUMNS`; a file exported by cchc imports back
unchanged. Rows are matched to existing units by `code` (upsert). Every problem found
is reported with its file, row, column and a translated reason; if there is any, no row
is saved.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import IO, TYPE_CHECKING, Any

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cchc.core.audit import record_event
from cchc.core.spreadsheets import ImportProblem, cell_text, is_blank
from cchc.core.text import fold, normalize
from cchc.core.uploads import SPREADSHEET_KINDS, UploadRejected, check_archive, check_upload

from .exporting import COLUMNS
from .models import Unit

if TYPE_CHECKING:
    from cchc.accounts.models import User

REQUIRED_COLUMNS = ("code", "name", "kind", "parent_code")
TEXT_COLUMNS = ("code", "name", "short_name", "official_code", "email", "notes")
DATE_COLUMNS = ("valid_from", "valid_to")
MAX_ROWS = 20_000
MAX_COLUMNS = 30
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass
class ImportResult:
    file: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Row:
    number: int
    code: str
    kind: str
    parent_code: str
    values: dict[str, Any]


class _BadCell(ValueError):
    pass


def import_units(upload: UploadedFile, *, by: User | None) -> ImportResult:
    """Check, read and validate `upload`; save every row in one transaction, or none."""
    name = PurePath(upload.name or "file").name
    try:
        checked = check_upload(upload, kinds=SPREADSHEET_KINDS, max_bytes=settings.IMPORT_MAX_BYTES)
        table = read_table(upload.file, kind=checked.kind, name=name)
    except UploadRejected as exc:
        reason = str(exc).removeprefix(f"{name}: ")
        return ImportResult(file=name, problems=[ImportProblem(name, None, "", reason)])
    existing = {u.code: u for u in Unit.objects.all()}
    rows, problems = parse_table(table, file=name)
    problems += check_tree(rows, existing=existing, file=name)
    if problems:
        return ImportResult(file=name, problems=problems)
    try:
        return _save_rows(rows, existing=existing, by=by, file=name)
    except IntegrityError:
        reason = _("The database refused the data; nothing was saved.")
        return ImportResult(file=name, problems=[ImportProblem(name, None, "", reason)])


# Reading -------------------------------------------------------------------------------


def read_table(f: IO[bytes], *, kind: str, name: str) -> list[list[Any]]:
    """Return the rows of the first sheet (or the CSV) with the header row first."""
    rows = _xlsx_rows(f, name) if kind == "xlsx" else _csv_rows(f, name)
    table = []
    for index, row in enumerate(rows):
        if index > MAX_ROWS:
            raise UploadRejected(
                _("The file has more than %(max)s rows; split it into several files.")
                % {"max": f"{MAX_ROWS:,}"}
            )
        table.append(list(row)[:MAX_COLUMNS])
    return table


def _xlsx_rows(f: IO[bytes], name: str) -> Iterable[Sequence[Any]]:
    check_archive(f, name)
    f.seek(0)
    try:
        workbook = openpyxl.load_workbook(f, read_only=True, data_only=True)
    except Exception as exc:  # a damaged workbook can fail in many ways inside openpyxl
        raise UploadRejected(_("The spreadsheet cannot be read.")) from exc
    try:
        sheet = workbook.worksheets[0]
        yield from sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    finally:
        workbook.close()


def _csv_rows(f: IO[bytes], name: str) -> Iterable[Sequence[Any]]:
    f.seek(0)
    try:
        text = f.read().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadRejected(_("The CSV file is not in UTF-8; save it as “CSV UTF-8”.")) from exc
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise UploadRejected(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from exc


# Validating ----------------------------------------------------------------------------


def parse_table(table: list[list[Any]], *, file: str) -> tuple[list[_Row], list[ImportProblem]]:
    """Check the header and each row on its own; return the parsed rows and the problems."""
    if not table:
        return [], [ImportProblem(file, None, "", _("The file is empty."))]
    columns, problems = _columns(table[0], file=file)
    if problems:
        return [], problems
    rows: list[_Row] = []
    for number, cells in enumerate(table[1:], start=2):
        if all(is_blank(c) for c in cells):
            continue
        row, row_problems = _parse_row(number, cells, columns, file=file)
        problems += row_problems
        if row is not None:
            rows.append(row)
    if not rows and not problems:
        problems.append(ImportProblem(file, None, "", _("The file has no data rows.")))
    return rows, problems


def _columns(header: list[Any], *, file: str) -> tuple[dict[str, int], list[ImportProblem]]:
    columns: dict[str, int] = {}
    problems = []
    for index, cell in enumerate(header):
        title = normalize(str(cell or ""))
        key = title.lower()
        if not key:
            continue
        if key not in COLUMNS:
            problems.append(ImportProblem(file, 1, title, _("Unknown column.")))
        elif key in columns:
            problems.append(ImportProblem(file, 1, title, _("The column appears twice.")))
        else:
            columns[key] = index
    for key in REQUIRED_COLUMNS:
        if key not in columns:
            problems.append(ImportProblem(file, 1, key, _("A required column is missing.")))
    return columns, problems


def _parse_row(
    number: int, cells: list[Any], columns: dict[str, int], *, file: str
) -> tuple[_Row | None, list[ImportProblem]]:
    values: dict[str, Any] = {}
    problems = []
    for column, index in columns.items():
        raw = cells[index] if index < len(cells) else None
        try:
            values[column] = _convert(column, raw)
        except _BadCell as exc:
            problems.append(ImportProblem(file, number, column, str(exc)))
    start, end = values.get("valid_from"), values.get("valid_to")
    if start and end and end < start:
        problems.append(
            ImportProblem(file, number, "valid_to", _("The end date is before the start date."))
        )
    if problems:
        return None, problems
    code, kind, parent_code = values.pop("code"), values.pop("kind"), values.pop("parent_code")
    return _Row(number, code, kind, parent_code, values), []


def _convert(column: str, raw: Any) -> Any:
    if column in DATE_COLUMNS:
        return _date(raw)
    value = cell_text(raw, exact=column == "notes")
    if column == "kind":
        return _kind(value)
    if column in ("code", "name") and not value:
        raise _BadCell(_("A value is required."))
    if column == "email" and value:
        try:
            validate_email(value)
        except ValidationError as exc:
            raise _BadCell(_("Not a valid e-mail address.")) from exc
    limit = Unit._meta.get_field(column).max_length if column in TEXT_COLUMNS else None
    if limit and len(value) > limit:
        raise _BadCell(_("Longer than %(max)s characters.") % {"max": limit})
    return value


def _kind(value: str) -> str:
    key = fold(value)
    if not key:
        raise _BadCell(_("A value is required."))
    for kind in Unit.Kind:
        if key in (kind.value, fold(str(kind.label))):
            return kind.value
    choices = ", ".join(Unit.Kind.values)
    raise _BadCell(_("Unknown kind; use one of: %(choices)s.") % {"choices": choices})


def _date(raw: Any) -> datetime.date | None:
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    text = cell_text(raw)
    if not text:
        return None
    try:
        if match := _DMY.fullmatch(text):
            day, month, year = (int(g) for g in match.groups())
            return datetime.date(year, month, day)
        if match := _ISO.fullmatch(text):
            year, month, day = (int(g) for g in match.groups())
            return datetime.date(year, month, day)
    except ValueError:
        pass
    raise _BadCell(_("Not a valid date; write it as dd/mm/yyyy."))


def check_tree(rows: list[_Row], *, existing: dict[str, Unit], file: str) -> list[ImportProblem]:
    """Check what needs the whole file: duplicate codes, parents, parent kinds and cycles."""
    problems: list[ImportProblem] = []
    first_row: dict[str, int] = {}
    for row in rows:
        if row.code in first_row:
            reason = _("The code is also used on row %(row)s.") % {"row": first_row[row.code]}
            problems.append(ImportProblem(file, row.number, "code", reason))
        else:
            first_row[row.code] = row.number
    in_file = {row.code: row for row in rows}
    parents = _final_parents(rows, existing)
    for row in rows:
        problems += _parent_problems(row, in_file, existing, parents, file=file)
    return problems


def _final_parents(rows: list[_Row], existing: dict[str, Unit]) -> dict[str, str]:
    """code → parent code as the tree would be after the import."""
    code_of = {unit.pk: code for code, unit in existing.items()}
    parents = {code: code_of.get(unit.parent_id, "") for code, unit in existing.items()}
    parents.update({row.code: row.parent_code for row in rows})
    return parents


def _parent_problems(
    row: _Row,
    in_file: dict[str, _Row],
    existing: dict[str, Unit],
    parents: dict[str, str],
    *,
    file: str,
) -> list[ImportProblem]:
    def problem(reason: str) -> ImportProblem:
        return ImportProblem(file, row.number, "parent_code", reason)

    if not row.parent_code:
        reason = Unit.parent_problem(row.kind, None)
        return [problem(reason)] if reason else []
    parent = in_file.get(row.parent_code) or existing.get(row.parent_code)
    if parent is None:
        reason = _("Unknown parent unit %(code)s (neither in the file nor in cchc).")
        return [problem(reason % {"code": row.parent_code})]
    found = []
    reason = Unit.parent_kind_problem(row.kind, parent.kind)
    if reason:
        found.append(problem(reason))
    if _has_cycle(row.code, parents):
        found.append(problem(_("This parent would put the unit inside itself.")))
    return found


def _has_cycle(code: str, parents: dict[str, str]) -> bool:
    seen = {code}
    node = parents.get(code, "")
    while node:
        if node in seen:
            return node == code
        seen.add(node)
        node = parents.get(node, "")
    return False


# Saving --------------------------------------------------------------------------------


def _parents_first(rows: list[_Row]) -> list[_Row]:
    """Order rows so that a parent in the file is saved before its children."""
    in_file = {row.code: row for row in rows}
    ordered: list[_Row] = []
    placed: set[str] = set()
    for row in rows:
        chain = []
        node: _Row | None = row
        while node is not None and node.code not in placed:
            chain.append(node)
            placed.add(node.code)
            node = in_file.get(node.parent_code)
        ordered.extend(reversed(chain))
    return ordered


@transaction.atomic
def _save_rows(
    rows: list[_Row], *, existing: dict[str, Unit], by: User | None, file: str
) -> ImportResult:
    result = ImportResult(file=file)
    units = dict(existing)
    for row in _parents_first(rows):
        parent = units.get(row.parent_code) if row.parent_code else None
        unit = units.get(row.code)
        if unit is None:
            unit = Unit(code=row.code, kind=row.kind, parent=parent, **row.values)
            changed = None
            result.created += 1
        else:
            changed = _apply(unit, row, parent)
            if not changed:
                result.unchanged += 1
                continue
            result.updated += 1
        unit._history_user = by  # type: ignore[attr-defined]
        unit.save(update_fields=changed)
        units[row.code] = unit
    if result.created or result.updated:
        data = {"file": file, "created": result.created, "updated": result.updated}
        record_event(None, "units.imported", by=by, data=data)
    return result


def _apply(unit: Unit, row: _Row, parent: Unit | None) -> list[str]:
    """Set the row's values on `unit`; return the names of the fields that changed."""
    changed = [name for name, value in row.values.items() if getattr(unit, name) != value]
    for name in changed:
        setattr(unit, name, row.values[name])
    if unit.kind != row.kind:
        unit.kind = row.kind
        changed.append("kind")
    if unit.parent_id != (parent.pk if parent else None):
        unit.parent = parent
        changed.append("parent")
    return changed
