"""Surveys API, staff side: responses (list, read, invalidate, duplicates), paper entry
(type, forms to finish, compare two typings, settle) and importing a file of responses.

The same services and rules as the pages: campaigns and responses the caller may not see are
404; typing, importing and reading raw responses need the secretariat or the unit's own focal
point / head (403 otherwise); invalidating and the duplicates report are the secretariat's.
"""

import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from cchc.accounts.access import require

from ..models import Campaign, Channel, PaperEntry, Response
from ..services import entry as services
from ..services.importing import ImportReport, import_responses
from ..services.responses import invalidate_response
from ._common import get_campaign, router

PAGE = 50


class Problem(Schema):
    field: str = ""
    message: str
    file: str | None = Field(None, description="Imports: the file name.")
    row: int | None = Field(None, description="Imports: the row in the sheet (header = 1).")
    column: str | None = Field(None, description="Imports: the column (question code).")
    reason: str | None = Field(None, description="Imports: what is wrong.")


class ErrorBody(Schema):
    code: str
    message: str
    details: list[Problem] = []


class ErrorOut(Schema):
    error: ErrorBody


ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def answers(schema: Any, status: int = 200) -> dict[int, Any]:
    return {status: schema, **ERRORS}


class ResponseOut(Schema):
    id: int
    campaign_id: int
    unit_id: int
    unit_code: str
    procedure_code: str
    channel: Channel
    submitted_hour: datetime.datetime
    answers: dict[str, Any]
    is_valid: bool
    invalid_reason: str
    invalidated_at: datetime.datetime | None
    invalidated_by: str | None
    entered_by: str | None
    verified_by: str | None
    paper_serial: str
    import_batch: str

    @staticmethod
    def resolve_unit_code(obj: Response) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_invalidated_by(obj: Response) -> str | None:
        return str(obj.invalidated_by) if obj.invalidated_by_id else None

    @staticmethod
    def resolve_entered_by(obj: Response) -> str | None:
        return str(obj.entered_by) if obj.entered_by_id else None

    @staticmethod
    def resolve_verified_by(obj: Response) -> str | None:
        return str(obj.verified_by) if obj.verified_by_id else None


class ResponseFilter(Schema):
    unit_id: int | None = None
    channel: Channel | None = None
    valid: bool | None = None
    since: datetime.datetime | None = Field(None, description="From this hour (inclusive).")
    until: datetime.datetime | None = Field(None, description="Up to this hour (inclusive).")


class ReasonIn(Schema):
    reason: str = Field(..., max_length=1000)


class PaperIn(Schema):
    unit_id: int
    serial: str = Field(..., max_length=64, description="The number on the paper form.")
    procedure_code: str = Field("", max_length=64)
    answers: dict[str, Any] = Field(..., description="{question code: value}")


class PaperOut(Schema):
    status: str = Field(
        ...,
        description="entered (a response), waiting (for the 2nd entry), "
        "differs (the two entries differ: compare and settle)",
    )
    unit_id: int
    serial: str
    entry_no: int | None
    response_id: int | None


class DiffOut(Schema):
    code: str
    text: str
    first: str
    second: str
    first_value: Any
    second_value: Any
    same: bool


class CompareOut(Schema):
    unit_id: int
    serial: str
    lines: list[DiffOut]


class SettleIn(Schema):
    unit_id: int
    serial: str = Field(..., max_length=64)
    choices: dict[str, int] = Field(
        ..., description='{question code (or "procedure"): 1 or 2, the entry to keep}'
    )


class PendingOut(Schema):
    unit_id: int
    serial: str
    status: str
    first_entered_by: str
    first_entered_at: datetime.datetime
    second_entered_by: str | None
    second_entered_at: datetime.datetime | None
    first_entry_id: int


class IgnoredOut(Schema):
    name: str
    reason: str


class ImportOut(Schema):
    file: str
    batch: str
    rows: int
    imported: int
    by_unit: dict[str, int]
    ignored_columns: list[IgnoredOut]


class DuplicateOut(Schema):
    fingerprint: str
    unit_id: int
    procedure_code: str
    submitted_hour: datetime.datetime
    count: int
    response_ids: list[int]


# Helpers ---------------------------------------------------------------------------------


def _entering(request: HttpRequest, campaign_id: int) -> Campaign:
    campaign = get_campaign(request, campaign_id)
    require(services.may_enter_any(campaign, request.user))
    return campaign


def _responses(request: HttpRequest) -> Any:
    related = ("unit", "entered_by", "verified_by", "invalidated_by")
    return Response.objects.visible_to(request.user).select_related(*related)


def _paper_out(outcome: PaperEntry | Response, unit_id: int, serial: str) -> dict[str, Any]:
    if isinstance(outcome, Response):
        status, entry_no, response_id = services.EntryStatus.ENTERED, None, outcome.pk
    else:
        entry_no, response_id = outcome.entry_no, None
        status = services.EntryStatus.WAITING if entry_no == 1 else services.EntryStatus.DIFFERS
    return {
        "status": status,
        "unit_id": unit_id,
        "serial": serial.strip(),
        "entry_no": entry_no,
        "response_id": response_id,
    }


def _refused_import(report: ImportReport) -> dict[str, Any]:
    details = [
        {
            "field": p.column,
            "message": str(p),
            "file": p.file,
            "row": p.row,
            "column": p.column,
            "reason": p.reason,
        }
        for p in report.problems
    ]
    message = _("The file has problems; nothing was saved.")
    return {"error": {"code": "invalid", "message": message, "details": details}}


# Responses -------------------------------------------------------------------------------


