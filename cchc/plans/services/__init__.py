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

from .extensions import answer_obstacle, decide_extension, raise_obstacle, request_extension
from .plans import (
    DEFAULT_AREAS,
    PLAN_DOCUMENT_KINDS,
    PLAN_FIELDS,
    attach_plan_document,
    create_area,
    create_plan,
    seed_default_areas,
    update_plan,
)
from .reports import (
    accept_progress_report,
    return_progress_report,
    save_progress_report,
    submit_progress_report,
)
from .tasks import (
    SCOPE_KINDS,
    TASK_FIELDS,
    cancel_assignment,
    cancel_task,
    create_task,
    fan_out,
    update_task,
)
from .urging import DOCX_TYPE, issue_urging_notice

__all__ = [
    "DEFAULT_AREAS",
    "DOCX_TYPE",
    "PLAN_DOCUMENT_KINDS",
    "PLAN_FIELDS",
    "SCOPE_KINDS",
    "TASK_FIELDS",
    "accept_progress_report",
    "answer_obstacle",
    "attach_plan_document",
    "cancel_assignment",
    "cancel_task",
    "create_area",
    "create_plan",
    "create_task",
    "decide_extension",
    "fan_out",
    "issue_urging_notice",
    "raise_obstacle",
    "request_extension",
    "return_progress_report",
    "save_progress_report",
    "seed_default_areas",
    "submit_progress_report",
    "update_plan",
    "update_task",
]
