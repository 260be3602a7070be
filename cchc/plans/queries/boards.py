"""The boards: what each person sees, their own assignments and the overdue board."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils import timezone

from cchc.units.models import Unit

from ..models import Assignment, AssignmentQuerySet

if TYPE_CHECKING:
    from cchc.accounts.models import User


def assignments_for(user: User, today: datetime.date | None = None) -> AssignmentQuerySet:
    """Assignments the person may see, with what every row of a board shows.

    Rows show `Assignment.status` (computed in Python from the loaded fields); filtering by
    status goes through `AssignmentQuerySet.having_status` (plain column conditions).
    """
    return Assignment.objects.visible_to(user).select_related(
        "task", "task__plan", "task__area", "unit"
    )


def having_status(
    assignments: AssignmentQuerySet, status: str, today: datetime.date | None = None
) -> AssignmentQuerySet:
    return assignments.having_status(status, today)


def my_assignments(user: User, today: datetime.date | None = None) -> AssignmentQuerySet:
    """The person's own units' assignments: open ones first, the soonest deadline first."""
    is_open = Q(
        completed_on__isnull=True, cancelled_at__isnull=True, task__cancelled_at__isnull=True
    )
    open_first = Case(When(is_open, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (
        assignments_for(user, today)
        .filter(unit_id__in=user.access.own_unit_ids)
        .annotate(closed=open_first)
        .order_by("closed", "deadline", "task__code", "pk")
    )


# The overdue board -------------------------------------------------------------------


@dataclass
class OverdueRow:
    assignment: Assignment
    days: int


@dataclass
class UnitGroup:
    unit: Unit
    rows: list[OverdueRow] = field(default_factory=list)
    total: int = 0  # overdue assignments of the unit on every page


def overdue_assignments(user: User, today: datetime.date | None = None) -> AssignmentQuerySet:
    """Overdue assignments the person may see, unit by unit, the oldest deadline first."""
    return (
        Assignment.objects.visible_to(user)
        .overdue(today or timezone.localdate())
        .select_related("task", "task__plan", "unit")
        .order_by("unit__name", "unit_id", "deadline", "task__code")
    )


def group_by_unit(
    rows: Iterable[Assignment], *, totals: dict[int, int], today: datetime.date
) -> list[UnitGroup]:
    groups: dict[int, UnitGroup] = {}
    for assignment in rows:
        unit_id = assignment.unit_id
        group = groups.setdefault(unit_id, UnitGroup(assignment.unit, total=totals[unit_id]))
        group.rows.append(OverdueRow(assignment, (today - assignment.deadline).days))
    return list(groups.values())


def overdue_totals(assignments: AssignmentQuerySet) -> dict[int, int]:
    rows = assignments.order_by().values_list("unit_id").annotate(n=Count("pk"))
    return dict(rows)


def overdue_by_unit(
    user: User, today: datetime.date | None = None, *, rows: Iterable[Assignment] | None = None
) -> list[UnitGroup]:
    """Overdue assignments grouped by unit: all of them, or the given page of them."""
    today = today or timezone.localdate()
    late = overdue_assignments(user, today)
    return group_by_unit(late if rows is None else rows, totals=overdue_totals(late), today=today)
