"""Pure arithmetic of task status and reporting figures. No Django imports.

Status taxonomy of the Government Office's reporting (domain README §4): tasks **due**
are *completed on time* or *completed late*; tasks **not completed** are *within term*
or *overdue*; a cancelled task leaves every figure.
"""

from __future__ import annotations

import datetime
from enum import StrEnum


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
