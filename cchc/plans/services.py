"""Write operations on plans, tasks, assignments, reports, extensions, obstacles and urging.

Every function runs in one transaction, checks who acts (`PermissionDenied`), validates
its input (`ValidationError` keyed by the keyword argument's name, or by the model field
that `full_clean()` found wrong), saves through `Model.save()` so django-simple-history
records the rows, adds a domain event to the audit trail, and returns the object.

A task fans out into one `Assignment` per unit (and per period for a recurring task).
Fan-out can write thousands of rows, so it uses simple-history's
`bulk_create_with_history`, which writes the history rows explicitly; the audit trail
gets one "task.fanned_out" event with the count instead of one event per row.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import models, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from cchc.accounts.models import User
from cchc.accounts.roles import Role
from cchc.core.audit import record_event, register_verbs
from cchc.core.models import Attachment
from cchc.core.notify import notify
from cchc.core.services import store_attachment
from cchc.core.uploads import UploadRejected
from cchc.units.models import Unit

from .calculations import occurrences
from .models import (
    Assignment,
    ExtensionRequest,
    Obstacle,
    Plan,
    ProgressReport,
    ReformArea,
    Task,
    UrgingNotice,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet

register_verbs(
    {
        "plan.created": gettext_lazy("created a reform plan"),
        "plan.updated": gettext_lazy("changed a reform plan"),
        "plan.document_attached": gettext_lazy("attached the signed plan"),
        "plan.areas_seeded": gettext_lazy("added the standard reform areas"),
        "area.created": gettext_lazy("added a reform area"),
        "task.created": gettext_lazy("created a task"),
        "task.fanned_out": gettext_lazy("assigned a task to units"),
        "task.updated": gettext_lazy("changed a task"),
        "task.cancelled": gettext_lazy("cancelled a task"),
        "assignment.cancelled": gettext_lazy("cancelled an assignment"),
        "assignment.urged": gettext_lazy("urged a unit"),
        "report.saved": gettext_lazy("saved a progress report"),
        "report.submitted": gettext_lazy("submitted a progress report"),
        "report.accepted": gettext_lazy("accepted a progress report"),
        "report.returned": gettext_lazy("returned a progress report"),
        "extension.requested": gettext_lazy("asked for a deadline extension"),
        "extension.approved": gettext_lazy("approved a deadline extension"),
        "extension.refused": gettext_lazy("refused a deadline extension"),
        "obstacle.raised": gettext_lazy("raised an obstacle or recommendation"),
        "obstacle.answered": gettext_lazy("answered an obstacle or recommendation"),
        "urging.issued": gettext_lazy("issued an urging notice"),
    }
)

# The seven areas of Plan 664/KH-UBND (six contents plus direction and management).
DEFAULT_AREAS = (
    ("I", "Công tác chỉ đạo, điều hành CCHC"),
    ("II", "Cải cách thể chế"),
    ("III", "Cải cách thủ tục hành chính"),
    ("IV", "Cải cách tổ chức bộ máy hành chính nhà nước"),
    ("V", "Cải cách chế độ công vụ"),
    ("VI", "Cải cách tài chính công"),
    ("VII", "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số"),
)
PLAN_DOCUMENT_KINDS = frozenset({"pdf", "docx"})
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SCOPE_KINDS = {
    Task.Scope.ALL_DEPARTMENTS: (Unit.Kind.DEPARTMENT,),
    Task.Scope.ALL_LOCAL: (Unit.Kind.DISTRICT,),
    Task.Scope.ALL_DEPARTMENTS_AND_LOCAL: (Unit.Kind.DEPARTMENT, Unit.Kind.DISTRICT),
    Task.Scope.ALL_COMMUNES: (Unit.Kind.COMMUNE,),
}
PLAN_FIELDS = frozenset(
    {
        "number",
        "title",
        "issuing_unit",
        "signed_on",
        "period_start",
        "period_end",
        "parent",
        "progress_rule",
        "remind_days_before",
        "remind_on_due_day",
        "remind_overdue_every",
        "escalate_after_days",
        "is_demo",
        "notes",
    }
)
TASK_FIELDS = frozenset(
    {
        "area",
        "code",
        "content",
        "expected_output",
        "deadline",
        "due_day",
        "deadline_text",
        "priority",
        "weight",
        "is_real",
        "source",
        "coordinating_text",
        "coordinating_units",
    }
)


# --- helpers ------------------------------------------------------------------------------


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not do this."))


def _save(
    obj: models.Model, *, by: User | None, update_fields: Iterable[str] | None = None
) -> None:
    obj.full_clean()
    obj._history_user = by  # type: ignore[attr-defined]
    obj.save(update_fields=list(update_fields) if update_fields is not None else None)


def _changed(obj: models.Model, fields: dict[str, Any]) -> dict[str, list[Any]]:
    """Apply `fields` to `obj`; return {name: [before, after]} for those that differ."""
    changes = {}
    for name, value in fields.items():
        before = getattr(obj, name)
        if before != value:
            changes[name] = [before, value]
            setattr(obj, name, value)
    return changes


def _check_fields(fields: Iterable[str], allowed: frozenset[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Not editable fields: {sorted(unknown)}")


def _url(obj: models.Model) -> str:
    try:
        return obj.get_absolute_url()  # type: ignore[attr-defined]
    except NoReverseMatch:
        return ""


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{url}" if url else ""


def _secretariat() -> QuerySet[User]:
    return User.objects.holding(role=Role.SECRETARIAT)


def _focal_points(unit: Unit | int) -> QuerySet[User]:
    return User.objects.holding(role=Role.FOCAL_POINT, unit=unit)  # type: ignore[arg-type]


def _require_open(assignment: Assignment) -> None:
    if assignment.completed_on is not None:
        raise ValidationError(_("This assignment is already completed."))
    if assignment.cancelled_at is not None or assignment.task.cancelled_at is not None:
        raise ValidationError(_("This assignment is cancelled."))


def _store_files(
    owner: models.Model,
    files: Iterable[UploadedFile],
    *,
    field: str,
    by: User,
    kinds: frozenset[str] | None = None,
) -> list[Attachment]:
    stored = []
    for upload in files:
        try:
            extra = {"kinds": kinds} if kinds is not None else {}
            stored.append(store_attachment(owner, upload, by=by, **extra))
        except UploadRejected as exc:
            raise ValidationError({field: str(exc)}) from exc
    return stored


# --- plans and areas ----------------------------------------------------------------------


def _reminder_days(days: Iterable[int]) -> list[int]:
    try:
        cleaned = sorted({int(d) for d in days}, reverse=True)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"remind_days_before": _("Enter whole numbers of days.")}) from exc
    if any(d < 1 for d in cleaned):
        raise ValidationError({"remind_days_before": _("Days before must be at least 1.")})
    return cleaned


def _save_plan(plan: Plan, *, by: User, update_fields: Iterable[str] | None = None) -> None:
    if plan.period_end < plan.period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    _save(plan, by=by, update_fields=update_fields)


@transaction.atomic
def create_plan(
    *,
    number: str,
    title: str,
    issuing_unit: Unit,
    signed_on: datetime.date,
    period_start: datetime.date,
    period_end: datetime.date,
    parent: Plan | None = None,
    progress_rule: str = Plan.ProgressRule.REPORTED,
    remind_days_before: Sequence[int] = (7, 1),
    remind_on_due_day: bool = True,
    remind_overdue_every: int = 7,
    escalate_after_days: int = 14,
    is_demo: bool = False,
    notes: str = "",
    by: User,
) -> Plan:
    """Create a reform plan with its reminder policy."""
    _require(Plan.can_manage(by))
    plan = Plan(
        number=number.strip(),
        title=title.strip(),
        issuing_unit=issuing_unit,
        signed_on=signed_on,
        period_start=period_start,
        period_end=period_end,
        parent=parent,
        progress_rule=progress_rule,
        remind_days_before=_reminder_days(remind_days_before),
        remind_on_due_day=remind_on_due_day,
        remind_overdue_every=remind_overdue_every,
        escalate_after_days=escalate_after_days,
        is_demo=is_demo,
        notes=notes,
        created_by=by,
    )
    _save_plan(plan, by=by)
    record_event(plan, "plan.created", by=by)
    return plan


@transaction.atomic
def update_plan(plan: Plan, *, by: User, **fields: Any) -> Plan:
    """Change some fields of `plan`; nothing is written when no value differs."""
    _require(Plan.can_manage(by))
    _check_fields(fields, PLAN_FIELDS)
    if "remind_days_before" in fields:
        fields["remind_days_before"] = _reminder_days(fields["remind_days_before"])
    if fields.get("parent") is not None and fields["parent"].pk == plan.pk:
        raise ValidationError({"parent": _("A plan cannot be its own parent.")})
    changes = _changed(plan, fields)
    if not changes:
        return plan
    _save_plan(plan, by=by, update_fields=changes)
    record_event(plan, "plan.updated", by=by, changes=changes)
    return plan


@transaction.atomic
def attach_plan_document(plan: Plan, upload: UploadedFile, *, by: User) -> Attachment:
    """Store the signed plan (PDF or Word) and make it the plan's document."""
    _require(Plan.can_manage(by))
    (attachment,) = _store_files(plan, [upload], field="document", by=by, kinds=PLAN_DOCUMENT_KINDS)
    plan.document = attachment
    _save(plan, by=by, update_fields=["document"])
    record_event(plan, "plan.document_attached", by=by, data={"attachment": attachment.pk})
    return attachment


