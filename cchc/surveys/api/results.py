"""Surveys API: results — a campaign's figures (province, levels, procedures), a unit's
figures, the ranking and the trend across campaigns.

The same rules as the pages: a campaign the caller may not see is 404; province-wide roles
read every unit and the ranking; a unit's focal point or head reads the province figures and
their own units only (other units and the ranking are 404). A figure on fewer answers than
the campaign's minimum n is returned as `value: null` with `sufficient: false` and its n, as
the pages show "insufficient sample".
"""

from __future__ import annotations

import datetime
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Schema

from cchc.accounts.access import Access

from ..calculations import Result
from ..results.figures import ChoiceShare, GroupResult, Weighting
from ..results.indices import CampaignResults, sees_unit
from ..results.ranking import ranking, trend, trend_campaigns
from ._common import get_campaign, router

# Schemas ------------------------------------------------------------------------------------


class FigureOut(Schema):
    value: Decimal | None
    n: int
    low: Decimal | None = None
    high: Decimal | None = None
    sufficient: bool


class CriterionOut(Schema):
    code: str
    text: str
    result: FigureOut


class ElementOut(Schema):
    code: str
    title: str
    result: FigureOut
    criteria: list[CriterionOut]


class ShareOut(Schema):
    name: str
    label: str
    count: int
    result: FigureOut


class ExpectationOut(Schema):
    code: str
    text: str
    respondents: int
    shares: list[ShareOut]


class WeightOut(Schema):
    unit_id: int
    unit_name: str
    population: int | None
    share: Decimal | None


class WeightingOut(Schema):
    applied: bool
    weights: list[WeightOut]
    without_population: list[str]
    without_index: list[str]


class GroupOut(Schema):
    level: str
    key: str
    label: str
    code: str
    responses: int
    target: int | None
    min_n: int
    insufficient: bool
    under_quota: bool
    overall: FigureOut
    elements: list[ElementOut]
    expectations: list[ExpectationOut]
    weighting: WeightingOut | None = None


class CampaignResultsOut(Schema):
    campaign_id: int
    code: str
    element_method: str
    weighted: bool
    min_n: int
    method_statement: str
    province: GroupOut
    levels: list[GroupOut]
    procedures: list[GroupOut]


class UnitResultsOut(Schema):
    campaign_id: int
    method_statement: str
    unit: GroupOut
    province: GroupOut


class RankLineOut(Schema):
    rank: int | None
    unit_id: int
    unit_name: str
    responses: int
    target: int | None
    insufficient: bool
    under_quota: bool
    overall: FigureOut


class RankingOut(Schema):
    campaign_id: int
    method_statement: str
    lines: list[RankLineOut]


class TrendPointOut(Schema):
    campaign_id: int
    code: str
    name: str
    ends_on: datetime.date
    responses: int
    insufficient: bool
    overall: FigureOut
    elements: dict[str, FigureOut]


class TrendOut(Schema):
    unit_id: int | None
    elements: dict[str, str]
    points: list[TrendPointOut]


# Converters ---------------------------------------------------------------------------------


def figure(result: Result, group: GroupResult) -> dict[str, Any]:
    shown = group.shows(result)
    return {
        "value": result.value if shown else None,
        "n": result.n,
        "low": result.low if shown else None,
        "high": result.high if shown else None,
        "sufficient": shown,
    }


def _weighting(weighting: Weighting | None) -> dict[str, Any] | None:
    if weighting is None:
        return None
    return {
        "applied": weighting.applied,
        "weights": [asdict(w) for w in weighting.weights],
        "without_population": list(weighting.without_population),
        "without_index": list(weighting.without_index),
    }


def _share(share: ChoiceShare, g: GroupResult) -> dict[str, Any]:
    return {
        "name": share.name,
        "label": share.label,
        "count": share.count,
        "result": figure(share.result, g),
    }


def group_out(g: GroupResult) -> dict[str, Any]:
    return {
        "level": g.level,
        "key": str(g.key),
        "label": g.label,
        "code": g.code,
        "responses": g.responses,
        "target": g.target,
        "min_n": g.min_n,
        "insufficient": g.insufficient,
        "under_quota": g.under_quota,
        "overall": figure(g.overall, g),
        "elements": [
            {
                "code": e.code,
                "title": e.title,
                "result": figure(e.result, g),
                "criteria": [
                    {"code": c.code, "text": c.text, "result": figure(c.result, g)}
                    for c in e.criteria
                ],
            }
            for e in g.elements
        ],
        "expectations": [
            {
                "code": x.code,
                "text": x.text,
                "respondents": x.respondents,
                "shares": [_share(s, g) for s in x.shares],
            }
            for x in g.expectations
        ],
        "weighting": _weighting(g.weighting),
    }


