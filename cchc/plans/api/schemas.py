"""The plans API's schemas: what it reads and writes."""

import datetime
from decimal import Decimal

from ninja import Field, Schema

from ..models import (
    STATUS_LABELS,
    Assignment,
    ExtensionRequest,
    Obstacle,
    Plan,
    ProgressReport,
    Task,
    UrgingNotice,
)

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