@transaction.atomic
def seed_default_areas(plan: Plan, *, by: User) -> list[ReformArea]:
    """Add the seven areas of Plan 664 that `plan` lacks; return all seven, in order."""
    _require(Plan.can_manage(by))
    existing = {a.code: a for a in plan.areas.all()}
    areas, added = [], []
    for position, (code, name) in enumerate(DEFAULT_AREAS, start=1):
        area = existing.get(code)
        if area is None:
            area = ReformArea(plan=plan, code=code, name=name, position=position)
            _save(area, by=by)
            added.append(code)
        areas.append(area)
    if added:
        record_event(plan, "plan.areas_seeded", by=by, data={"codes": added})
    return areas


@transaction.atomic
def create_area(plan: Plan, *, code: str, name: str, position: int, by: User) -> ReformArea:
    """Add one reform area to `plan`."""
    _require(Plan.can_manage(by))
    code = code.strip()
    if plan.areas.filter(code__iexact=code).exists():
        raise ValidationError({"code": _("This plan already has an area with this code.")})
    area = ReformArea(plan=plan, code=code, name=name.strip(), position=position)
    _save(area, by=by)
    record_event(area, "area.created", by=by, data={"plan": plan.pk})
    return area


# --- tasks and fan-out --------------------------------------------------------------------


