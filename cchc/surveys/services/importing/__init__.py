"""Import responses from a CSV or XLSX file, for example a KoboToolbox export.

The file is checked as a whole before anything is saved: its content (CSV or XLSX, by its
bytes), size, encoding (UTF-8, with or without BOM), header and every row. If any row has a
problem, every problem is reported by file, row (as numbered in the sheet, the header being
row 1), column and reason, and nothing is saved; otherwise all rows become responses in one
transaction, in one import batch.

Columns:
- the unit: `unit`, `unit_code` or `don_vi`, holding the unit's code or the campaign unit's
  short code (a unit of the campaign the importer may enter forms for);
- optionally the procedure: `procedure`, `procedure_code` or `thu_tuc`;
- one column per question code (the XLSForm name). Kobo prefixes group paths
  ("grp_access/c11"): the last path segment is used. A multiple-choice question may come
  as one column of space-separated choice names, or as Kobo's split 0/1 columns
  ("expect/thai_do"), used when the combined column is absent;
- the time: Kobo's `end` (when the form was finished), else `_submission_time` (when it
  reached the server, written in UTC), else `today`; without them, the time of the import.
Kobo meta columns (`_id`, `_uuid`, `start`, `deviceid`, `meta/instanceID`, ...) and columns
that match no question are ignored and listed in the report; a file without any question
column is refused.
"""

from __future__ import annotations

import secrets
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.accounts.access import require
from cchc.accounts.models import User
from cchc.core.audit import record_event, register_verbs
from cchc.core.uploads import UploadRejected

from ...answers import AnswersInvalid, spec_for
from ...models import Campaign, CampaignStatus, Channel
from ..entry import enterable_units
from ..responses import submit_response
from .rows import IgnoredColumn, ImportReport, Row, add_problems, check_rows, refused
from .table import read_table

__all__ = ["IgnoredColumn", "ImportReport", "import_responses"]

register_verbs({"responses.imported": gettext_lazy("imported survey responses from a file")})


# Entry point -----------------------------------------------------------------------------


def import_responses(campaign: Campaign, file: UploadedFile, *, by: User) -> ImportReport:
    """Check the whole file, then save every row as a response in one transaction, or none."""
    allowed = {cu.unit_id: cu for cu in enterable_units(campaign, by).select_related("campaign")}
    require(bool(allowed))
    name = PurePath(file.name or "file").name
    report = ImportReport(file=name)
    try:
        table = read_table(file, name)
    except UploadRejected as exc:
        return refused(report, str(exc).removeprefix(f"{name}: "))
    if campaign.status == CampaignStatus.DRAFT:
        return refused(report, _("This survey has not started yet."))
    rows = check_rows(campaign, spec_for(campaign.version), report, allowed, table)
    if report.problems:
        return report
    return _save(campaign, rows, report, by)


def _save(campaign: Campaign, rows: list[Row], report: ImportReport, by: User) -> ImportReport:
    report.batch = f"{timezone.localtime():%Y%m%d-%H%M}-{secrets.token_hex(3)}"
    try:
        with transaction.atomic():
            for row in rows:
                submit_response(
                    row.target,
                    row.answers,
                    channel=Channel.IMPORT,
                    procedure_code=row.procedure,
                    by=by,
                    import_batch=report.batch,
                    submitted_at=row.submitted_at,
                    unknown_is_error=False,
                )
                code = row.target.unit.code
                report.by_unit[code] = report.by_unit.get(code, 0) + 1
            report.imported = len(rows)
            record_event(campaign, "responses.imported", by=by, data=_audit_data(report))
    except AnswersInvalid as exc:  # checked above; only a change in between gets here
        report.imported, report.by_unit, report.batch = 0, {}, ""
        add_problems(report, row.number, exc, str)
    return report


def _audit_data(report: ImportReport) -> dict[str, Any]:
    return {
        "file": report.file,
        "batch": report.batch,
        "imported": report.imported,
        "by_unit": report.by_unit,
        "ignored_columns": [c.name for c in report.ignored],
    }
