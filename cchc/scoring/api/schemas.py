"""The PAR Index API's schemas: what it reads and writes.

Decimals (points, maxima, indices, declared numbers) are written as strings with exactly
two decimal places, e.g. "8.25", "82.50", "10.00" — the form of the published figures —
and read as a JSON number or a string with at most two decimal places.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import PlainSerializer, WithJsonSchema

from ..models import CriteriaSet, Criterion, Round, ScoreSheet, Stage, UnitGroup

CENT = Decimal("0.01")
DECIMAL_TEXT = "A decimal as a string with exactly 2 decimal places, e.g. “8.25”."
DECIMAL_IN = "A number, or a string, with at most 2 decimal places."


def two_places(value: Decimal) -> str:
    return str(Decimal(value).quantize(CENT))


Points = Annotated[
    Decimal,
    PlainSerializer(two_places, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+\.\d{2}$", "description": DECIMAL_TEXT}),
]


def points_in(description: str = DECIMAL_IN, **kwargs: Any) -> Any:
    """An input decimal: at most 7 digits, 2 after the point."""
    return Field(max_digits=7, decimal_places=2, description=description, **kwargs)


class Problem(Schema):
    field: str = Field(description="The field (or file column) concerned; empty for the whole.")
    message: str
    file: str | None = Field(None, description="Criteria-set files: the file name.")
    row: int | None = Field(None, description="Criteria-set files: the spreadsheet row.")
    column: str | None = Field(None, description="Criteria-set files: the column or JSON path.")
    reason: str | None = Field(None, description="Criteria-set files: what is wrong.")


class ErrorBody(Schema):
    code: str
    message: str
    details: list[Problem]


class ErrorOut(Schema):
    """Every error: 403 forbidden, 404 not found (or not visible), 422 invalid."""

    error: ErrorBody


ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def answers(schema: Any, status: int = 200) -> dict[int, Any]:
    """The responses of an operation: `schema` on success, the error shape otherwise."""
    return {status: schema, **ERRORS}


# Criteria sets -----------------------------------------------------------------------


class SetFields(Schema):
    id: int
    year: int
    group: UnitGroup
    group_label: str
    name: str
    legal_basis: str
    rounding: str
    cap_at_maximum: bool
    is_template: bool
    is_demo: bool
    is_locked: bool
    locked_at: datetime.datetime | None
    cloned_from_id: int | None
    created_at: datetime.datetime
    notes: str


class SetOut(SetFields):
    @staticmethod
    def resolve_group_label(obj: CriteriaSet) -> str:
        return str(obj.get_group_display())


class SetFilter(Schema):
    year: int | None = None
    group: UnitGroup | None = None


class CriterionNode(Schema):
    id: int
    code: str
    name: str
    depth: int = Field(description="1 area, 2 criterion, 3 sub-criterion.")
    max_points: Points
    guidance: str
    evidence_required: str
    source: Criterion.Source
    kind: Criterion.Kind
    method: str = Field(description="The scoring method of a scored node; empty for a parent.")
    params: dict[str, Any]
    allows_not_applicable: bool
    children: list["CriterionNode"]


class BandOut(Schema):
    label: str
    min_percent: Points


class SetDetailOut(SetFields):
    criteria: list[CriterionNode]
    bands: list[BandOut]


class CloneIn(Schema):
    year: int = Field(ge=1990, le=2100)
    name: str | None = Field(None, min_length=1, max_length=300)


# Rounds ------------------------------------------------------------------------------


class Schedule(Schema):
    self_from: datetime.date
    self_to: datetime.date
    appraisal_1_from: datetime.date
    appraisal_1_to: datetime.date
    explanation_from: datetime.date
    explanation_to: datetime.date
    appraisal_2_from: datetime.date
    appraisal_2_to: datetime.date
    council_from: datetime.date
    council_to: datetime.date
    publish_on: datetime.date


class ScheduleChange(Schema):
    """Only the dates sent change; the schedule must still run in order."""

    self_from: datetime.date | None = None
    self_to: datetime.date | None = None
    appraisal_1_from: datetime.date | None = None
    appraisal_1_to: datetime.date | None = None
    explanation_from: datetime.date | None = None
    explanation_to: datetime.date | None = None
    appraisal_2_from: datetime.date | None = None
    appraisal_2_to: datetime.date | None = None
    council_from: datetime.date | None = None
    council_to: datetime.date | None = None
    publish_on: datetime.date | None = None


class RoundFields(Schema):
    id: int
    year: int
    name: str
    status: Round.Status
    status_label: str
    current_stage: str = Field(description="The stage whose window includes today; empty if none.")
    current_stage_label: str
    criteria_set_ids: list[int]
    schedule: Schedule
    council_quorum: int
    is_demo: bool
    opened_at: datetime.datetime
    compiled_at: datetime.datetime | None


class RoundOut(RoundFields):
    @staticmethod
    def resolve_status_label(obj: Round) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_current_stage(obj: Round) -> str:
        return obj.current_stage()

    @staticmethod
    def resolve_current_stage_label(obj: Round) -> str:
        stage = obj.current_stage()
        return str(Stage(stage).label) if stage else ""

    @staticmethod
    def resolve_criteria_set_ids(obj: Round) -> list[int]:
        return [s.pk for s in obj.criteria_sets.all()]

    @staticmethod
    def resolve_schedule(obj: Round) -> dict[str, datetime.date]:
        return {name: getattr(obj, name) for name in Schedule.model_fields}


class AppraiserOut(Schema):
    id: int
    area_code: str
    appraiser_id: int
    appraiser_name: str
    assigned_at: datetime.datetime

    @staticmethod
    def resolve_appraiser_name(obj: Any) -> str:
        return str(obj.appraiser)


class ApprovalOut(Schema):
    member_id: int
    member_name: str
    comment: str
    approved_at: datetime.datetime

    @staticmethod
    def resolve_member_name(obj: Any) -> str:
        return str(obj.member)


class ExceptionOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    stage: Stage
    until: datetime.date
    reason: str
    granted_at: datetime.datetime

    @staticmethod
    def resolve_unit_name(obj: Any) -> str:
        return str(obj.unit)


class PublicationOut(Schema):
    id: int
    round_id: int
    revision: int = Field(description="1 is the publication; each correction adds one.")
    reason: str
    published_at: datetime.datetime
    published_by_name: str

    @staticmethod
    def resolve_published_by_name(obj: Any) -> str:
        return str(obj.published_by)


class RoundDetailOut(RoundFields):
    appraisers: list[AppraiserOut]
    approvals: list[ApprovalOut]
    publications: list[PublicationOut]
    exceptions: list[ExceptionOut] = Field(
        description="Managers see every exception; a unit sees its own."
    )


class RoundIn(Schema):
    year: int = Field(ge=1990, le=2100, description="The year assessed.")
    name: str = Field(min_length=1, max_length=300)
    criteria_set_ids: list[int] = Field(min_length=1, description="One set per unit group.")
    schedule: Schedule
    unit_ids: list[int] | None = Field(
        None, description="The units in scope; by default every current unit of the sets' groups."
    )
    council_quorum: int = Field(1, ge=1, le=100)


class ExceptionIn(Schema):
    unit_id: int
    stage: Stage
    until: datetime.date
    reason: str = Field(min_length=1, max_length=500)


class AppraiserIn(Schema):
    area_code: str = Field(min_length=1, max_length=30)
    appraiser_id: int


class ApproveIn(Schema):
    comment: str = ""


# Sheets ------------------------------------------------------------------------------


class AreaOut(Schema):
    code: str
    name: str
    points: Points | None
    maximum: Points | None
    index: Points | None = Field(description="Percent of the area's maximum.")


class SheetFields(Schema):
    id: int
    round_id: int
    unit_id: int
    unit_name: str
    criteria_set_id: int
    status: ScoreSheet.Status
    status_label: str
    self_total: Points | None
    self_index: Points | None
    appraised_total: Points | None
    index: Points | None
    maximum: Points | None
    missing: int = Field(description="Criteria not yet scored by the unit.")
    submitted_at: datetime.datetime | None
    explained_at: datetime.datetime | None


class SheetOut(SheetFields):
    @staticmethod
    def resolve_unit_name(obj: ScoreSheet) -> str:
        return str(obj.unit)

    @staticmethod
    def resolve_status_label(obj: ScoreSheet) -> str:
        return str(obj.get_status_display())


class MissingOut(Schema):
    code: str
    name: str
    reason: str


class Declared(Schema):
    numerator: Points | None
    denominator: Points | None
    value: Points | None
    choice: str
    entered_points: Points | None
    not_applicable: bool


class EvidenceOut(Schema):
    id: int
    score_id: int
    stage: str = Field(description="self (with the self-assessment) or explanation.")
    kind: Literal["file", "reference"]
    file_name: str
    file_url: str
    reference_type: str
    reference_id: int | None
    reference_label: str
    reference_url: str
    note: str
    added_at: datetime.datetime
    withdrawn_at: datetime.datetime | None


class ScoreOut(Schema):
    id: int
    criterion_id: int
    code: str
    name: str
    area_code: str
    max_points: Points
    source: str
    kind: str
    method: str
    declared: Declared
    note: str
    metric: Points | None = Field(description="The percent read from cchc or the survey.")
    metric_data: dict[str, Any]
    self_points: Points | None
    round_1_points: Points | None
    round_1_comment: str
    needs_explanation: bool = Field(description="Round 1 asked the unit to explain.")
    explanation: str
    round_2_points: Points | None
    round_2_comment: str
    appraised_points: Points | None = Field(
        description="The latest appraisers' points, falling back to the unit's own."
    )
    evidence: list[EvidenceOut]


class SheetDetailOut(SheetFields):
    areas: list[AreaOut]
    missing_items: list[MissingOut]
    can_self_assess: bool
    can_submit: bool
    appraised_areas: list[str] = Field(description="Area codes the caller appraises on the sheet.")
    scores: list[ScoreOut] = Field(
        description="Every score; an appraiser who is neither a manager nor of the unit gets "
        "the scores of the areas assigned to them."
    )


class SelfScoreIn(Schema):
    """The unit's declaration; only the fields sent change (null clears one)."""

    numerator: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    denominator: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    value: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    choice: str | None = Field(None, max_length=30)
    entered_points: Decimal | None = points_in(default=None)
    not_applicable: bool | None = None
    note: str | None = Field(None, description="Remarks, or why evidence is missing.")