def _deadline_problems(task: Task, plan: Plan) -> dict[str, str]:
    kind = task.deadline_kind
    if kind == Task.DeadlineKind.DATE:
        if task.deadline is None:
            return {"deadline": _("Enter the deadline.")}
        if not plan.period_start <= task.deadline <= plan.period_end:
            return {"deadline": _("The deadline is outside the plan's period.")}
    elif kind == Task.DeadlineKind.RECURRING:
        if not task.recurrence:
            return {"recurrence": _("Choose how often the task recurs.")}
    elif task.recurrence or task.due_day:
        return {"recurrence": _("Only a recurring task has a recurrence.")}
    return {}


def _task_problems(task: Task, plan: Plan) -> dict[str, str]:
    problems = _deadline_problems(task, plan)
    if task.area.plan_id != plan.pk:
        problems["area"] = _("This area belongs to another plan.")
    if task.parent is not None and task.parent.plan_id != plan.pk:
        problems["parent"] = _("The parent task belongs to another plan.")
    if Decimal(task.weight) <= 0:
        problems["weight"] = _("The weight must be greater than zero.")
    if Task.objects.filter(plan=plan, code=task.code).exclude(pk=task.pk).exists():
        problems["code"] = _("This plan already has a task with this code.")
    return problems


@transaction.atomic
def create_task(
    plan: Plan,
    *,
    area: ReformArea,
    code: str,
    content: str,
    lead_unit: Unit,
    coordinating_units: Iterable[Unit] = (),
    scope: str = Task.Scope.LEAD,
    selected_units: Iterable[Unit] = (),
    expected_output: str = "",
    deadline_kind: str,
    deadline: datetime.date | None = None,
    recurrence: str = "",
    due_day: int | None = None,
    deadline_text: str = "",
    priority: str = Task.Priority.NORMAL,
    weight: Decimal | int = 1,
    parent: Task | None = None,
    is_real: bool | None = None,
    source: str = "",
    coordinating_text: str = "",
    by: User,
) -> Task:
    """Create a task and fan it out into one assignment per unit (and period)."""
    _require(Plan.can_manage(by))
    task = Task(
        plan=plan,
        area=area,
        code=code.strip(),
        content=content,
        lead_unit=lead_unit,
        scope=scope,
        expected_output=expected_output,
        deadline_kind=deadline_kind,
        deadline=deadline,
        recurrence=recurrence,
        due_day=due_day,
        deadline_text=deadline_text,
        priority=priority,
        weight=Decimal(weight),
        parent=parent,
        is_real=is_real,
        source=source,
        coordinating_text=coordinating_text,
    )
    selected = list(selected_units)
    problems = _task_problems(task, plan)
    if (scope == Task.Scope.SELECTED) != bool(selected):
        problems["selected_units"] = _("Choose units only when the task goes to selected units.")
    if problems:
        raise ValidationError(problems)
    _save(task, by=by)
    task.coordinating_units.set(list(coordinating_units))
    record_event(task, "task.created", by=by, data={"plan": plan.pk})
    _fan_out(task, by=by, selected=selected)
    return task


