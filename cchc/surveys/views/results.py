"""Pages of the survey results: the campaign's figures, the ranking, a unit's scorecard, the
exports (indices, raw responses) and the .docx report.

Who sees what: a campaign is reached through `Campaign.objects.visible_to`. Province-wide
roles see every result; a unit's focal point or head sees the province figures and the
scorecards of their own units, but not the ranking, other units or the report (404). Raw
responses go to the secretariat (all units) and to a unit's focal point or head (their own).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from cchc.core.viewhelpers import DOCX, XLSX, file_response

from .. import charts
from ..models import Campaign, Response
from ..results.figures import GroupResult
from ..results.indices import CampaignResults, sees_unit
from ..results.ranking import ranking, trend, trend_campaigns
from ._common import visible_campaign

CSV = "text/csv; charset=utf-8"
FORMATS = {"xlsx": XLSX, "csv": CSV}


def _require_province_wide(request: HttpRequest) -> None:
    if not request.user.access.sees_all_units:
        raise Http404


def _own_surveyed(request: HttpRequest, results: CampaignResults) -> list:
    own = request.user.access.own_unit_ids
    return [cu for cu in results.surveyed if cu.unit_id in own]


@login_required
def results_campaign(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = visible_campaign(request, pk)
    results = CampaignResults(campaign)
    province = results.province
    sees_all = request.user.access.sees_all_units
    context = {
        "campaign": campaign,
        "results": results,
        "province": province,
        "sees_all": sees_all,
        "levels": results.levels_for(request.user.access),
        "own_units": [] if sees_all else _own_surveyed(request, results),
        "can_export_responses": _may_export_responses(request, results),
        "charts": {
            "elements": charts.element_bars(
                province, title=_("Index per element: province"), chart_id="province-elements"
            ),
            "criteria": charts.criteria_bars(
                province, title=_("Index per criterion: province"), chart_id="province-criteria"
            ),
        },
    }
    return render(request, "surveys/results_campaign.html", context)


@login_required
def results_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = visible_campaign(request, pk)
    _require_province_wide(request)
    results = CampaignResults(campaign)
    lines = ranking(results)
    chart = charts.ranking_bars(lines, title=_("Overall index per unit"), chart_id="ranking")
    context = {
        "campaign": campaign,
        "results": results,
        "lines": lines,
        "chart": chart,
        "sees_all": True,
    }
    return render(request, "surveys/results_ranking.html", context)


def _unit_group(request: HttpRequest, results: CampaignResults, unit_pk: int) -> GroupResult:
    if not sees_unit(request.user.access, unit_pk):
        raise Http404
    group = results.unit(unit_pk)
    if group is None:
        raise Http404
    return group


@login_required
def results_unit(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    campaign = visible_campaign(request, pk)
    results = CampaignResults(campaign)
    group = _unit_group(request, results, unit_pk)
    # By default the same questionnaire (comparable elements); ?all=1 adds the others.
    same_family = request.GET.get("all") != "1"
    chosen = trend_campaigns(campaign, request.user, unit_id=unit_pk, same_family=same_family)
    line = trend(chosen, unit_pk, results)
    context = {
        "same_family": same_family,
        "campaign": campaign,
        "results": results,
        "group": group,
        "sees_all": request.user.access.sees_all_units,
        "province": results.province,
        "comparison": _comparison(group, results.province),
        "trend": line,
        "can_export_responses": _may_export_responses(request, results),
        "charts": {
            "elements": charts.element_bars(
                group, title=_("Index per element: %(unit)s") % {"unit": group.label},
                chart_id="unit-elements",
            ),
            "criteria": charts.criteria_bars(
                group, title=_("Index per criterion: %(unit)s") % {"unit": group.label},
                chart_id="unit-criteria",
            ),
            "trend": charts.trend_lines(
                line, title=_("Across campaigns: %(unit)s") % {"unit": group.label},
                chart_id="unit-trend",
            ) if len(line.points) > 1 else None,
        },
    }  # fmt: skip
    return render(request, "surveys/results_unit.html", context)


def _comparison(group: GroupResult, province: GroupResult) -> list[dict]:
    """The unit's and the province's overall and element figures side by side."""
    rows = [{"label": _("Overall"), "unit": group.overall, "province": province.overall}]
    for element in group.elements:
        theirs = province.element(element.code)
        rows.append(
            {
                "label": element.title,
                "unit": element.result,
                "province": theirs.result if theirs else None,
            }
        )
    return rows


# --- exports ------------------------------------------------------------------------------


@login_required
def results_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    from ..exporting import indices_xlsx, units_csv

    if fmt not in FORMATS:
        raise Http404
    campaign = visible_campaign(request, pk)
    results = CampaignResults(campaign)
    units = results.units_for(request.user.access)
    stem = f"chi-so-hai-long-{campaign.code}"
    if fmt == "csv":
        return file_response(units_csv(results, units), f"{stem}-don-vi.csv", CSV)
    sees_all = request.user.access.sees_all_units
    # A procedure answered in one unit only would disclose that unit: province-wide roles only.
    content = indices_xlsx(
        results,
        units,
        levels=results.levels_for(request.user.access),
        procedures=results.procedures if sees_all else [],
        weights=sees_all,
    )
    return file_response(content, f"{stem}.xlsx", XLSX)


def _response_units(request: HttpRequest, results: CampaignResults) -> set[int]:
    """The surveyed units whose raw responses this person may export."""
    if Campaign.can_manage(request.user):
        return {cu.unit_id for cu in results.surveyed}
    return {cu.unit_id for cu in _own_surveyed(request, results)}


def _may_export_responses(request: HttpRequest, results: CampaignResults) -> bool:
    return bool(_response_units(request, results))


@login_required
def responses_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Raw responses, anonymised: `?invalid=1` adds the invalid ones with their reason,
    `?labels=1` writes answer labels instead of choice names, `?unit=<id>` one unit."""
    from ..exporting import responses_csv, responses_xlsx

    if fmt not in FORMATS:
        raise Http404
    campaign = visible_campaign(request, pk)
    results = CampaignResults(campaign)
    allowed = _response_units(request, results)
    if not allowed:
        raise Http404
    responses = Response.objects.visible_to(request.user).filter(campaign=campaign)
    unit = request.GET.get("unit", "")
    if unit:
        if not unit.isdigit() or int(unit) not in allowed:
            raise Http404
        responses = responses.filter(unit_id=int(unit))
    options = {
        "include_invalid": request.GET.get("invalid") == "1",
        "labels": request.GET.get("labels") == "1",
    }
    stem = f"phieu-khao-sat-{campaign.code}"
    if fmt == "csv":
        return file_response(responses_csv(campaign, responses, **options), f"{stem}.csv", CSV)
    return file_response(responses_xlsx(campaign, responses, **options), f"{stem}.xlsx", XLSX)


@login_required
def results_report(request: HttpRequest, pk: int) -> HttpResponse:
    from ..documents import campaign_docx

    campaign = visible_campaign(request, pk)
    _require_province_wide(request)
    content = campaign_docx(CampaignResults(campaign))
    return file_response(content, f"bao-cao-khao-sat-{campaign.code}.docx", DOCX)


urlpatterns: list[URLPattern] = [
    path("campaigns/<int:pk>/results/", results_campaign, name="results_campaign"),
    path("campaigns/<int:pk>/results/ranking/", results_ranking, name="results_ranking"),
    path("campaigns/<int:pk>/results/units/<int:unit_pk>/", results_unit, name="results_unit"),
    path("campaigns/<int:pk>/results/export.<str:fmt>", results_export, name="results_export"),
    path(
        "campaigns/<int:pk>/responses/export.<str:fmt>",
        responses_export,
        name="responses_export",
    ),
    path("campaigns/<int:pk>/results/report.docx", results_report, name="results_report"),
]