def _province_out(results: CampaignResults, access: Access) -> dict[str, Any]:
    """The province's figures; a unit's people see the weights of their own units only."""
    province = group_out(results.province)
    weighting = province["weighting"]
    if weighting is not None and not access.sees_all_units:
        own = access.own_unit_ids
        province["weighting"] = {
            **weighting,
            "weights": [w for w in weighting["weights"] if w["unit_id"] in own],
            "without_population": [],
            "without_index": [],
        }
    return province


# Lookups ------------------------------------------------------------------------------------


def _check_unit(request: HttpRequest, unit_id: int) -> None:
    if not sees_unit(request.user.access, unit_id):
        raise Http404


# Endpoints ----------------------------------------------------------------------------------


@router.get(
    "/campaigns/{int:campaign_id}/results",
    response=CampaignResultsOut,
    operation_id="surveys_results_campaign",
    summary="A campaign's indices: province, levels and procedures, with the method",
)
def results_campaign(request: HttpRequest, campaign_id: int) -> Any:
    campaign = get_campaign(request, campaign_id)
    results = CampaignResults(campaign)
    access = request.user.access
    return {
        "campaign_id": campaign.pk,
        "code": campaign.code,
        "element_method": campaign.element_method,
        "weighted": campaign.weighted,
        "min_n": campaign.min_n,
        "method_statement": results.method_statement,
        "province": _province_out(results, access),
        "levels": [group_out(g) for g in results.levels_for(access)],
        # A procedure answered in one unit only would disclose it: province-wide roles only.
        "procedures": [group_out(g) for g in results.procedures] if access.sees_all_units else [],
    }


@router.get(
    "/campaigns/{int:campaign_id}/results/units/{int:unit_id}",
    response=UnitResultsOut,
    operation_id="surveys_results_unit",
    summary="A unit's indices in a campaign, with the province's for comparison",
)
def results_unit(request: HttpRequest, campaign_id: int, unit_id: int) -> Any:
    campaign = get_campaign(request, campaign_id)
    _check_unit(request, unit_id)
    results = CampaignResults(campaign)
    group = results.unit(unit_id)
    if group is None:
        raise Http404
    return {
        "campaign_id": campaign.pk,
        "method_statement": results.method_statement,
        "unit": group_out(group),
        "province": _province_out(results, request.user.access),
    }


@router.get(
    "/campaigns/{int:campaign_id}/results/ranking",
    response=RankingOut,
    operation_id="surveys_results_ranking",
    summary="The surveyed units by overall index (every surveyed unit, so not paginated)",
)
def results_ranking(request: HttpRequest, campaign_id: int) -> Any:
    campaign = get_campaign(request, campaign_id)
    if not request.user.access.sees_all_units:
        raise Http404
    results = CampaignResults(campaign)
    lines = [
        {
            "rank": line.rank,
            "unit_id": line.group.key,
            "unit_name": line.group.label,
            "responses": line.group.responses,
            "target": line.group.target,
            "insufficient": line.group.insufficient,
            "under_quota": line.group.under_quota,
            "overall": figure(line.group.overall, line.group),
        }
        for line in ranking(results)
    ]
    return {
        "campaign_id": campaign.pk,
        "method_statement": results.method_statement,
        "lines": lines,
    }


@router.get(
    "/campaigns/{int:campaign_id}/results/trend",
    response=TrendOut,
    operation_id="surveys_results_trend",
    summary="Overall and element indices of the province (or a unit) across campaigns",
)
def results_trend(
    request: HttpRequest, campaign_id: int, unit_id: int | None = None, same_family: bool = True
) -> Any:
    """Campaigns up to this one (by end date) that the caller sees, oldest first; of the same
    questionnaire unless `same_family=false`."""
    campaign = get_campaign(request, campaign_id)
    if unit_id is not None:
        _check_unit(request, unit_id)
    chosen = trend_campaigns(campaign, request.user, unit_id=unit_id, same_family=same_family)
    line = trend(chosen, unit_id)
    if unit_id is not None and not line.points:
        raise Http404
    return {
        "unit_id": unit_id,
        "elements": dict(line.elements),
        "points": [
            {
                "campaign_id": p.campaign.pk,
                "code": p.campaign.code,
                "name": p.campaign.name,
                "ends_on": p.campaign.ends_on,
                "responses": p.group.responses,
                "insufficient": p.group.insufficient,
                "overall": figure(p.overall, p.group),
                "elements": {e.code: figure(e.result, p.group) for e in p.group.elements},
            }
            for p in line.points
        ],
    }
