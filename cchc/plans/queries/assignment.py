"""An assignment's page and progress, and the task timeline."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from cchc.core.models import Attachment, AuditEvent

from ..calculations import Status
from ..models import (
    Assignment,
    ExtensionRequest,
    Obstacle,
    Plan,
    ProgressReport,
    Task,
    UrgingNotice,
)

if TYPE_CHECKING:
    from cchc.accounts.models import User

OPEN_STATUSES = (Status.WITHIN_TERM.value, Status.OVERDUE.value)


# An assignment's progress ------------------------------------------------------------


def computed_percent(assignment: Assignment) -> Decimal | None:
    """The weighted progress of the task's sub-tasks for the same unit (None without any)."""
    subs = Assignment.objects.filter(
        task__parent_id=assignment.task_id,
        unit_id=assignment.unit_id,
        cancelled_at__isnull=True,
        task__cancelled_at__isnull=True,
    ).values_list("task__weight", "progress_percent", "completed_on")
    total = Decimal(0)
    done = Decimal(0)
    for weight, percent, completed_on in subs:
        total += weight
        done += weight * (100 if completed_on else percent)
    if not total:
        return None
    return (done / total).quantize(Decimal("0.1"), ROUND_HALF_UP)


# The task timeline -------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    at: datetime.datetime
    kind: str
    text: str
    actor: str = ""
    detail: str = ""
    url: str = ""


def _report_events(reports: list[ProgressReport]) -> list[Event]:
    events = []
    for r in reports:
        unit = r.assignment.unit.name
        url = r.assignment.get_absolute_url()
        events.append(
            Event(
                r.created_at,
                "report",
                _("%(unit)s wrote a progress report (%(percent)s%%)")
                % {"unit": unit, "percent": r.percent},
                str(r.created_by),
                r.work_done,
                url,
            )
        )
        if r.submitted_at:
            events.append(
                Event(
                    r.submitted_at,
                    "report",
                    _("%(unit)s submitted its report") % {"unit": unit},
                    str(r.submitted_by or ""),
                    "",
                    url,
                )
            )
        if r.reviewed_at:
            label = _("accepted") if r.status == r.Status.ACCEPTED else _("returned")
            events.append(
                Event(
                    r.reviewed_at,
                    "review",
                    _("The report of %(unit)s was %(what)s") % {"unit": unit, "what": label},
                    str(r.reviewed_by or ""),
                    r.review_comment,
                    url,
                )
            )
    return events


def _extension_events(requests: list[ExtensionRequest]) -> list[Event]:
    events = []
    for e in requests:
        unit = e.assignment.unit.name
        url = e.assignment.get_absolute_url()
        text = _("%(unit)s asked to extend the deadline to %(date)s") % {
            "unit": unit,
            "date": f"{e.requested_deadline:%d/%m/%Y}",
        }
        events.append(Event(e.requested_at, "extension", text, str(e.requested_by), e.reason, url))
        if e.decided_at:
            if e.status == e.Status.APPROVED:
                text = _("Extension approved: new deadline %(date)s") % {
                    "date": f"{e.approved_deadline:%d/%m/%Y}"
                }
            else:
                text = _("Extension refused")
            events.append(
                Event(
                    e.decided_at,
                    "decision",
                    f"{unit}: {text}",
                    str(e.decided_by or ""),
                    e.decision_note,
                    url,
                )
            )
    return events


def _obstacle_events(obstacles: list[Obstacle]) -> list[Event]:
    events = []
    for o in obstacles:
        url = o.assignment.get_absolute_url()
        events.append(
            Event(
                o.raised_at,
                "obstacle",
                _("%(kind)s raised by %(unit)s")
                % {"kind": o.get_kind_display(), "unit": o.assignment.unit.name},
                str(o.raised_by),
                o.text,
                url,
            )
        )
        if o.answered_at:
            events.append(
                Event(
                    o.answered_at,
                    "answer",
                    _("Answered by %(unit)s") % {"unit": o.answer_unit.name},
                    str(o.answered_by or ""),
                    o.answer,
                    url,
                )
            )
    return events


