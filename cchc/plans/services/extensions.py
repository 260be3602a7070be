"""Extension requests and obstacles (or recommendations) awaiting an answer."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.access import require
from cchc.accounts.models import User
from cchc.core.audit import record_event
from cchc.core.notify import notify
from cchc.units.models import Unit

from ..models import Assignment, ExtensionRequest, Obstacle, ProgressReport
from ._common import _focal_points, _require_open, _save, _secretariat, _url

# --- extensions ---------------------------------------------------------------------------


@transaction.atomic
def request_extension(
    assignment: Assignment, *, requested_deadline: datetime.date, reason: str, by: User
) -> ExtensionRequest:
    """The unit asks the secretariat for a later deadline, giving a reason."""
    require(assignment.can_report(by))
    _require_open(assignment)
    if requested_deadline <= assignment.deadline:
        raise ValidationError({"requested_deadline": _("Ask for a date after the deadline.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the extension.")})
    if assignment.extension_requests.filter(status=ExtensionRequest.Status.PENDING).exists():
        raise ValidationError(_("An extension request for this assignment is already pending."))
    request = ExtensionRequest(
        assignment=assignment,
        requested_deadline=requested_deadline,
        reason=reason.strip(),
        requested_by=by,
    )
    _save(request, by=by)
    record_event(request, "extension.requested", by=by, data={"to": requested_deadline})
    text = _("%(unit)s asks to extend task %(task)s to %(date)s.") % {
        "unit": assignment.unit,
        "task": assignment.task.code,
        "date": f"{requested_deadline:%d/%m/%Y}",
    }
    notify(_secretariat(), verb="extension.requested", text=text, url=_url(assignment))
    return request


def _approve(request: ExtensionRequest, deadline: datetime.date | None, by: User) -> None:
    assignment = request.assignment
    deadline = deadline or request.requested_deadline
    if deadline < assignment.original_deadline:
        raise ValidationError(
            {"approved_deadline": _("The new deadline cannot be before the original one.")}
        )
    request.status, request.approved_deadline = ExtensionRequest.Status.APPROVED, deadline
    assignment.deadline = deadline
    _save(assignment, by=by, update_fields=["deadline"])


@transaction.atomic
def decide_extension(
    request: ExtensionRequest,
    *,
    approve: bool,
    approved_deadline: datetime.date | None = None,
    note: str = "",
    by: User,
) -> ExtensionRequest:
    """Approve (the deadline moves) or refuse (it stays) a pending extension request."""
    assignment = request.assignment
    require(assignment.can_review(by))
    if request.status != ExtensionRequest.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if approve:
        _approve(request, approved_deadline, by)
    else:
        request.status = ExtensionRequest.Status.REFUSED
    request.decided_by, request.decided_at, request.decision_note = by, timezone.now(), note
    _save(request, by=by)
    verb = "extension.approved" if approve else "extension.refused"
    record_event(request, verb, by=by, data={"deadline": assignment.deadline, "note": note})
    text = (
        _("The extension of task %(task)s to %(date)s was approved.")
        if approve
        else _("The extension of task %(task)s was refused; the deadline stays %(date)s.")
    )
    text %= {"task": assignment.task.code, "date": f"{assignment.deadline:%d/%m/%Y}"}
    people = [*_focal_points(assignment.unit_id), request.requested_by]
    notify(people, verb=verb, text=text, url=_url(assignment), email_subject=text)
    return request


# --- obstacles ----------------------------------------------------------------------------


@transaction.atomic
def raise_obstacle(
    assignment: Assignment,
    *,
    kind: str,
    text: str,
    answer_unit: Unit,
    answer_due: datetime.date,
    report: ProgressReport | None = None,
    by: User,
) -> Obstacle:
    """Record an obstacle or recommendation that `answer_unit` must answer by `answer_due`."""
    require(assignment.can_report(by) or assignment.can_review(by))
    if report is not None and report.assignment_id != assignment.pk:
        raise ValidationError({"report": _("This report belongs to another assignment.")})
    obstacle = Obstacle(
        assignment=assignment,
        report=report,
        kind=kind,
        text=text.strip(),
        answer_unit=answer_unit,
        answer_due=answer_due,
        raised_by=by,
    )
    _save(obstacle, by=by)
    record_event(obstacle, "obstacle.raised", by=by, data={"answer_unit": answer_unit.pk})
    message = _("%(unit)s asks for an answer by %(date)s on task %(task)s.") % {
        "unit": assignment.unit,
        "date": f"{answer_due:%d/%m/%Y}",
        "task": assignment.task.code,
    }
    notify(_focal_points(answer_unit), verb="obstacle.raised", text=message, url=_url(assignment))
    return obstacle


@transaction.atomic
def answer_obstacle(obstacle: Obstacle, *, answer: str, by: User) -> Obstacle:
    """Answer an obstacle: a manager or someone of the unit that must answer."""
    require(
        by.is_authenticated
        and (by.access.can_manage_units or obstacle.answer_unit_id in by.access.own_unit_ids)
    )
    if obstacle.answered_at is not None:
        raise ValidationError(_("This has already been answered."))
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer.")})
    obstacle.answer, obstacle.answered_by, obstacle.answered_at = answer.strip(), by, timezone.now()
    _save(obstacle, by=by, update_fields=["answer", "answered_by", "answered_at"])
    record_event(obstacle, "obstacle.answered", by=by)
    assignment = obstacle.assignment
    text = _("Your question on task %(task)s has been answered.") % {"task": assignment.task.code}
    people = [*_focal_points(assignment.unit_id), obstacle.raised_by]
    notify(people, verb="obstacle.answered", text=text, url=_url(assignment))
    return obstacle
