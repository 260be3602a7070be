"""Uploaded XLSForm files: checked (content, size, ZIP bomb), read, and their problems placed.

`read_upload` refuses what is not a real XLSX within `IMPORT_MAX_BYTES`; `locate` turns a
problem of the draft (`spec.FormProblem`) into an `ImportProblem` on the sheet, row and
column it came from, so that every refusal points at a cell.
"""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from cchc.core.spreadsheets import ImportProblem
from cchc.core.uploads import UploadRejected, check_upload

from .reading import XLSFormFile, read_xlsform
from .spec import ChoiceDraft, FormProblem, SectionDraft

QUESTION_COLUMNS = {
    "code": "name", "text": "label", "kind": "type", "section": "type", "hint": "hint",
    "scale": "cchc_scale", "index_role": "cchc_index_role", "max_picks": "constraint",
    "min_value": "constraint", "max_value": "constraint", "max_length": "constraint",
    "show_if": "relevant", "show_if_values": "relevant", "choices": "type",
    "note": "cchc_note", "required": "required", "uncertain": "cchc_uncertain",
}  # fmt: skip
SECTION_COLUMNS = {"code": "name", "title": "label", "description": "label"}
CHOICE_COLUMNS = {"value": "cchc_value", "name": "name", "label": "label"}


class XLSFormInvalid(ValidationError):
    """An XLSForm that cannot be imported; `problems` say where and why (nothing is saved)."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = list(problems)
        super().__init__([str(p) for p in self.problems] or [_("The XLSForm is not valid.")])


def read_upload(upload: UploadedFile) -> XLSFormFile:
    """Check the upload is a real, safe XLSX within the import limit, then read it."""
    name = PurePath(upload.name or "form.xlsx").name
    try:
        check_upload(upload, kinds=frozenset({"xlsx"}), max_bytes=settings.IMPORT_MAX_BYTES)
    except UploadRejected as exc:
        reason = str(exc).removeprefix(f"{name}: ")
        raise XLSFormInvalid([ImportProblem(name, None, "", reason)]) from exc
    upload.file.seek(0)
    return read_xlsform(upload.file, file=name)


def locate(problem: FormProblem, file: str) -> ImportProblem:
    """The sheet cell a draft problem comes from."""
    target = problem.target
    if isinstance(target, ChoiceDraft):
        column = f"choices!{CHOICE_COLUMNS.get(problem.field, problem.field)}"
    elif isinstance(target, SectionDraft):
        column = f"survey!{SECTION_COLUMNS.get(problem.field, problem.field)}"
    elif target is not None:
        column = f"survey!{QUESTION_COLUMNS.get(problem.field, problem.field)}"
    else:
        column = f"settings!form_{problem.field}"
    return ImportProblem(file, getattr(target, "row", None), column, problem.message)
