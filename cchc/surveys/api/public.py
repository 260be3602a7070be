"""Surveys API, public side: a unit's form for app and kiosk clients, and submitting to it.

No account (auth=None, so no CSRF either). The same checks as the public page: the body size
(413, before it is read), the rate limit per client (429 with Retry-After), the honeypot
field "website" (pretend success, store nothing), then `submit_response(channel="api")`;
refused answers are a 422 naming each question (field = its code; also "token",
"procedure", "campaign"). Kept lean for the intake benchmark: one query for the unit, its
campaign and version; the version's rules are cached once it is locked.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ValidationError as PydanticValidationError

from .. import abuse
from ..models import CampaignStatus, CampaignUnit
from ..public_form import QuestionView, closed_reason, layout_for, public_target
from ..services.responses import submit_response
from ._common import router


class ErrorBody(Schema):
    code: str
    message: str
    details: list[dict[str, str]] = []


class ErrorOut(Schema):
    error: ErrorBody


class SubmissionIn(Schema):
    answers: dict[str, Any] = Field(..., description="{question code: value}")
    token: str = Field("", max_length=64, description="One-time code from a dossier receipt.")
    procedure_code: str = Field("", max_length=64)
    website: str = Field("", description="Leave empty (a trap for robots).")


class AcceptedOut(Schema):
    accepted: bool


class ChoiceOut(Schema):
    value: int
    name: str
    label: str


class ConditionOut(Schema):
    question: str
    values: list[int]


class QuestionOut(Schema):
    number: int
    code: str
    text: str
    hint: str
    kind: str
    required: bool
    choices: list[ChoiceOut]
    max_picks: int | None
    min_value: str | None
    max_value: str | None
    max_length: int
    show_if: ConditionOut | None


class SectionOut(Schema):
    code: str
    title: str
    description: str
    questions: list[QuestionOut]


class ProcedureOut(Schema):
    code: str
    name: str


class PublicFormOut(Schema):
    code: str
    unit: str
    campaign: str
    starts_on: datetime.date
    ends_on: datetime.date
    collecting: bool
    tokens_required: bool
    procedures: list[ProcedureOut]
    sections: list[SectionOut]


def _question(q: QuestionView) -> dict[str, Any]:
    condition = q.condition
    return {
        "number": q.number,
        "code": q.code,
        "text": q.text,
        "hint": q.hint,
        "kind": q.kind,
        "required": q.required,
        "choices": [{"value": c.value, "name": c.name, "label": str(c.label)} for c in q.choices],
        "max_picks": q.max_picks,
        "min_value": None if q.min_value is None else str(q.min_value),
        "max_value": None if q.max_value is None else str(q.max_value),
        "max_length": q.max_length,
        "show_if": condition and {"question": condition.code, "values": list(condition.values)},
    }


def _procedures(target: CampaignUnit) -> list[dict[str, str]]:
    return [
        {"code": str(p.get("code", "")), "name": str(p.get("name", p.get("code", "")))}
        for p in target.campaign.procedures
    ]


@router.get(
    "/public/{code}",
    response={200: PublicFormOut, 404: ErrorOut},
    auth=None,
    operation_id="surveys_public_form",
    summary="The public form of a surveyed unit (no account needed)",
)
def public_form(request: HttpRequest, code: str) -> dict[str, Any]:
    """The form of a unit's short code: a draft campaign's form is not public (404)."""
    target = public_target(code)
    campaign = target.campaign
    if campaign.status == CampaignStatus.DRAFT:
        raise Http404
    layout = layout_for(campaign.version)
    return {
        "code": target.code,
        "unit": target.unit.name,
        "campaign": campaign.name,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "collecting": not closed_reason(campaign, timezone.localdate()),
        "tokens_required": campaign.tokens_required,
        "procedures": _procedures(target),
        "sections": [
            {
                "code": s.code,
                "title": s.title,
                "description": s.description,
                "questions": [_question(q) for q in s.questions],
            }
            for s in layout.sections
        ],
    }


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": []}}


def _payload(request: HttpRequest) -> SubmissionIn:
    """The body, read only now (after the size check), as a `SubmissionIn`."""
    try:
        data = json.loads(request.body or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise NinjaValidationError(
            [{"loc": ("body", "payload"), "msg": _("The body is not valid JSON.")}]
        ) from error
    try:
        return SubmissionIn.model_validate(data)
    except PydanticValidationError as error:
        raise NinjaValidationError(
            [{"loc": ("body", "payload", *e["loc"]), "msg": e["msg"]} for e in error.errors()]
        ) from error


@router.post(
    "/public/{code}/responses",
    response={201: AcceptedOut, 404: ErrorOut, 413: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    auth=None,
    operation_id="surveys_public_submit",
    summary="Submit one anonymous response to a unit's public form",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": SubmissionIn.model_json_schema()}},
        }
    },
)
def public_submit(request: HttpRequest, code: str, response: HttpResponse) -> Any:
    target = public_target(code)
    refused = abuse.refusal(request, target)
    if refused is not None:
        if refused.retry_after is not None:
            response["Retry-After"] = str(refused.retry_after)
        return Status(refused.status, _error(refused.kind, refused.message))
    payload = _payload(request)
    if abuse.is_bot(payload.website):
        abuse.note(target.campaign_id, "honeypot")
        return Status(201, {"accepted": True})
    submit_response(
        target,
        payload.answers,
        channel="api",
        token=payload.token,
        procedure_code=payload.procedure_code.strip(),
    )
    return Status(201, {"accepted": True})
