"""Uploaded criteria-set files (XLSX or JSON) → a checked `SetSpec`, or `SetInvalid`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from cchc.core.spreadsheets import ImportProblem
from cchc.core.uploads import UploadRejected, check_upload

from .tree import SetInvalid, SetSpec, read_tree
from .xlsx_reader import SetFile, read_xlsx


def _name(upload: UploadedFile) -> str:
    return PurePath(upload.name or "file").name


def _rejected(name: str, exc: UploadRejected) -> SetInvalid:
    reason = str(exc).removeprefix(f"{name}: ")
    return SetInvalid([ImportProblem(name, None, "", reason)])


def read_xlsx_upload(upload: UploadedFile) -> SetFile:
    """Check the upload is a real, safe XLSX within the import limit, then read it."""
    name = _name(upload)
    try:
        check_upload(upload, kinds=frozenset({"xlsx"}), max_bytes=settings.IMPORT_MAX_BYTES)
        return read_xlsx(upload.file, file=name)
    except UploadRejected as exc:
        raise _rejected(name, exc) from exc


def read_json_upload(upload: UploadedFile) -> SetFile:
    """Read a UTF-8 JSON file within the import limit (the tree is checked later)."""
    name = _name(upload)
    limit = settings.IMPORT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        reason = _("The file is %(size)s MB; the limit is %(limit)s MB.") % {
            "size": f"{upload.size / 1048576:.1f}",
            "limit": f"{limit / 1048576:.1f}",
        }
        raise SetInvalid([ImportProblem(name, None, "", reason)])
    upload.file.seek(0)
    data = upload.file.read(limit + 1)
    try:
        if len(data) > limit:
            raise ValueError(_("The file is larger than the limit."))
        tree = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        reason = _("The file is not UTF-8 text.")
        raise SetInvalid([ImportProblem(name, None, "", reason)]) from exc
    except (ValueError, RecursionError) as exc:
        reason = _("The file is not valid JSON: %(error)s") % {"error": exc}
        raise SetInvalid([ImportProblem(name, None, "", reason)]) from exc
    return SetFile(file=name, tree=tree, is_spreadsheet=False)


def check_file(set_file: SetFile, overrides: Mapping[str, Any] | None = None) -> SetSpec:
    """Validate what was read, with `overrides` (form values) replacing the file's own;
    raise `SetInvalid` with every problem, one per cell."""
    tree = set_file.tree
    if isinstance(tree, dict) and overrides:
        tree = {**tree, **{k: v for k, v in overrides.items() if v not in (None, "")}}
    spec, problems = read_tree(tree, file=set_file.file, locate=set_file.locate)
    reported = {(p.row, p.column) for p in set_file.problems}
    if set_file.problems and "criteria" not in set_file.tree:
        reported.add(set_file.locate("criteria", ""))  # the sheet could not be read
    problems = set_file.problems + [p for p in problems if (p.row, p.column) not in reported]
    if problems:
        raise SetInvalid(problems)
    assert spec is not None
    return spec
