"""Read models for the plan pages and boards: a few queries each, whatever the size.

By topic: `boards` (what each person sees, the overdue board), `overview` (a plan's page,
the progress figures and charts), `assignment` (an assignment's page and progress, the task
timeline), `calendar` (the deadline calendar) and `work` (the home page's counts and queue).
"""

from __future__ import annotations

from .assignment import (
    OPEN_STATUSES,
    Event,
    assignment_page,
    can_answer,
    computed_percent,
    task_timeline,
)
from .boards import (
    OverdueRow,
    UnitGroup,
    assignments_for,
    group_by_unit,
    having_status,
    my_assignments,
    overdue_assignments,
    overdue_by_unit,
    overdue_totals,
)
from .calendar import Day, Month, deadline_calendar
from .overview import (
    AreaBlock,
    FigureRow,
    Progress,
    TaskLine,
    area_chart,
    plan_overview,
    progress,
    status_counts,
)
from .work import Queue, WorkCounts, status_label, work_counts, work_queue

__all__ = [
    "OPEN_STATUSES",
    "AreaBlock",
    "Day",
    "Event",
    "FigureRow",
    "Month",
    "OverdueRow",
    "Progress",
    "Queue",
    "TaskLine",
    "UnitGroup",
    "WorkCounts",
    "area_chart",
    "assignment_page",
    "assignments_for",
    "can_answer",
    "computed_percent",
    "deadline_calendar",
    "group_by_unit",
    "having_status",
    "my_assignments",
    "overdue_assignments",
    "overdue_by_unit",
    "overdue_totals",
    "plan_overview",
    "progress",
    "status_counts",
    "status_label",
    "task_timeline",
    "work_counts",
    "work_queue",
]
