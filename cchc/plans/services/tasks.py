"""Tasks, their fan-out into assignments, and changing or cancelling either."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from cchc.accounts.access import require
from cchc.accounts.models import User
from cchc.core.audit import record_event
from cchc.units.models import Unit

from ..calculations import occurrences
from ..models import Assignment, Plan, ReformArea, Task
from ._common import _changed, _check_fields, _save

SCOPE_KINDS = {
    Task.Scope.ALL_DEPARTMENTS: (Unit.Kind.DEPARTMENT,),
    Task.Scope.ALL_LOCAL: (Unit.Kind.DISTRICT,),
    Task.Scope.ALL_DEPARTMENTS_AND_LOCAL: (Unit.Kind.DEPARTMENT, Unit.Kind.DISTRICT),
    Task.Scope.ALL_COMMUNES: (Unit.Kind.COMMUNE,),
}
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
    require(Plan.can_manage(by))
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
    require(Plan.can_manage(by))
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
    require(Plan.can_manage(by))
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
    require(Plan.can_manage(by))
    _cancel(task, reason=reason, by=by, verb="task.cancelled")
    return task


@transaction.atomic
def cancel_assignment(assignment: Assignment, *, reason: str, by: User) -> Assignment:
    """Cancel one unit's assignment with a reason."""
    require(assignment.can_review(by))
    _cancel(assignment, reason=reason, by=by, verb="assignment.cancelled")
    return assignment
