"""Reform plans, their areas and tasks, the per-unit assignments, and what units report.

A task given to many units fans out into one `Assignment` per unit (and, for a
recurring task, per period). Status is never stored: it is derived from the effective
deadline, the accepted completion and cancellation (`calculations.assignment_status`,
and `AssignmentQuerySet.with_status()` for the same rule in SQL).
"""

from .plan import Plan, PlanQuerySet, ReformArea, Task, TaskQuerySet
from .urging import Reminder, UrgingNotice
from .work import (
    STATUS_LABELS,
    Assignment,
    AssignmentQuerySet,
    ExtensionRequest,
    Obstacle,
    ProgressReport,
)

__all__ = [
    "STATUS_LABELS",
    "Assignment",
    "AssignmentQuerySet",
    "ExtensionRequest",
    "Obstacle",
    "Plan",
    "PlanQuerySet",
    "ProgressReport",
    "ReformArea",
    "Reminder",
    "Task",
    "TaskQuerySet",
    "UrgingNotice",
]
