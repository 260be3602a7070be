"""The plans API: assignments, progress reports, extensions, obstacles and urging."""

from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Status
from ninja.pagination import PageNumberPagination, paginate

from cchc.accounts.access import require

from .. import services
from ..models import Assignment, ExtensionRequest, Obstacle, Plan, Task, UrgingNotice
from ..queries import can_answer, having_status
from ._common import PAGE, _assignment, _report, _unit, router
from .schemas import (
    AnswerIn,
    AssignmentFilter,
    AssignmentOut,
    CommentIn,
    DecisionIn,
    ExtensionIn,
    ExtensionOut,
    ObstacleIn,
    ObstacleOut,
    ReportIn,
    ReportOut,
    UrgingIn,
    UrgingOut,
)

# Assignments -------------------------------------------------------------------------


@router.get("/assignments", response=list[AssignmentOut], operation_id="assignment_list")
@paginate(PageNumberPagination, page_size=PAGE)
def assignment_list(request: HttpRequest, filters: Query[AssignmentFilter]) -> Any:
    """Assignments visible to the caller, by deadline; filter by status or `overdue=true`."""
    rows = Assignment.objects.visible_to(request.user).select_related("task", "unit")
    for name, lookup in (
        ("plan_id", "task__plan_id"),
        ("area_id", "task__area_id"),
        ("unit_id", "unit_id"),
        ("task_id", "task_id"),
        ("deadline_from", "deadline__gte"),
        ("deadline_to", "deadline__lte"),
    ):
        if getattr(filters, name) is not None:
            rows = rows.filter(**{lookup: getattr(filters, name)})
    if filters.q:
        rows = rows.filter(task__in=Task.objects.search(filters.q))
    if filters.status:
        rows = having_status(rows, filters.status)
    if filters.overdue is not None:
        late = Assignment.objects.overdue().values("pk")
        rows = rows.filter(pk__in=late) if filters.overdue else rows.exclude(pk__in=late)
    return rows.order_by("deadline", "task__code", "pk")


@router.get(
    "/assignments/{int:assignment_id}", response=AssignmentOut, operation_id="assignment_get"
)
def assignment_get(request: HttpRequest, assignment_id: int) -> Any:
    return _assignment(request, assignment_id)


# Reports -----------------------------------------------------------------------------


@router.get(
    "/assignments/{int:assignment_id}/reports",
    response=list[ReportOut],
    operation_id="report_list",
)
def report_list(request: HttpRequest, assignment_id: int) -> Any:
    return _assignment(request, assignment_id).reports.all()


@router.post(
    "/assignments/{int:assignment_id}/reports",
    response={201: ReportOut},
    operation_id="report_create",
)
def report_create(request: HttpRequest, assignment_id: int, payload: ReportIn) -> Any:
    """Save a draft progress report (evidence files are uploaded on the page)."""
    assignment = _assignment(request, assignment_id)
    require(assignment.can_report(request.user))
    report = services.save_progress_report(assignment, by=request.user, **payload.dict())
    return Status(201, report)


@router.post("/reports/{int:report_id}/submit", response=ReportOut, operation_id="report_submit")
def report_submit(request: HttpRequest, report_id: int) -> Any:
    report = _report(request, report_id)
    require(report.assignment.can_submit(request.user))
    return services.submit_progress_report(report, by=request.user)


@router.post("/reports/{int:report_id}/accept", response=ReportOut, operation_id="report_accept")
def report_accept(request: HttpRequest, report_id: int, payload: CommentIn) -> Any:
    report = _report(request, report_id)
    require(report.assignment.can_review(request.user))
    return services.accept_progress_report(report, by=request.user, comment=payload.comment)


@router.post("/reports/{int:report_id}/return", response=ReportOut, operation_id="report_return")
def report_return(request: HttpRequest, report_id: int, payload: CommentIn) -> Any:
    report = _report(request, report_id)
    require(report.assignment.can_review(request.user))
    return services.return_progress_report(report, comment=payload.comment, by=request.user)


# Extensions and obstacles ------------------------------------------------------------


@router.post(
    "/assignments/{int:assignment_id}/extensions",
    response={201: ExtensionOut},
    operation_id="extension_create",
)
def extension_create(request: HttpRequest, assignment_id: int, payload: ExtensionIn) -> Any:
    assignment = _assignment(request, assignment_id)
    require(assignment.can_report(request.user))
    return Status(201, services.request_extension(assignment, by=request.user, **payload.dict()))


@router.post(
    "/extensions/{int:extension_id}/decide",
    response=ExtensionOut,
    operation_id="extension_decide",
)
def extension_decide(request: HttpRequest, extension_id: int, payload: DecisionIn) -> Any:
    queryset = ExtensionRequest.objects.visible_to(request.user).select_related("assignment")
    extension = get_object_or_404(queryset, pk=extension_id)
    require(extension.assignment.can_review(request.user))
    return services.decide_extension(extension, by=request.user, **payload.dict())


@router.post(
    "/assignments/{int:assignment_id}/obstacles",
    response={201: ObstacleOut},
    operation_id="obstacle_create",
)
def obstacle_create(request: HttpRequest, assignment_id: int, payload: ObstacleIn) -> Any:
    assignment = _assignment(request, assignment_id)
    require(assignment.can_report(request.user) or assignment.can_review(request.user))
    data = payload.dict()
    data["answer_unit"] = _unit(data.pop("answer_unit_id"))
    return Status(201, services.raise_obstacle(assignment, by=request.user, **data))


@router.post(
    "/obstacles/{int:obstacle_id}/answer", response=ObstacleOut, operation_id="obstacle_answer"
)
def obstacle_answer(request: HttpRequest, obstacle_id: int, payload: AnswerIn) -> Any:
    obstacle = get_object_or_404(Obstacle.objects.visible_to(request.user), pk=obstacle_id)
    require(can_answer(obstacle, request.user))
    return services.answer_obstacle(obstacle, answer=payload.answer, by=request.user)


# Urging ------------------------------------------------------------------------------


def _notices(request: HttpRequest) -> Any:
    visible = Assignment.objects.visible_to(request.user)
    return UrgingNotice.objects.filter(assignments__in=visible).distinct()


@router.get("/urging", response=list[UrgingOut], operation_id="urging_list")
@paginate(PageNumberPagination, page_size=PAGE)
def urging_list(request: HttpRequest) -> Any:
    return _notices(request).prefetch_related("assignments")


@router.get("/urging/{int:notice_id}", response=UrgingOut, operation_id="urging_get")
def urging_get(request: HttpRequest, notice_id: int) -> Any:
    return get_object_or_404(_notices(request), pk=notice_id)


@router.post("/urging", response={201: UrgingOut}, operation_id="urging_create")
def urging_create(request: HttpRequest, payload: UrgingIn) -> Any:
    require(Plan.can_manage(request.user))
    data = payload.dict()
    ids = data.pop("assignment_ids")
    assignments = list(Assignment.objects.visible_to(request.user).filter(pk__in=ids))
    if len(assignments) != len(set(ids)):
        raise Http404
    notice = services.issue_urging_notice(assignments, by=request.user, **data)
    return Status(201, notice)
