"""Reading an uploaded CSV or XLSX into rows of cells, and the times written in them."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator, Sequence
from pathlib import PurePath
from typing import IO, Any

import openpyxl
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.spreadsheets import cell_text
from cchc.core.uploads import SPREADSHEET_KINDS, UploadRejected, check_archive, check_upload

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5_000
MAX_COLUMNS = 500


def read_table(file: UploadedFile, name: str) -> list[list[Any]]:
    try:
        checked = check_upload(file, kinds=SPREADSHEET_KINDS, max_bytes=MAX_BYTES)
    except UploadRejected:
        if _undecodable_csv(file.file, name):
            raise UploadRejected(encoding_message()) from None
        raise
    rows = _xlsx_rows(file.file, name) if checked.kind == "xlsx" else _csv_rows(file.file)
    table = []
    for index, row in enumerate(rows):
        if index > MAX_ROWS:
            raise UploadRejected(
                _("The file has more than %(max)s rows; split it into several files.")
                % {"max": f"{MAX_ROWS:,}"}
            )
        table.append(list(row)[:MAX_COLUMNS])
    return table


def encoding_message() -> str:
    return _("The CSV file is not in UTF-8; save it as “CSV UTF-8” and upload it again.")


def _undecodable_csv(f: IO[bytes], name: str) -> bool:
    """A CSV (no NUL bytes) in another encoding, e.g. Windows-1258 from an old Excel."""
    if PurePath(name).suffix.lower() != ".csv":
        return False
    f.seek(0)
    head = f.read(65536)
    f.seek(0)
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start < len(head) - 3
    return False


def _xlsx_rows(f: IO[bytes], name: str) -> Iterator[Sequence[Any]]:
    check_archive(f, name)
    f.seek(0)
    try:
        workbook = openpyxl.load_workbook(f, read_only=True, data_only=True)
    except Exception as exc:  # a damaged workbook can fail in many ways inside openpyxl
        raise UploadRejected(_("The spreadsheet cannot be read.")) from exc
    try:
        yield from workbook.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True)
    finally:
        workbook.close()


def _csv_rows(f: IO[bytes]) -> Iterator[Sequence[Any]]:
    f.seek(0)
    try:
        text = f.read().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadRejected(encoding_message()) from exc
    header = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=header.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise UploadRejected(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from exc


def parse_moment(raw: Any, *, utc: bool = False) -> datetime.datetime | None:
    """A cell as an aware datetime (ISO 8601 as Kobo writes it, or d/m/Y [H:M[:S]]), or None.
    A time without offset is local, or UTC for the columns Kobo writes in UTC."""
    if isinstance(raw, datetime.datetime):
        moment = raw
    elif isinstance(raw, datetime.date):
        moment = datetime.datetime.combine(raw, datetime.time())
    else:
        moment = _parse_text(cell_text(raw))
        if moment is None:
            return None
    if timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment, datetime.UTC if utc else timezone.get_current_timezone())


def _parse_text(text: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    for pattern in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern)  # noqa: DTZ007 (made aware above)
        except ValueError:
            continue
    return None
