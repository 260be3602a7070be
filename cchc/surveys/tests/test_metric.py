"""`surveys.satisfaction`: the unit's overall index, read through the PAR Index metrics."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from cchc.scoring import metrics

from .. import calculations as calc
from ..models import CampaignStatus
from ..services.responses import submit_response
from .factories import full_answers, make_campaign, make_version

pytestmark = pytest.mark.django_db

KEY = "surveys.satisfaction"


def answer(campaign, unit, overalls: list[int]) -> None:
    target = campaign.surveyed_units.get(unit=unit)
    for overall in overalls:
        submit_response(target, full_answers(overall=overall, why="x"), channel="paper")


def campaign_of(version, code, units, status, ends_on=datetime.date(2026, 12, 31), **fields):
    return make_campaign(
        version,
        units,
        code=code,
        status=status,
        starts_on=ends_on - datetime.timedelta(days=60),
        ends_on=ends_on,
        element_method=calc.ElementMethod.SHARE_ON_QUESTION,
        min_n=2,
        **fields,
    )


def test_the_latest_closed_campaign_of_the_year_is_read(unit_a):
    version = make_version()
    early = campaign_of(version, "q2", [unit_a], CampaignStatus.CLOSED, datetime.date(2026, 6, 30))
    late = campaign_of(version, "q3", [unit_a], CampaignStatus.CLOSED, datetime.date(2026, 9, 30))
    still_open = campaign_of(version, "q4", [unit_a], CampaignStatus.OPEN)
    answer(early, unit_a, [1, 1])
    answer(late, unit_a, [5, 4, 2, 1])  # 2 of 4 satisfied
    answer(still_open, unit_a, [5, 5])
    reading = metrics.read(KEY, [unit_a.pk], 2026)[unit_a.pk]
    assert reading.percent == Decimal("50.00")
    assert reading.data == {
        "campaign": "q3",
        "n": 4,
        "index": "overall satisfaction index",
        "method": "share_on_question",
    }


def test_an_open_campaign_is_read_when_none_is_closed(unit_a, unit_b):
    version = make_version()
    campaign = campaign_of(version, "q4", [unit_a, unit_b], CampaignStatus.OPEN)
    draft = campaign_of(version, "draft", [unit_b], CampaignStatus.DRAFT)
    answer(campaign, unit_a, [5, 5, 1])
    answer(campaign, unit_b, [2, 2])
    assert draft.status == CampaignStatus.DRAFT
    readings = metrics.read(KEY, [unit_a.pk, unit_b.pk], 2026)
    assert readings[unit_a.pk].percent == calc.quantize(Decimal(200) / 3)
    assert readings[unit_b.pk].percent == Decimal("0.00")
    assert readings[unit_b.pk].data["campaign"] == "q4"


def test_an_insufficient_sample_reads_none_with_a_note(unit_a):
    campaign = campaign_of(make_version(), "q4", [unit_a], CampaignStatus.CLOSED)
    answer(campaign, unit_a, [5])
    reading = metrics.read(KEY, [unit_a.pk], 2026)[unit_a.pk]
    assert reading.percent is None
    assert reading.data["note"] == "insufficient sample"
    assert reading.data["n"] == 1
    assert reading.data["campaign"] == "q4"


def test_no_campaign_in_the_year_is_no_data(unit_a, unit_b):
    version = make_version()
    other_year = campaign_of(
        version, "y25", [unit_a], CampaignStatus.CLOSED, datetime.date(2025, 12, 31)
    )
    answer(other_year, unit_a, [5, 5])
    readings = metrics.read(KEY, [unit_a.pk, unit_b.pk], 2026)
    assert readings[unit_a.pk] == metrics.Reading(None, {"note": "no data"})
    assert readings[unit_b.pk] == metrics.Reading(None, {"note": "no data"})
    assert metrics.read(KEY, [unit_a.pk], 2025)[unit_a.pk].percent == Decimal("100.00")


def test_the_metric_reads_the_campaign_method(unit_a):
    version = make_version()
    campaign = campaign_of(version, "mean", [unit_a], CampaignStatus.CLOSED)
    campaign.element_method = calc.ElementMethod.MEAN_OF_CRITERIA
    campaign.save()
    answer(campaign, unit_a, [5, 5])
    reading = metrics.read(KEY, [unit_a.pk], 2026)[unit_a.pk]
    assert reading.data["method"] == "mean_of_criteria"
    # full_answers: every criterion favourable except none -> 100 on each element
    assert reading.percent == Decimal("100.00")