def _target_units(task: Task, selected: Sequence[Unit]) -> dict[int, str]:
    """unit id → role in the task, for the task's scope."""
    lead, role = Assignment.Role.LEAD, Assignment.Role.ASSIGNED
    if task.scope == Task.Scope.LEAD:
        targets = {u.pk: Assignment.Role.COORDINATING for u in task.coordinating_units.all()}
        targets[task.lead_unit_id] = lead
        return targets
    if task.scope == Task.Scope.SELECTED:
        # The selection is kept as the assignments themselves.
        ids = {u.pk for u in selected} or set(task.assignments.values_list("unit_id", flat=True))
    else:
        current = Unit.objects.current_on(task.plan.period_start)
        ids = set(current.filter(kind__in=SCOPE_KINDS[task.scope]).values_list("pk", flat=True))
    return {pk: lead if pk == task.lead_unit_id else role for pk in ids}


def _periods(task: Task) -> list[tuple[str, datetime.date | None, datetime.date]]:
    """(period label, period start, deadline) of each occurrence of the task."""
    plan = task.plan
    if task.deadline_kind == Task.DeadlineKind.DATE:
        return [("", None, task.deadline)]  # type: ignore[list-item]
    if task.deadline_kind == Task.DeadlineKind.THROUGHOUT:
        return [("", None, plan.period_end)]
    found = occurrences(
        task.recurrence,
        period_start=plan.period_start,
        period_end=plan.period_end,
        due_day=task.due_day,
    )
    return [(o.label, o.period_start, o.deadline) for o in found]


def _fan_out(task: Task, *, by: User, selected: Sequence[Unit] = ()) -> list[Assignment]:
    existing = set(task.assignments.values_list("unit_id", "period_label"))
    periods = _periods(task)
    new = [
        Assignment(
            task=task,
            unit_id=unit_id,
            role=role,
            period_label=label,
            period_start=start,
            original_deadline=deadline,
            deadline=deadline,
        )
        for unit_id, role in sorted(_target_units(task, selected).items())
        for label, start, deadline in periods
        if (unit_id, label) not in existing
    ]
    if not new:
        return []
    created = bulk_create_with_history(new, Assignment, batch_size=500, default_user=by)
    record_event(task, "task.fanned_out", by=by, data={"created": len(created)})
    return created


@transaction.atomic
def fan_out(task: Task, *, by: User) -> list[Assignment]:
    """Create the assignments `task` is missing (none twice); return the new ones."""
    _require(Plan.can_manage(by))
    if task.cancelled_at is not None:
        raise ValidationError(_("This task is cancelled."))
    return _fan_out(task, by=by)


def _move_deadlines(task: Task, *, by: User) -> None:
    """Carry a changed task deadline to its open assignments, keeping later extensions."""
    for assignment in task.assignments.open():
        extended = assignment.deadline != assignment.original_deadline
        assignment.original_deadline = task.deadline
        if not extended or assignment.deadline < task.deadline:
            assignment.deadline = task.deadline
        _save(assignment, by=by, update_fields=["original_deadline", "deadline"])


@transaction.atomic
def update_task(task: Task, *, by: User, **fields: Any) -> Task:
    """Change some fields of `task`; new coordinating units get their assignments."""
    _require(Plan.can_manage(by))
    _check_fields(fields, TASK_FIELDS)
    coordinating = fields.pop("coordinating_units", None)
    changes = _changed(task, fields)
    problems = _task_problems(task, task.plan)
    if problems:
        raise ValidationError(problems)
    if changes:
        _save(task, by=by, update_fields=changes)
    if "deadline" in changes and task.deadline_kind == Task.DeadlineKind.DATE:
        _move_deadlines(task, by=by)
    if coordinating is not None and set(coordinating) != set(task.coordinating_units.all()):
        task.coordinating_units.set(list(coordinating))
        changes["coordinating_units"] = [None, sorted(u.pk for u in coordinating)]
        _fan_out(task, by=by)
    if changes:
        record_event(task, "task.updated", by=by, changes=changes)
    return task


