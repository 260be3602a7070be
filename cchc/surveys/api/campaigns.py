"""Surveys API: campaigns (list, read with progress, create, change, units and quotas, open,
close), one-time tokens (issue, counts) and the sample-size calculator.

The same services and rules as the pages: a campaign the caller may not see is 404;
creating, changing, opening and closing are the secretariat's (403 otherwise); tokens are
issued by the secretariat or, for their own unit, its focal point / head. Refused data is
422 in the API's error shape. Margins of error are fractions here (0.05 for 5 %).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from pydantic import PlainSerializer, WithJsonSchema

from cchc.units.models import Unit

from .. import queries
from ..calculations import ElementMethod
from ..models import Campaign, CampaignStatus
from ..services import campaigns as services
from ..services import tokens
from ._common import get_campaign, router

PAGE = 50
# e as a string with three decimals ("0.050"), the precision it is stored with.
Margin = Annotated[
    Decimal,
    PlainSerializer(lambda value: f"{Decimal(value):.3f}", return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^0\.\d{3}$"}),
]


# Schemas ------------------------------------------------------------------------------------


class Procedure(Schema):
    code: str = Field(max_length=64)
    name: str = ""


class CampaignOut(Schema):
    id: int
    code: str
    name: str
    version_id: int
    version_title: str
    starts_on: datetime.date
    ends_on: datetime.date
    status: CampaignStatus
    element_method: ElementMethod = Field(description="How element and overall indices form.")
    min_n: int
    margin: Margin = Field(description="Margin of error e as a fraction (0.050 = 5 %).")
    weighted: bool
    tokens_required: bool
    double_entry: bool
    procedures: list[Procedure]
    notes: str
    is_demo: bool
    opened_at: datetime.datetime | None
    closed_at: datetime.datetime | None

    @staticmethod
    def resolve_version_title(obj: Campaign | dict[str, Any]) -> str:
        if isinstance(obj, dict):  # a detail already read (see `_detail`)
            return str(obj["version_title"])
        return str(obj.version)


class ProgressOut(Schema):
    unit_id: int
    unit_code: str
    unit_name: str
    code: str = Field(description="The short public code: the form is at /s/<code>/.")
    public_path: str
    population: int | None
    population_source: str = Field(description='"entered", "data" (counted) or "" (unknown).')
    suggested: int | None = Field(description="n = N / (1 + N e^2), rounded up.")
    quota: int | None
    target: int | None = Field(description="The quota, else the suggested sample.")
    received: int = Field(description="Valid responses.")
    percent: int | None
    under_quota: bool
    last_hour: datetime.datetime | None


class TotalsOut(Schema):
    received: int
    target: int | None
    under_quota: int


class CampaignDetailOut(CampaignOut):
    units: list[ProgressOut] = Field(description="Focal points see their own units only.")
    totals: TotalsOut


class CampaignIn(Schema):
    code: str = Field(max_length=64)
    name: str = Field(max_length=300)
    version_id: int
    starts_on: datetime.date
    ends_on: datetime.date
    element_method: ElementMethod = ElementMethod.MEAN_OF_CRITERIA
    min_n: int = Field(30, ge=1, le=100_000)
    margin: Decimal = Field(Decimal("0.05"), gt=0, le=Decimal("0.5"), decimal_places=3)
    weighted: bool = False
    tokens_required: bool = False
    double_entry: bool = False
    procedures: list[Procedure] = Field(default_factory=list, max_length=500)
    notes: str = ""


class CampaignPatch(Schema):
    """Only the fields sent are changed (while open: name, notes, a later end date)."""

    code: str | None = Field(None, max_length=64)
    name: str | None = Field(None, max_length=300)
    version_id: int | None = None
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    element_method: ElementMethod | None = None
    min_n: int | None = Field(None, ge=1, le=100_000)
    margin: Decimal | None = Field(None, gt=0, le=Decimal("0.5"), decimal_places=3)
    weighted: bool | None = None
    tokens_required: bool | None = None
    double_entry: bool | None = None
    procedures: list[Procedure] | None = Field(None, max_length=500)
    notes: str | None = None


class UnitRowIn(Schema):
    unit_id: int
    population: int | None = Field(None, ge=0, le=100_000_000)
    quota: int | None = Field(None, ge=1, le=1_000_000)


class UnitsIn(Schema):
    units: list[UnitRowIn] = Field(max_length=5000)


class TokensIn(Schema):
    count: int = Field(ge=1, le=tokens.MAX_TOKENS)
    unit_id: int | None = Field(None, description="Empty: valid at any unit (secretariat).")
    batch: str = Field("", max_length=tokens.MAX_BATCH_LABEL)


class TokenOut(Schema):
    code: str
    path: str = Field(description='The short link, "" for tokens valid at any unit.')


class TokensOut(Schema):
    batch: str
    unit_id: int | None
    count: int
    tokens: list[TokenOut]


class TokenCountOut(Schema):
    unit_id: int | None
    unit_name: str
    issued: int
    used: int


class SampleOut(Schema):
    population: int
    margin: Margin
    sample: int = Field(description="n = N / (1 + N e^2), rounded up.")


# Reading ------------------------------------------------------------------------------------


def _detail(campaign: Campaign, user: Any) -> dict[str, Any]:
    rows = queries.campaign_progress(campaign, queries.visible_unit_ids(user))
    units = [
        {
            "unit_id": r.unit.pk,
            "unit_code": r.unit.code,
            "unit_name": r.unit.name,
            "code": r.code,
            "public_path": f"/s/{r.code}/",
            "population": r.population,
            "population_source": r.population_source,
            "suggested": r.suggested,
            "quota": r.quota,
            "target": r.target,
            "received": r.received,
            "percent": r.percent,
            "under_quota": r.under_quota,
            "last_hour": r.last_hour,
        }
        for r in rows
    ]
    return CampaignOut.from_orm(campaign).dict() | {
        "units": units,
        "totals": queries.totals(rows),
    }


@router.get(
    "/campaigns",
    response=list[CampaignOut],
    operation_id="surveys_campaign_list",
    summary="List survey campaigns",
)
@paginate(PageNumberPagination, page_size=PAGE)
def campaign_list(request: HttpRequest) -> Any:
    """The campaigns the caller may see, newest first."""
    return Campaign.objects.visible_to(request.user).select_related("version")


@router.get(
    "/campaigns/{int:campaign_id}",
    response=CampaignDetailOut,
    operation_id="surveys_campaign_get",
    summary="Read a campaign with its units and progress against quota",
)
def campaign_get(request: HttpRequest, campaign_id: int) -> Any:
    return _detail(get_campaign(request, campaign_id), request.user)


# Writing ------------------------------------------------------------------------------------


def _settings(data: dict[str, Any]) -> dict[str, Any]:
    if "version_id" in data:
        data["version"] = data.pop("version_id")
    return data


@router.post(
    "/campaigns",
    response={201: CampaignDetailOut},
    operation_id="surveys_campaign_create",
    summary="Create a campaign (draft, secretariat)",
)
def campaign_create(request: HttpRequest, payload: CampaignIn) -> Any:
    created = services.create_campaign(by=request.user, **_settings(payload.dict()))
    return Status(201, _detail(created, request.user))


@router.patch(
    "/campaigns/{int:campaign_id}",
    response=CampaignDetailOut,
    operation_id="surveys_campaign_update",
    summary="Change a campaign's settings (secretariat)",
)
def campaign_update(request: HttpRequest, campaign_id: int, payload: CampaignPatch) -> Any:
    campaign = get_campaign(request, campaign_id)
    changes = _settings(payload.dict(exclude_unset=True))
    saved = services.update_campaign(campaign, by=request.user, **changes)
    return _detail(saved, request.user)


def _rows(rows: list[UnitRowIn]) -> list[services.UnitRow]:
    units = Unit.objects.in_bulk([r.unit_id for r in rows])
    missing = sorted({r.unit_id for r in rows} - set(units))
    if missing:
        raise ValidationError(
            {"units": _("No such unit: %(ids)s.") % {"ids": ", ".join(map(str, missing))}}
        )
    return [(units[r.unit_id], r.population, r.quota) for r in rows]


@router.put(
    "/campaigns/{int:campaign_id}/units",
    response=CampaignDetailOut,
    operation_id="surveys_campaign_set_units",
    summary="Set the surveyed units with their population N and quota (secretariat)",
)
def campaign_set_units(request: HttpRequest, campaign_id: int, payload: UnitsIn) -> Any:
    """The whole list: units missing from it are removed (draft only)."""
    campaign = get_campaign(request, campaign_id)
    services.set_units(campaign, _rows(payload.units), by=request.user)
    return _detail(campaign, request.user)


@router.post(
    "/campaigns/{int:campaign_id}/suggested-quotas",
    response=CampaignDetailOut,
    operation_id="surveys_campaign_apply_suggested_quotas",
    summary="Set each unit's quota to its suggested sample (secretariat)",
)
def campaign_apply_quotas(request: HttpRequest, campaign_id: int) -> Any:
    campaign = get_campaign(request, campaign_id)
    services.apply_suggested_quotas(campaign, by=request.user)
    return _detail(campaign, request.user)


@router.post(
    "/campaigns/{int:campaign_id}/open",
    response=CampaignDetailOut,
    operation_id="surveys_campaign_open",
    summary="Open a draft campaign; locks its questionnaire version (secretariat)",
)
def campaign_open(request: HttpRequest, campaign_id: int) -> Any:
    opened = services.open_campaign(get_campaign(request, campaign_id), by=request.user)
    return _detail(opened, request.user)


@router.post(
    "/campaigns/{int:campaign_id}/close",
    response=CampaignDetailOut,
    operation_id="surveys_campaign_close",
    summary="Close an open campaign (secretariat)",
)
def campaign_close(request: HttpRequest, campaign_id: int) -> Any:
    closed = services.close_campaign(get_campaign(request, campaign_id), by=request.user)
    return _detail(closed, request.user)


# Tokens -------------------------------------------------------------------------------------


@router.post(
    "/campaigns/{int:campaign_id}/tokens",
    response={201: TokensOut},
    operation_id="surveys_campaign_generate_tokens",
    summary="Issue one-time tokens (secretariat, or a unit's focal point for their unit)",
)
def campaign_generate_tokens(request: HttpRequest, campaign_id: int, payload: TokensIn) -> Any:
    campaign = get_campaign(request, campaign_id)
    unit = None
    if payload.unit_id is not None:
        unit = Unit.objects.filter(pk=payload.unit_id).first()
        if unit is None:
            raise ValidationError({"unit_id": _("No such unit.")})
    issued = tokens.generate_tokens(
        campaign, count=payload.count, unit=unit, batch=payload.batch, by=request.user
    )
    links = tokens.links_for(issued)
    body = {
        "batch": issued[0].batch,
        "unit_id": payload.unit_id,
        "count": len(issued),
        "tokens": [{"code": t.code, "path": links.get(t.pk, "")} for t in issued],
    }
    return Status(201, body)


@router.get(
    "/campaigns/{int:campaign_id}/tokens",
    response=list[TokenCountOut],
    operation_id="surveys_campaign_token_stats",
    summary="Tokens issued and used per unit",
)
def campaign_token_stats(request: HttpRequest, campaign_id: int) -> Any:
    campaign = get_campaign(request, campaign_id)
    unit_ids = tokens.require_token_units(request.user, campaign)
    return tokens.token_stats(tokens.tokens_of(campaign, unit_ids))


# The calculator -----------------------------------------------------------------------------


class SampleQuery(Schema):
    population: int = Field(description="N: the unit's transactions in the period.")
    margin: Decimal = Field(Decimal("0.05"), description="e as a fraction (0.05 = 5 %).")


@router.get(
    "/sample-size",
    response=SampleOut,
    operation_id="surveys_campaign_sample_size",
    summary="Sample size n = N / (1 + N e^2) for a population N and a margin of error e",
)
def campaign_sample_size(request: HttpRequest, params: Query[SampleQuery]) -> Any:
    sample = services.sample_for(params.population, params.margin)
    return {"population": params.population, "margin": params.margin, "sample": sample}
