"""The plans API: the same services, querysets and permission rules as the HTML pages."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from cchc.units.models import Unit

from . import services
from .models import (
    STATUS_LABELS,
    Assignment,
    ExtensionRequest,
    Obstacle,
    Plan,
    ProgressReport,
    ReformArea,
    Task,
    UrgingNotice,
)
from .queries import can_answer, having_status

router = Router(tags=["plans"])
PAGE = 50


# Schemas -----------------------------------------------------------------------------


class PlanOut(Schema):
    id: int
    number: str
    title: str
    issuing_unit_id: int
    signed_on: datetime.date
    period_start: datetime.date
    period_end: datetime.date
    parent_id: int | None
    document_id: int | None
    progress_rule: Plan.ProgressRule
    remind_days_before: list[int]
    remind_on_due_day: bool
    remind_overdue_every: int
    escalate_after_days: int
    is_demo: bool
    notes: str


class PlanIn(Schema):
    number: str = Field(max_length=50)
    title: str = Field(max_length=500)
    issuing_unit_id: int
    signed_on: datetime.date
    period_start: datetime.date
    period_end: datetime.date
    parent_id: int | None = None
    progress_rule: Plan.ProgressRule = Plan.ProgressRule.REPORTED
    remind_days_before: list[int] = [7, 1]
    remind_on_due_day: bool = True
    remind_overdue_every: int = Field(7, ge=0)
    escalate_after_days: int = Field(14, ge=0)
    is_demo: bool = False
    notes: str = ""


class AreaOut(Schema):
    id: int
    plan_id: int
    code: str
    name: str
    position: int


class AreaIn(Schema):
    code: str = Field(max_length=10)
    name: str = Field(max_length=255)
    position: int = Field(0, ge=0)


class TaskOut(Schema):
    id: int
    plan_id: int
    area_id: int
    parent_id: int | None
    code: str
    content: str
    lead_unit_id: int
    coordinating_unit_ids: list[int]
    coordinating_text: str
    expected_output: str
    scope: Task.Scope
    deadline_kind: Task.DeadlineKind
    deadline: datetime.date | None
    recurrence: str
    due_day: int | None
    deadline_text: str
    priority: Task.Priority
    weight: Decimal
    is_real: bool | None
    cancelled: bool
    cancel_reason: str

    @staticmethod
    def resolve_coordinating_unit_ids(obj: Task) -> list[int]:
        return [u.pk for u in obj.coordinating_units.all()]

    @staticmethod
    def resolve_cancelled(obj: Task) -> bool:
        return obj.cancelled_at is not None


class TaskIn(Schema):
    area_id: int
    code: str = Field(max_length=20)
    content: str
    lead_unit_id: int
    coordinating_unit_ids: list[int] = []
    coordinating_text: str = Field("", max_length=500)
    scope: Task.Scope = Task.Scope.LEAD
    selected_unit_ids: list[int] = []
    expected_output: str = Field("", max_length=500)
    deadline_kind: Task.DeadlineKind = Task.DeadlineKind.DATE
    deadline: datetime.date | None = None
    recurrence: str = ""
    due_day: int | None = Field(None, ge=1, le=31)
    deadline_text: str = Field("", max_length=200)
    priority: Task.Priority = Task.Priority.NORMAL
    weight: Decimal = Field(Decimal("1"), gt=0)
    parent_id: int | None = None
    is_real: bool | None = None
    source: str = ""


class TaskFilter(Schema):
    plan_id: int | None = None
    area_id: int | None = None
    q: str = ""


class ReasonIn(Schema):
    reason: str = Field(max_length=500)


class AssignmentOut(Schema):
    id: int
    task_id: int
    task_code: str
    unit_id: int
    unit_name: str
    role: Assignment.Role
    period_label: str
    original_deadline: datetime.date
    deadline: datetime.date
    progress_percent: int
    completed_on: datetime.date | None
    status: str
    status_label: str
    cancel_reason: str

    @staticmethod
    def resolve_task_code(obj: Assignment) -> str:
        return obj.task.code

    @staticmethod
    def resolve_unit_name(obj: Assignment) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_status(obj: Assignment) -> str:
        return str(obj.status.value)

    @staticmethod
    def resolve_status_label(obj: Assignment) -> str:
        return str(STATUS_LABELS[obj.status])


class AssignmentFilter(Schema):
    plan_id: int | None = None
    area_id: int | None = None
    unit_id: int | None = None
    task_id: int | None = None
    status: str | None = Field(None, pattern="^(on_time|late|within_term|overdue|cancelled)$")
    overdue: bool | None = None
    deadline_from: datetime.date | None = None
    deadline_to: datetime.date | None = None
    q: str = ""


class ReportOut(Schema):
    id: int
    assignment_id: int
    percent: int
    is_completion: bool
    work_done: str
    output_documents: str
    obstacles: str
    recommendations: str
    status: ProgressReport.Status
    status_label: str
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None
    reviewed_at: datetime.datetime | None
    review_comment: str

    @staticmethod
    def resolve_status_label(obj: ProgressReport) -> str:
        return str(obj.get_status_display())


class ReportIn(Schema):
    percent: int = Field(ge=0, le=100)
    work_done: str
    output_documents: str = ""
    obstacles: str = ""
    recommendations: str = ""
    is_completion: bool = False


class CommentIn(Schema):
    comment: str = ""


class ExtensionOut(Schema):
    id: int
    assignment_id: int
    requested_deadline: datetime.date
    reason: str
    status: ExtensionRequest.Status
    status_label: str
    approved_deadline: datetime.date | None
    decision_note: str

    @staticmethod
    def resolve_status_label(obj: ExtensionRequest) -> str:
        return str(obj.get_status_display())


class ExtensionIn(Schema):
    requested_deadline: datetime.date
    reason: str


class DecisionIn(Schema):
    approve: bool
    approved_deadline: datetime.date | None = None
    note: str = ""


class ObstacleOut(Schema):
    id: int
    assignment_id: int
    kind: Obstacle.Kind
    text: str
    answer_unit_id: int
    answer_due: datetime.date
    answer: str
    answered_at: datetime.datetime | None


class ObstacleIn(Schema):
    kind: Obstacle.Kind
    text: str
    answer_unit_id: int
    answer_due: datetime.date


class AnswerIn(Schema):
    answer: str


class UrgingOut(Schema):
    id: int
    number: int
    year: int
    number_symbol: str
    issued_on: datetime.date
    place: str
    subject: str
    body: str
    signer_name: str
    signer_position: str
    document_id: int | None
    assignment_ids: list[int]

    @staticmethod
    def resolve_assignment_ids(obj: UrgingNotice) -> list[int]:
        return [a.pk for a in obj.assignments.all()]


class UrgingIn(Schema):
    assignment_ids: list[int] = Field(min_length=1)
    subject: str = Field(max_length=500)
    body: str
    signer_name: str = Field(max_length=150)
    signer_position: str = Field(max_length=150)
    place: str = Field("An Giang", max_length=100)
    issued_on: datetime.date | None = None


# Helpers -----------------------------------------------------------------------------


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _plan(request: HttpRequest, plan_id: int) -> Plan:
    return get_object_or_404(Plan.objects.visible_to(request.user), pk=plan_id)


def _task(request: HttpRequest, task_id: int) -> Task:
    return get_object_or_404(Task.objects.visible_to(request.user), pk=task_id)


def _assignment(request: HttpRequest, assignment_id: int) -> Assignment:
    queryset = Assignment.objects.visible_to(request.user).select_related("task", "unit")
    return get_object_or_404(queryset, pk=assignment_id)


def _report(request: HttpRequest, report_id: int) -> ProgressReport:
    queryset = ProgressReport.objects.visible_to(request.user).select_related("assignment")
    return get_object_or_404(queryset, pk=report_id)


def _unit(pk: int | None) -> Unit | None:
    return None if pk is None else get_object_or_404(Unit, pk=pk)


def _units(pks: list[int]) -> list[Unit]:
    return list(Unit.objects.filter(pk__in=pks))


# Plans and areas ---------------------------------------------------------------------


@router.get("", response=list[PlanOut], operation_id="plan_list")
@paginate(PageNumberPagination, page_size=PAGE)
def plan_list(request: HttpRequest) -> Any:
    return Plan.objects.visible_to(request.user)


@router.get("/{int:plan_id}", response=PlanOut, operation_id="plan_get")
def plan_get(request: HttpRequest, plan_id: int) -> Any:
    return _plan(request, plan_id)


@router.post("", response={201: PlanOut}, operation_id="plan_create")
def plan_create(request: HttpRequest, payload: PlanIn) -> Any:
    _require(Plan.can_manage(request.user))
    data = payload.dict()
    data["issuing_unit"] = _unit(data.pop("issuing_unit_id"))
    parent_id = data.pop("parent_id")
    data["parent"] = _plan(request, parent_id) if parent_id else None
    return Status(201, services.create_plan(by=request.user, **data))


@router.get("/{int:plan_id}/areas", response=list[AreaOut], operation_id="area_list")
def area_list(request: HttpRequest, plan_id: int) -> Any:
    return ReformArea.objects.filter(plan=_plan(request, plan_id))


@router.post("/{int:plan_id}/areas", response={201: AreaOut}, operation_id="area_create")
def area_create(request: HttpRequest, plan_id: int, payload: AreaIn) -> Any:
    plan = _plan(request, plan_id)
    _require(Plan.can_manage(request.user))
    return Status(201, services.create_area(plan, by=request.user, **payload.dict()))


# Tasks -------------------------------------------------------------------------------


@router.get("/tasks", response=list[TaskOut], operation_id="task_list")
@paginate(PageNumberPagination, page_size=PAGE)
def task_list(request: HttpRequest, filters: Query[TaskFilter]) -> Any:
    """Tasks visible to the caller; `q` ignores case and diacritics."""
    tasks = Task.objects.visible_to(request.user).search(filters.q)
    if filters.plan_id:
        tasks = tasks.filter(plan_id=filters.plan_id)
    if filters.area_id:
        tasks = tasks.filter(area_id=filters.area_id)
    return tasks.prefetch_related("coordinating_units")


@router.get("/tasks/{int:task_id}", response=TaskOut, operation_id="task_get")
def task_get(request: HttpRequest, task_id: int) -> Any:
    return _task(request, task_id)


@router.post("/{int:plan_id}/tasks", response={201: TaskOut}, operation_id="task_create")
def task_create(request: HttpRequest, plan_id: int, payload: TaskIn) -> Any:
    plan = _plan(request, plan_id)
    _require(Plan.can_manage(request.user))
    data = payload.dict()
    data["area"] = get_object_or_404(plan.areas, pk=data.pop("area_id"))
    data["lead_unit"] = _unit(data.pop("lead_unit_id"))
    data["coordinating_units"] = _units(data.pop("coordinating_unit_ids"))
    data["selected_units"] = _units(data.pop("selected_unit_ids"))
    parent_id = data.pop("parent_id")
    data["parent"] = get_object_or_404(plan.tasks, pk=parent_id) if parent_id else None
    return Status(201, services.create_task(plan, by=request.user, **data))


@router.post("/tasks/{int:task_id}/cancel", response=TaskOut, operation_id="task_cancel")
def task_cancel(request: HttpRequest, task_id: int, payload: ReasonIn) -> Any:
    task = _task(request, task_id)
    _require(Plan.can_manage(request.user))
    return services.cancel_task(task, reason=payload.reason, by=request.user)


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
    _require(assignment.can_report(request.user))
    report = services.save_progress_report(assignment, by=request.user, **payload.dict())
    return Status(201, report)


@router.post("/reports/{int:report_id}/submit", response=ReportOut, operation_id="report_submit")
def report_submit(request: HttpRequest, report_id: int) -> Any:
    report = _report(request, report_id)
    _require(report.assignment.can_submit(request.user))
    return services.submit_progress_report(report, by=request.user)


@router.post("/reports/{int:report_id}/accept", response=ReportOut, operation_id="report_accept")
def report_accept(request: HttpRequest, report_id: int, payload: CommentIn) -> Any:
    report = _report(request, report_id)
    _require(report.assignment.can_review(request.user))
    return services.accept_progress_report(report, by=request.user, comment=payload.comment)


@router.post("/reports/{int:report_id}/return", response=ReportOut, operation_id="report_return")
def report_return(request: HttpRequest, report_id: int, payload: CommentIn) -> Any:
    report = _report(request, report_id)
    _require(report.assignment.can_review(request.user))
    return services.return_progress_report(report, comment=payload.comment, by=request.user)


# Extensions and obstacles ------------------------------------------------------------


@router.post(
    "/assignments/{int:assignment_id}/extensions",
    response={201: ExtensionOut},
    operation_id="extension_create",
)
def extension_create(request: HttpRequest, assignment_id: int, payload: ExtensionIn) -> Any:
    assignment = _assignment(request, assignment_id)
    _require(assignment.can_report(request.user))
    return Status(201, services.request_extension(assignment, by=request.user, **payload.dict()))


@router.post(
    "/extensions/{int:extension_id}/decide",
    response=ExtensionOut,
    operation_id="extension_decide",
)
def extension_decide(request: HttpRequest, extension_id: int, payload: DecisionIn) -> Any:
    queryset = ExtensionRequest.objects.visible_to(request.user).select_related("assignment")
    extension = get_object_or_404(queryset, pk=extension_id)
    _require(extension.assignment.can_review(request.user))
    return services.decide_extension(extension, by=request.user, **payload.dict())


@router.post(
    "/assignments/{int:assignment_id}/obstacles",
    response={201: ObstacleOut},
    operation_id="obstacle_create",
)
def obstacle_create(request: HttpRequest, assignment_id: int, payload: ObstacleIn) -> Any:
    assignment = _assignment(request, assignment_id)
    _require(assignment.can_report(request.user) or assignment.can_review(request.user))
    data = payload.dict()
    data["answer_unit"] = _unit(data.pop("answer_unit_id"))
    return Status(201, services.raise_obstacle(assignment, by=request.user, **data))


@router.post(
    "/obstacles/{int:obstacle_id}/answer", response=ObstacleOut, operation_id="obstacle_answer"
)
def obstacle_answer(request: HttpRequest, obstacle_id: int, payload: AnswerIn) -> Any:
    obstacle = get_object_or_404(Obstacle.objects.visible_to(request.user), pk=obstacle_id)
    _require(can_answer(obstacle, request.user))
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
    _require(Plan.can_manage(request.user))
    data = payload.dict()
    ids = data.pop("assignment_ids")
    assignments = list(Assignment.objects.visible_to(request.user).filter(pk__in=ids))
    if len(assignments) != len(set(ids)):
        raise Http404
    notice = services.issue_urging_notice(assignments, by=request.user, **data)
    return Status(201, notice)
