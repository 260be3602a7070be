"""The ranking of a campaign's units and the trend across campaigns."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from cchc.units.models import Unit
from cchc.units.tests.factories import make_unit

from .. import calculations as calc
from ..models import CampaignStatus
from ..results.indices import CampaignResults
from ..results.ranking import ranking, trend, trend_campaigns
from ..services.responses import submit_response
from .factories import full_answers, make_campaign, make_version

pytestmark = pytest.mark.django_db


def answer(campaign, unit, overalls: list[int]) -> None:
    target = campaign.surveyed_units.get(unit=unit)
    for overall in overalls:
        submit_response(target, full_answers(overall=overall, why="x"), channel="paper")


def test_ties_share_a_rank_and_insufficient_units_come_last(
    province, unit_a, unit_b, district, commune
):
    silent = make_unit("Xã Không Trả Lời", kind=Unit.Kind.COMMUNE, parent=district)
    campaign = make_campaign(
        units=[unit_a, unit_b, district, commune, silent],
        min_n=1,
        element_method=calc.ElementMethod.SHARE_ON_QUESTION,
    )
    answer(campaign, unit_a, [5])  # 100
    answer(campaign, unit_b, [4, 2])  # 50
    answer(campaign, district, [5, 1])  # 50
    answer(campaign, commune, [3])  # 0
    lines = ranking(campaign)
    assert [(line.rank, line.group.label) for line in lines] == [
        (1, unit_a.name),
        (2, unit_b.name),
        (2, district.name),
        (4, commune.name),
        (None, silent.name),
    ]
    assert lines[-1].group.insufficient
    assert lines[1].group.overall.value == Decimal("50.00")


def test_a_unit_under_the_minimum_n_is_unranked(unit_a, unit_b):
    campaign = make_campaign(units=[unit_a, unit_b], min_n=2)
    answer(campaign, unit_a, [5, 5])
    answer(campaign, unit_b, [5])
    lines = ranking(CampaignResults(campaign))
    assert [(line.rank, line.group.key) for line in lines] == [(1, unit_a.pk), (None, unit_b.pk)]


def test_trend_across_campaigns_of_the_family(unit_a, admin_user, focal_point):
    version = make_version()
    old = make_campaign(
        version,
        [unit_a],
        code="y25",
        status=CampaignStatus.CLOSED,
        starts_on=datetime.date(2025, 10, 1),
        ends_on=datetime.date(2025, 12, 31),
        min_n=1,
        element_method=calc.ElementMethod.SHARE_ON_QUESTION,
    )
    new = make_campaign(
        version,
        [unit_a],
        code="y26",
        min_n=1,
        element_method=calc.ElementMethod.SHARE_ON_QUESTION,
    )
    other_family = make_campaign(make_version("other"), [unit_a], code="x26", min_n=1)
    answer(old, unit_a, [5, 1])
    answer(new, unit_a, [5, 5, 4, 1])
    chosen = trend_campaigns(new, admin_user, unit_id=unit_a.pk)
    assert chosen == [old, new]
    assert other_family in trend_campaigns(new, admin_user, same_family=False)
    assert trend_campaigns(new, focal_point, unit_id=unit_a.pk) == [old, new]
    line = trend(chosen, unit_a.pk)
    assert line.series("overall") == [Decimal("50.00"), Decimal("75.00")]
    assert [code for code, _title in line.elements] == ["e1", "e2"]
    assert trend(chosen).series("overall") == line.series("overall")  # province = the unit


def test_trend_hides_insufficient_figures(unit_a, admin_user):
    campaign = make_campaign(units=[unit_a], min_n=5)
    answer(campaign, unit_a, [5])
    assert trend([campaign], unit_a.pk).series("overall") == [None]
