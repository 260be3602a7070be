"""Pure arithmetic of task status, reporting figures, periods and reminders. No Django imports.

Status taxonomy of the Government Office's reporting (domain README §4): tasks **due**
are *completed on time* or *completed late*; tasks **not completed** are *within term*
or *overdue*; a cancelled task leaves every figure.

Reporting figures follow the Government Office's report 1270/BC-TCTTTg (2017): 21,914
tasks; 14,068 completed on time, 1,983 late, 5,640 within term, 223 overdue. The shares
are taken over the tasks **due** = on time + late + overdue (16,274), not over all tasks:
completed 16,051 / 16,274 = 98.6297 % is published as **98.62** (truncated, not rounded),
and overdue as **1.38** = 100 - 98.62. Over all tasks (due plus within term) it would be
1.02 %, and 223 / 16,274 rounded half-up 1.37 %: neither is the published figure. Hence:

- `share_completed` = (on time + late) ÷ due, truncated to 2 places (as published);
- `share_overdue`   = 100 - share_completed (= overdue ÷ due, so the two add up to 100);
- `share_on_time`   = on time ÷ due, rounded half-up to 2 places.

With nothing due the shares are `None` (there is nothing to divide by).
"""

from __future__ import annotations

import calendar
import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class Status(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    WITHIN_TERM = "within_term"
    OVERDUE = "overdue"
    CANCELLED = "cancelled"


def assignment_status(
    *,
    deadline: datetime.date,
    completed_on: datetime.date | None,
    cancelled: bool,
    today: datetime.date,
) -> Status:
    """Return the status of one assignment (or occurrence) on `today`.

    `deadline` is the effective deadline (after approved extensions); `completed_on` is the
    date the unit submitted the completion report that was accepted. A task completed on
    its deadline day is on time; a task not completed is overdue from the day after it.
    """
    if cancelled:
        return Status.CANCELLED
    if completed_on is not None:
        return Status.ON_TIME if completed_on <= deadline else Status.LATE
    return Status.WITHIN_TERM if today <= deadline else Status.OVERDUE


# --- Reporting figures --------------------------------------------------------------------


def _percent(part: int, whole: int, rounding: str) -> Decimal:
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT, rounding=rounding)


@dataclass(frozen=True)
class Figures:
    """Counts by status and the Government Office's shares (see the module docstring).

    `assigned` excludes cancelled assignments; `due` = on time + late + overdue.
    """

    on_time: int = 0
    late: int = 0
    within_term: int = 0
    overdue: int = 0
    cancelled: int = 0

    @classmethod
    def from_counts(cls, counts: dict[str, int] | Counter[str]) -> Figures:
        return cls(**{status.value: int(counts.get(status.value, 0)) for status in Status})

    @property
    def assigned(self) -> int:
        return self.on_time + self.late + self.within_term + self.overdue

    @property
    def completed(self) -> int:
        return self.on_time + self.late

    @property
    def due(self) -> int:
        return self.on_time + self.late + self.overdue

    @property
    def share_completed(self) -> Decimal | None:
        """Completed ÷ due, in percent, truncated to 2 places (as the Government Office does)."""
        return _percent(self.completed, self.due, ROUND_DOWN) if self.due else None

    @property
    def share_overdue(self) -> Decimal | None:
        """Overdue ÷ due, in percent: the complement of `share_completed`."""
        share = self.share_completed
        return None if share is None else HUNDRED - share

    @property
    def share_on_time(self) -> Decimal | None:
        """Completed on time ÷ due, in percent, rounded half-up to 2 places."""
        return _percent(self.on_time, self.due, ROUND_HALF_UP) if self.due else None

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            on_time=self.on_time + other.on_time,
            late=self.late + other.late,
            within_term=self.within_term + other.within_term,
            overdue=self.overdue + other.overdue,
            cancelled=self.cancelled + other.cancelled,
        )


def reporting_figures(statuses: Iterable[Status | str]) -> Figures:
    """Count statuses into the Government Office's reporting figures."""
    return Figures.from_counts(Counter(Status(s).value for s in statuses))


def computed_progress(children: Iterable[tuple[Decimal, int]]) -> Decimal:
    """Weighted mean of sub-tasks' progress (weight, percent), in percent to 2 places.

    Returns 0.00 when there is no sub-task (or every weight is zero).
    """
    total_weight = Decimal(0)
    weighted = Decimal(0)
    for weight, percent in children:
        total_weight += Decimal(weight)
        weighted += Decimal(weight) * Decimal(percent)
    if not total_weight:
        return Decimal("0.00")
    return (weighted / total_weight).quantize(CENT, rounding=ROUND_HALF_UP)


# --- Recurring periods --------------------------------------------------------------------

RECURRENCE_MONTHS = {"monthly": 1, "quarterly": 3, "six_monthly": 6, "yearly": 12}


@dataclass(frozen=True)
class Occurrence:
    label: str
    period_start: datetime.date
    deadline: datetime.date


def _label(recurrence: str, start: datetime.date) -> str:
    if recurrence == "monthly":
        return f"{start:%m/%Y}"
    if recurrence == "quarterly":
        return f"Q{(start.month - 1) // 3 + 1}/{start.year}"
    if recurrence == "six_monthly":
        return f"H{(start.month - 1) // 6 + 1}/{start.year}"
    return str(start.year)


def _deadline(start: datetime.date, months: int, due_day: int | None) -> datetime.date:
    last_month = start.month + months - 1
    length = calendar.monthrange(start.year, last_month)[1]
    day = length if due_day is None else min(due_day, length)
    return datetime.date(start.year, last_month, day)


def occurrences(
    recurrence: str,
    *,
    period_start: datetime.date,
    period_end: datetime.date,
    due_day: int | None,
) -> list[Occurrence]:
    """Every calendar period of `recurrence` that overlaps [period_start, period_end].

    Labels: monthly "01/2024", quarterly "Q1/2024", six-monthly "H1/2024", yearly "2024".
    Each deadline is `due_day` of the period's last month (clamped to the month's length),
    or the period's last day when `due_day` is None.
    """
    months = RECURRENCE_MONTHS[recurrence]
    first_month = (period_start.month - 1) // months * months + 1
    start = datetime.date(period_start.year, first_month, 1)
    found = []
    while start <= period_end:
        found.append(
            Occurrence(_label(recurrence, start), start, _deadline(start, months, due_day))
        )
        month = start.month + months
        start = datetime.date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    return found


# --- Reminders ----------------------------------------------------------------------------


def reminder_key_due(
    *,
    deadline: datetime.date,
    today: datetime.date,
    completed: bool,
    days_before: Iterable[int],
    on_due_day: bool,
    overdue_every: int,
) -> str | None:
    """The reminder due today under a plan's policy, as an idempotency key, or None.

    Keys name the deadline they count from, so an extended deadline is reminded again:
    "before-7@2024-03-31" (7 days before), "due@2024-03-31" (on the day),
    "overdue-14@2024-03-31" (14 days late; every `overdue_every` days, 0 = never).
    """
    if completed:
        return None
    days = (deadline - today).days
    if days > 0:
        return f"before-{days}@{deadline.isoformat()}" if days in set(days_before) else None
    if days == 0:
        return f"due@{deadline.isoformat()}" if on_due_day else None
    late = -days
    if overdue_every and late % overdue_every == 0:
        return f"overdue-{late}@{deadline.isoformat()}"
    return None
