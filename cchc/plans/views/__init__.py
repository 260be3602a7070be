"""HTML pages of the plans app (function views, thin: fetch, check, validate, call, render)."""

from .annex import annex_confirm, annex_import, annex_preview
from .boards import (
    board,
    board_annex,
    board_export,
    deadline_calendar_page,
    my_assignments_page,
    overdue_board,
    progress_page,
)
from .plans import area_create, plan_create, plan_detail, plan_document, plan_edit, plan_list
from .reports import (
    extension_decide,
    extension_request,
    obstacle_answer,
    obstacle_create,
    report_accept,
    report_create,
    report_edit,
    report_return,
    report_submit,
)
from .tasks import (
    assignment_cancel,
    assignment_detail,
    task_cancel,
    task_create,
    task_detail,
    task_edit,
)
from .urging import urging_create, urging_detail, urging_list

__all__ = [
    "annex_confirm",
    "annex_import",
    "annex_preview",
    "area_create",
    "assignment_cancel",
    "assignment_detail",
    "board",
    "board_annex",
    "board_export",
    "deadline_calendar_page",
    "extension_decide",
    "extension_request",
    "my_assignments_page",
    "obstacle_answer",
    "obstacle_create",
    "overdue_board",
    "plan_create",
    "plan_detail",
    "plan_document",
    "plan_edit",
    "plan_list",
    "progress_page",
    "report_accept",
    "report_create",
    "report_edit",
    "report_return",
    "report_submit",
    "task_cancel",
    "task_create",
    "task_detail",
    "task_edit",
    "urging_create",
    "urging_detail",
    "urging_list",
]