class SurveyIn(Schema):
    points: Decimal | None = points_in("Survey points; null clears them.")


class ReferenceIn(Schema):
    kind: Literal["progress_report", "urging_notice"]
    pk: int
    note: str = Field("", max_length=500)


class AppraisalIn(Schema):
    points: Decimal = points_in()
    comment: str = ""
    needs_explanation: bool = Field(False, description="Round 1: ask the unit to explain.")


class ExplanationIn(Schema):
    explanation: str


# Results -----------------------------------------------------------------------------


class ResultLine(Schema):
    unit_id: int
    unit_name: str
    group: str
    self_total: Points | None
    appraised_total: Points | None
    maximum: Points | None
    index: Points | None
    rank: int | None
    band: str
    areas: list[AreaOut]


class ResultsOut(Schema):
    round_id: int
    published: bool = Field(description="false: provisional figures, before publication.")
    revision: int | None
    reason: str
    published_at: datetime.datetime | None
    lines: list[ResultLine]


class ScorecardOut(Schema):
    sheet_id: int
    round_id: int
    unit_id: int
    unit_name: str
    group: str
    status: ScoreSheet.Status
    published: bool
    revision: int | None
    self_total: Points | None
    self_index: Points | None
    appraised_total: Points | None
    maximum: Points | None
    index: Points | None
    band: str
    rank: int | None = Field(description="Rank in the unit's group; only once published.")
    areas: list[AreaOut]


class CorrectionIn(Schema):
    points: Decimal = points_in()
    reason: str = Field(min_length=1)
