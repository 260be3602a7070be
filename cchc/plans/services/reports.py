"""Progress reports: save, submit, accept and return."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.access import require
from cchc.accounts.models import User
from cchc.core.audit import record_event
from cchc.core.notify import notify

from ..models import Assignment, ProgressReport
from ._common import (
    _focal_points,
    _require_open,
    _save,
    _secretariat,
    _store_files,
    _url,
)

# --- progress reports ---------------------------------------------------------------------


def _editable_report(assignment: Assignment, report: ProgressReport | None) -> ProgressReport:
    if report is None:
        return ProgressReport(assignment=assignment)
    if report.assignment_id != assignment.pk:
        raise ValidationError({"report": _("This report belongs to another assignment.")})
    if report.status not in (ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED):
        raise ValidationError(_("Only a draft or returned report can be changed."))
    return report


@transaction.atomic
def save_progress_report(
    assignment: Assignment,
    *,
    percent: int,
    work_done: str,
    output_documents: str = "",
    obstacles: str = "",
    recommendations: str = "",
    is_completion: bool = False,
    files: Iterable[UploadedFile] = (),
    by: User,
    report: ProgressReport | None = None,
) -> ProgressReport:
    """Write (or rewrite) the unit's draft report on `assignment`, with evidence files."""
    require(assignment.can_report(by))
    _require_open(assignment)
    report = _editable_report(assignment, report)
    if is_completion and percent != 100:
        raise ValidationError({"percent": _("A completion report is at 100 %.")})
    report.percent, report.work_done, report.is_completion = percent, work_done, is_completion
    report.output_documents, report.obstacles = output_documents, obstacles
    report.recommendations = recommendations
    if report.pk is None:
        report.created_by = by
    _save(report, by=by)
    stored = _store_files(report, files, field="files", by=by)
    record_event(report, "report.saved", by=by, data={"files": [a.pk for a in stored]})
    return report


@transaction.atomic
def submit_progress_report(report: ProgressReport, *, by: User) -> ProgressReport:
    """The head of unit sends the report to the secretariat."""
    assignment = report.assignment
    require(assignment.can_submit(by))
    if report.status not in (ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED):
        raise ValidationError(_("Only a draft or returned report can be submitted."))
    _require_open(assignment)
    report.status = ProgressReport.Status.SUBMITTED
    report.submitted_by, report.submitted_at = by, timezone.now()
    _save(report, by=by, update_fields=["status", "submitted_by", "submitted_at"])
    record_event(report, "report.submitted", by=by)
    text = _("%(unit)s submitted a progress report on task %(task)s.") % {
        "unit": assignment.unit,
        "task": assignment.task.code,
    }
    notify(_secretariat(), verb="report.submitted", text=text, url=_url(assignment))
    return report


def _require_submitted(report: ProgressReport) -> None:
    if report.status != ProgressReport.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be reviewed."))


def _review(report: ProgressReport, status: str, comment: str, by: User) -> None:
    report.status, report.review_comment = status, comment
    report.reviewed_by, report.reviewed_at = by, timezone.now()
    _save(report, by=by, update_fields=["status", "review_comment", "reviewed_by", "reviewed_at"])


def _complete(assignment: Assignment, report: ProgressReport, *, by: User) -> None:
    assignment.progress_percent = report.percent
    fields = ["progress_percent"]
    if report.is_completion:
        # Completed on the local date the unit submitted the report (Asia/Ho_Chi_Minh).
        assignment.completed_on = timezone.localdate(report.submitted_at)
        assignment.completion_report = report
        fields += ["completed_on", "completion_report"]
    _save(assignment, by=by, update_fields=fields)


@transaction.atomic
def accept_progress_report(
    report: ProgressReport, *, by: User, comment: str = ""
) -> ProgressReport:
    """Accept a submitted report; a completion report completes the assignment."""
    assignment = report.assignment
    require(assignment.can_review(by))
    _require_submitted(report)
    if report.is_completion:
        _require_open(assignment)
    _review(report, ProgressReport.Status.ACCEPTED, comment.strip(), by)
    _complete(assignment, report, by=by)
    record_event(report, "report.accepted", by=by, data={"completion": report.is_completion})
    text = _("The progress report on task %(task)s was accepted.") % {"task": assignment.task.code}
    notify(
        _focal_points(assignment.unit_id), verb="report.accepted", text=text, url=_url(assignment)
    )
    return report


@transaction.atomic
def return_progress_report(report: ProgressReport, *, comment: str, by: User) -> ProgressReport:
    """Send a submitted report back to the unit with a comment saying why."""
    assignment = report.assignment
    require(assignment.can_review(by))
    _require_submitted(report)
    if not comment.strip():
        raise ValidationError({"comment": _("Say why the report is returned.")})
    _review(report, ProgressReport.Status.RETURNED, comment.strip(), by)
    record_event(report, "report.returned", by=by, data={"comment": report.review_comment})
    text = _("The progress report on task %(task)s was returned: %(comment)s") % {
        "task": assignment.task.code,
        "comment": report.review_comment,
    }
    notify(
        _focal_points(assignment.unit_id),
        verb="report.returned",
        text=text,
        url=_url(assignment),
        email_subject=text,
    )
    return report
