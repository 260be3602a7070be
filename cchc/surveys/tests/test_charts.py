"""Server-rendered SVG charts: accessible, no inline style, whiskers for intervals."""

from __future__ import annotations

import datetime
from decimal import Decimal
from xml.etree import ElementTree

import pytest

from .. import charts
from ..models import CampaignStatus
from ..results.indices import CampaignResults
from ..results.ranking import ranking, trend
from ..services.responses import submit_response
from .factories import full_answers, make_campaign

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def test_bars_have_title_desc_and_whiskers_for_an_interval(english):
    svg = charts.index_bars(
        [
            charts.Bar("Tiếp cận <dịch vụ>", Decimal("80"), Decimal("70.1"), Decimal("87.5")),
            charts.Bar("Thủ tục", None, note="insufficient sample"),
        ],
        title="Index per element",
        chart_id="x",
    )
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "Index per element"
    desc = root.find(f"{SVG}desc").text
    assert "Tiếp cận <dịch vụ>: 80,00 % (70,10 % - 87,50 %)." in desc
    assert "Thủ tục: insufficient sample." in desc
    assert len(root.findall(f".//{SVG}g[@class='whisker']")) == 1
    assert len(root.findall(f".//{SVG}rect[@class='bar']")) == 1  # no bar without a figure
    assert "style=" not in svg
    assert "&lt;dịch vụ&gt;" in svg


def test_element_and_criteria_charts_of_a_group(unit_a, english):
    campaign = make_campaign(units=[unit_a], min_n=1)
    submit_response(campaign.surveyed_units.get(unit=unit_a), full_answers(), channel="paper")
    group = CampaignResults(campaign).unit(unit_a.pk)
    elements = parse(charts.element_bars(group, title="E", chart_id="e"))
    assert len(elements.findall(f".//{SVG}rect[@class='bar']")) == 3  # two elements, overall
    criteria = parse(charts.criteria_bars(group, title="C", chart_id="c"))
    assert len(criteria.findall(f".//{SVG}g[@class='whisker']")) == 4


def test_ranking_bars_name_the_rank(unit_a, unit_b, english):
    campaign = make_campaign(units=[unit_a, unit_b], min_n=1)
    submit_response(campaign.surveyed_units.get(unit=unit_a), full_answers(), channel="paper")
    desc = parse(charts.ranking_bars(ranking(campaign), title="R", chart_id="r")).find(f"{SVG}desc")
    assert f"1. {unit_a.name}: 100,00 %." in desc.text
    assert f"{unit_b.name}: insufficient sample." in desc.text


def test_trend_lines_draw_a_line_per_series(unit_a, english):
    old = make_campaign(
        units=[unit_a],
        code="old",
        status=CampaignStatus.CLOSED,
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 3, 31),
        min_n=1,
    )
    new = make_campaign(old.version, [unit_a], code="new", min_n=1)
    for campaign in (old, new):
        submit_response(campaign.surveyed_units.get(unit=unit_a), full_answers(), channel="paper")
    root = parse(charts.trend_lines(trend([old, new], unit_a.pk), title="T", chart_id="t"))
    assert len(root.findall(f".//{SVG}polyline")) == 3  # overall and two elements
    assert "Overall: Khảo sát old 100,00 %, Khảo sát new 100,00 %." in root.find(f"{SVG}desc").text
