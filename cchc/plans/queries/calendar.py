"""The deadline calendar: a month grid of open assignments' deadlines."""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..models import Assignment

if TYPE_CHECKING:
    from cchc.accounts.models import User


# Calendar ----------------------------------------------------------------------------


@dataclass
class Day:
    date: datetime.date
    in_month: bool
    assignments: list[Assignment] = field(default_factory=list)


@dataclass
class Month:
    first: datetime.date
    weeks: list[list[Day]]

    @property
    def previous(self) -> datetime.date:
        return (self.first - datetime.timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> datetime.date:
        return (self.first + datetime.timedelta(days=32)).replace(day=1)

    @property
    def busy_days(self) -> list[Day]:
        return [d for week in self.weeks for d in week if d.in_month and d.assignments]


def deadline_calendar(user: User, first: datetime.date) -> Month:
    """A Monday-first month grid of open assignments' deadlines."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    start, end = weeks[0][0], weeks[-1][-1]
    assignments = (
        Assignment.objects.visible_to(user)
        .open()
        .filter(deadline__range=(start, end))
        .select_related("task", "unit")
        .order_by("deadline", "task__code", "unit__name")
    )
    by_day: dict[datetime.date, list[Assignment]] = defaultdict(list)
    for a in assignments:
        by_day[a.deadline].append(a)
    grid = [[Day(d, d.month == first.month, by_day.get(d, [])) for d in week] for week in weeks]
    return Month(first, grid)