def _audit_events(task: Task, assignment_ids: list[int]) -> list[Event]:
    task_type = ContentType.objects.get_for_model(Task)
    assignment_type = ContentType.objects.get_for_model(Assignment)
    audit = AuditEvent.objects.filter(
        Q(content_type=task_type, object_id=str(task.pk))
        | Q(content_type=assignment_type, object_id__in=[str(pk) for pk in assignment_ids])
    ).select_related("actor")
    return [
        Event(e.at, "history", f"{e.object_repr}: {e.verb_label}", e.actor_display) for e in audit
    ]


def task_timeline(task: Task, user: User) -> list[Event]:
    """Everything that happened to the task and the assignments the person sees, by date."""
    visible = Assignment.objects.visible_to(user).filter(task=task)
    ids = list(visible.values_list("pk", flat=True))
    related = ("assignment__unit", "assignment__task")
    reports = ProgressReport.objects.filter(assignment_id__in=ids).select_related(
        *related, "created_by", "submitted_by", "reviewed_by"
    )
    extensions = ExtensionRequest.objects.filter(assignment_id__in=ids).select_related(
        *related, "requested_by", "decided_by"
    )
    obstacles = Obstacle.objects.filter(assignment_id__in=ids).select_related(
        *related, "answer_unit", "raised_by", "answered_by"
    )
    notices = UrgingNotice.objects.filter(assignments__in=ids).distinct()
    events = _report_events(list(reports)) + _extension_events(list(extensions))
    events += _obstacle_events(list(obstacles)) + _audit_events(task, ids)
    for n in notices:
        url = reverse("plans:urging-detail", args=[n.pk])
        text = _("Urging notice %(number)s: %(subject)s") % {
            "number": n.number_symbol,
            "subject": n.subject,
        }
        events.append(Event(n.created_at, "urging", text, "", "", url))
    return sorted(events, key=lambda e: e.at)


# An assignment's page ----------------------------------------------------------------


def _files_by_report(reports: list[ProgressReport]) -> dict[int, list[Attachment]]:
    files: dict[int, list[Attachment]] = defaultdict(list)
    if reports:
        owner_type = ContentType.objects.get_for_model(ProgressReport)
        attachments = Attachment.objects.filter(
            owner_type=owner_type, owner_id__in=[r.pk for r in reports]
        )
        for attachment in attachments:
            files[attachment.owner_id].append(attachment)
    return files


def assignment_page(assignment: Assignment, user: User) -> dict[str, Any]:
    """Everything the assignment page shows, in a fixed number of queries."""
    reports = list(assignment.reports.select_related("created_by", "submitted_by", "reviewed_by"))
    files = _files_by_report(reports)
    for report in reports:
        report.files = files.get(report.pk, [])
    plan = assignment.task.plan
    computed = computed_percent(assignment)
    obstacles = list(assignment.obstacles.select_related("answer_unit", "answered_by"))
    return {
        "assignment": assignment,
        "task": assignment.task,
        "plan": plan,
        "reports": reports,
        "extensions": list(
            assignment.extension_requests.select_related("requested_by", "decided_by")
        ),
        "obstacles": obstacles,
        "notices": list(assignment.urging_notices.all()),
        "computed_percent": computed,
        "show_computed": computed is not None or plan.progress_rule == Plan.ProgressRule.COMPUTED,
        "can_report": assignment.can_report(user),
        "can_submit": assignment.can_submit(user),
        "can_review": assignment.can_review(user),
        "is_open": assignment.status in OPEN_STATUSES,
        "answerable": {o.pk for o in obstacles if can_answer(o, user)},
    }


def can_answer(obstacle: Obstacle, user: User) -> bool:
    """The unit asked to answer (its focal point or head), or the secretariat."""
    access = user.access
    return access.can_manage_units or obstacle.answer_unit_id in access.own_unit_ids