@router.get(
    "/campaigns/{int:campaign_id}/responses",
    response=answers(list[ResponseOut]),
    operation_id="surveys_response_list",
    summary="List a campaign's responses (anonymous)",
)
@paginate(PageNumberPagination, page_size=PAGE)
def response_list(request: HttpRequest, campaign_id: int, filters: Query[ResponseFilter]) -> Any:
    """The secretariat sees every unit's responses, a unit's focal point or head their own."""
    campaign = _entering(request, campaign_id)
    return services.filter_responses(
        _responses(request).filter(campaign=campaign),
        unit_id=filters.unit_id,
        channel=filters.channel or "",
        valid=filters.valid,
        since=filters.since,
        until=filters.until,
    )


@router.get(
    "/campaigns/{int:campaign_id}/responses/duplicates",
    response=answers(list[DuplicateOut]),
    operation_id="surveys_response_duplicates",
    summary="Groups of identical valid responses (same unit, procedure, hour, answers)",
)
def response_duplicates(request: HttpRequest, campaign_id: int) -> Any:
    campaign = get_campaign(request, campaign_id)
    return [
        {**group, "response_ids": [r.pk for r in group["responses"]]}
        for group in services.duplicate_groups(campaign, request.user)
    ]


@router.get(
    "/responses/{int:response_id}",
    response=answers(ResponseOut),
    operation_id="surveys_response_get",
    summary="One response",
)
def response_get(request: HttpRequest, response_id: int) -> Any:
    return get_object_or_404(_responses(request), pk=response_id)


@router.post(
    "/responses/{int:response_id}/invalidate",
    response=answers(ResponseOut),
    operation_id="surveys_response_invalidate",
    summary="Invalidate a response, with a reason (secretariat)",
)
def response_invalidate(request: HttpRequest, response_id: int, payload: ReasonIn) -> Any:
    """The response stays, out of every count; its answers are never changed."""
    response = get_object_or_404(_responses(request), pk=response_id)
    invalidate_response(response, reason=payload.reason, by=request.user)
    return get_object_or_404(_responses(request), pk=response_id)


@router.post(
    "/campaigns/{int:campaign_id}/responses/import",
    response=answers(ImportOut, 201),
    operation_id="surveys_response_import",
    summary="Import responses from a CSV or XLSX file (e.g. a KoboToolbox export)",
)
def response_import(request: HttpRequest, campaign_id: int, file: File[UploadedFile]) -> Any:
    """All or nothing: a refused file is 422 with one detail per problem (`file`, `row`,
    `column`, `reason`) and nothing is saved."""
    campaign = _entering(request, campaign_id)
    report = import_responses(campaign, file, by=request.user)
    if not report.ok:
        return Status(422, _refused_import(report))
    ignored = [{"name": c.name, "reason": c.reason} for c in report.ignored]
    out = {
        "file": report.file,
        "batch": report.batch,
        "rows": report.rows,
        "imported": report.imported,
        "by_unit": report.by_unit,
        "ignored_columns": ignored,
    }
    return Status(201, out)


# Paper entry -----------------------------------------------------------------------------


@router.post(
    "/campaigns/{int:campaign_id}/paper",
    response=answers(PaperOut, 201),
    operation_id="surveys_paper_entry",
    summary="Type a paper form (first or second entry)",
)
def paper_entry(request: HttpRequest, campaign_id: int, payload: PaperIn) -> Any:
    """With double entry the second typing must come from someone else; the answers of the
    first are never returned before the second is made."""
    campaign = _entering(request, campaign_id)
    target = services.check_unit(campaign, payload.unit_id)
    outcome = services.enter_paper(
        target,
        payload.serial,
        payload.answers,
        by=request.user,
        procedure_code=payload.procedure_code,
    )
    return Status(201, _paper_out(outcome, payload.unit_id, payload.serial))


@router.get(
    "/campaigns/{int:campaign_id}/paper/pending",
    response=answers(list[PendingOut]),
    operation_id="surveys_paper_pending",
    summary="Paper forms waiting for their second entry or to be settled",
)
def paper_pending(request: HttpRequest, campaign_id: int) -> Any:
    campaign = _entering(request, campaign_id)
    return [
        {
            "unit_id": row["unit"].pk,
            "serial": row["serial"],
            "status": row["status"],
            "first_entered_by": str(row["first"].entered_by),
            "first_entered_at": row["first"].entered_at,
            "second_entered_by": str(row["second"].entered_by) if row["second"] else None,
            "second_entered_at": row["second"].entered_at if row["second"] else None,
            "first_entry_id": row["first"].pk,
        }
        for row in services.pending(campaign, request.user)
    ]


@router.get(
    "/campaigns/{int:campaign_id}/paper/compare",
    response=answers(CompareOut),
    operation_id="surveys_paper_compare",
    summary="Both entries of a paper form, question by question",
)
def paper_compare(request: HttpRequest, campaign_id: int, unit_id: int, serial: str) -> Any:
    """Only once both entries are made (422 before: the second typing is blind)."""
    campaign = _entering(request, campaign_id)
    target = services.check_unit(campaign, unit_id)
    lines = services.compare(target, serial, by=request.user)
    return {"unit_id": unit_id, "serial": serial.strip(), "lines": lines}


@router.post(
    "/campaigns/{int:campaign_id}/paper/settle",
    response=answers(ResponseOut, 201),
    operation_id="surveys_paper_settle",
    summary="Settle the differences between two entries and save the response",
)
def paper_settle(request: HttpRequest, campaign_id: int, payload: SettleIn) -> Any:
    campaign = _entering(request, campaign_id)
    target = services.check_unit(campaign, payload.unit_id)
    response = services.settle(target, payload.serial, payload.choices, by=request.user)
    return Status(201, get_object_or_404(_responses(request), pk=response.pk))
