"""Task figures per unit and period: the documented interface the PAR Index scores from.

Definitions (Government Office reporting taxonomy, domain README §4; the arithmetic and
rounding are in `calculations.Figures`):

- An assignment counts in a period when its **effective deadline** (after approved
  extensions) falls within [period_start, period_end], both days included. A recurring
  task counts once per occurrence (each occurrence is its own assignment).
- Status is taken on `today` (default: today in Asia/Ho_Chi_Minh):
  - *on time*: completion accepted, submitted on or before the deadline;
  - *late*: completion accepted, submitted after the deadline;
  - *within term*: not completed, deadline not yet passed;
  - *overdue*: not completed, deadline passed;
  - *cancelled*: the assignment or its task was cancelled; it leaves every other figure.
- assigned = on time + late + within term + overdue; due = on time + late + overdue.
- share_completed = (on time + late) ÷ due, truncated to 2 places; share_overdue =
  100 - share_completed; share_on_time = on time ÷ due, rounded half-up. None when
  nothing is due.

Each function runs one grouped SQL query (`with_status()` + `values()` + `Count`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count
from django.utils import timezone

from .calculations import Figures
from .models import Assignment, AssignmentQuerySet

# The figures per unit: counts by status and the shares (see the module docstring).
TaskMetrics = Figures

GROUPINGS = {"unit": "unit_id", "task__area": "task__area_id", "task__plan": "task__plan_id"}


def _group(queryset: AssignmentQuerySet, column: str, today: datetime.date) -> dict[Any, Figures]:
    rows = (
        queryset.with_status(today)
        .order_by()
        .values(column, "status")
        .annotate(n=Count("pk"))
        .values_list(column, "status", "n")
    )
    counts: dict[Any, dict[str, int]] = defaultdict(dict)
    for key, status, n in rows:
        counts[key][status] = n
    return {key: Figures.from_counts(c) for key, c in counts.items()}


def unit_task_metrics(
    *,
    unit_ids: Iterable[int] | None,
    period_start: datetime.date,
    period_end: datetime.date,
    today: datetime.date | None = None,
) -> dict[int, TaskMetrics]:
    """Figures per unit for assignments whose deadline falls in the period.

    With `unit_ids` given, every one of them is in the result (zeros where it had nothing);
    with None, every unit with at least one assignment in the period.
    """
    today = today or timezone.localdate()
    queryset = Assignment.objects.filter(deadline__range=(period_start, period_end))
    wanted = None if unit_ids is None else list(unit_ids)
    if wanted is not None:
        queryset = queryset.filter(unit_id__in=wanted)
    found = _group(queryset, "unit_id", today)
    if wanted is None:
        return found
    return {pk: found.get(pk, Figures()) for pk in wanted}


def figures_by(
    field: str, queryset: AssignmentQuerySet, today: datetime.date | None = None
) -> dict[int, Figures]:
    """Figures of `queryset` grouped by "unit", "task__area" or "task__plan" (keys are ids)."""
    if field not in GROUPINGS:
        raise ValueError(f"Cannot group by {field!r}; use one of {sorted(GROUPINGS)}.")
    return _group(queryset, GROUPINGS[field], today or timezone.localdate())