def _cancel(obj: Task | Assignment, *, reason: str, by: User, verb: str) -> None:
    if obj.cancelled_at is not None:
        raise ValidationError(_("This is already cancelled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    obj.cancelled_at = timezone.now()
    obj.cancel_reason = reason.strip()
    _save(obj, by=by, update_fields=["cancelled_at", "cancel_reason"])
    record_event(obj, verb, by=by, data={"reason": obj.cancel_reason})


@transaction.atomic
def cancel_task(task: Task, *, reason: str, by: User) -> Task:
    """Cancel a task with a reason: all its assignments leave every figure."""
    _require(Plan.can_manage(by))
    _cancel(task, reason=reason, by=by, verb="task.cancelled")
    return task


@transaction.atomic
def cancel_assignment(assignment: Assignment, *, reason: str, by: User) -> Assignment:
    """Cancel one unit's assignment with a reason."""
    _require(assignment.can_review(by))
    _cancel(assignment, reason=reason, by=by, verb="assignment.cancelled")
    return assignment


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
    _require(assignment.can_report(by))
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
    _require(assignment.can_submit(by))
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
    _require(assignment.can_review(by))
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
    _require(assignment.can_review(by))
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


# --- extensions ---------------------------------------------------------------------------


@transaction.atomic
def request_extension(
    assignment: Assignment, *, requested_deadline: datetime.date, reason: str, by: User
) -> ExtensionRequest:
    """The unit asks the secretariat for a later deadline, giving a reason."""
    _require(assignment.can_report(by))
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
    _require(assignment.can_review(by))
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
    _require(assignment.can_report(by) or assignment.can_review(by))
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
    _require(
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


# --- urging notices -----------------------------------------------------------------------


def _issuing_unit(by: User) -> Unit:
    for held in by.access.assignments:
        if held.role == Role.SECRETARIAT:
            return held.unit
    return Unit.objects.filter(kind=Unit.Kind.PROVINCE).order_by("pk").first()  # type: ignore[return-value]


def _next_number(year: int, symbol: str) -> int:
    # Lock the year's last notice (PostgreSQL) so two clerks do not draw the same number;
    # the unique constraint catches the rest.
    last = (
        UrgingNotice.objects.select_for_update()
        .filter(year=year, symbol=symbol)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return (last or 0) + 1


def _attach_notice_document(notice: UrgingNotice, *, by: User) -> Attachment:
    from .documents import urging_notice_docx  # written alongside; imported when used

    name = f"{notice.number}-{notice.symbol}-{notice.year}.docx".replace("/", "-")
    upload = SimpleUploadedFile(name, urging_notice_docx(notice), content_type=DOCX_TYPE)
    (attachment,) = _store_files(
        notice, [upload], field="document", by=by, kinds=frozenset({"docx"})
    )
    notice.document = attachment
    _save(notice, by=by, update_fields=["document"])
    return attachment


def _deliver_notice(notice: UrgingNotice, assignments: list[Assignment], link: str) -> int:
    sent = 0
    for unit_id in sorted({a.unit_id for a in assignments}):
        text = _("Urging notice %(number)s: %(subject)s") % {
            "number": notice.number_symbol,
            "subject": notice.subject,
        }
        body = f"{notice.body}\n\n{_('The notice (Word document)')}: {link}"
        sent += notify(
            _focal_points(unit_id),
            verb="urging.issued",
            text=text,
            url=link,
            email_subject=text,
            email_body=body,
        )
    return sent


@transaction.atomic
def issue_urging_notice(
    assignments: Iterable[Assignment],
    *,
    subject: str,
    body: str,
    signer_name: str,
    signer_position: str,
    place: str = "An Giang",
    issued_on: datetime.date | None = None,
    by: User,
) -> UrgingNotice:
    """Issue a numbered urging notice (.docx) to the units of `assignments` and tell them."""
    _require(Plan.can_manage(by))
    chosen = list(assignments)
    if not chosen:
        raise ValidationError({"assignments": _("Choose at least one assignment.")})
    issued_on = issued_on or timezone.localdate()
    notice = UrgingNotice(
        year=issued_on.year,
        issued_on=issued_on,
        place=place.strip(),
        issuing_unit=_issuing_unit(by),
        subject=subject.strip(),
        body=body.strip(),
        signer_name=signer_name.strip(),
        signer_position=signer_position.strip(),
        created_by=by,
    )
    notice.number = _next_number(notice.year, notice.symbol)
    _save(notice, by=by)
    notice.assignments.set(chosen)
    attachment = _attach_notice_document(notice, by=by)
    record_event(notice, "urging.issued", by=by, data={"assignments": [a.pk for a in chosen]})
    for assignment in chosen:
        record_event(assignment, "assignment.urged", by=by, data={"notice": notice.pk})
    link = _absolute(reverse("core:attachment-download", args=[attachment.pk]))
    _deliver_notice(notice, chosen, link)
    return notice
