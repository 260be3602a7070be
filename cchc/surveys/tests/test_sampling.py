"""Sampling: n = N / (1 + N x e^2), the suggested quotas, and the dashboard's read models
(progress against quota per unit, valid responses per day)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cchc.core.models import AuditEvent

from ..models import CampaignStatus
from ..queries import campaign_progress, campaign_summaries, every_day, responses_over_time
from ..services.campaigns import (
    apply_suggested_quotas,
    population_from_data,
    sample_for,
    set_units,
    suggested_sample,
)
from ..services.responses import invalidate_response, submit_response
from .factories import full_answers

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("population", "margin", "expected"),
    [
        (1000, "0.05", 286),  # 1000 / (1 + 1000 x 0.0025) = 285.7, rounded up
        (100, "0.05", 80),
        (10000, "0.05", 385),
        (1000, "0.03", 527),
        (0, "0.05", 0),
    ],
)
def test_sample_size(population, margin, expected):
    assert sample_for(population, Decimal(margin)) == expected


@pytest.mark.parametrize(
    ("population", "margin", "field"),
    [(-1, "0.05", "population"), ("many", "0.05", "population"), (100, "0", "margin")],
)
def test_the_calculator_refuses_bad_input(population, margin, field):
    with pytest.raises(ValidationError) as refused:
        sample_for(population, margin)
    assert set(refused.value.message_dict) == {field}


def test_no_population_is_counted_from_data_yet(unit_a):
    assert (
        population_from_data(unit_a, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)) is None
    )


def test_suggested_quotas_are_applied_where_n_is_known(home_affairs_officer, campaign, target):
    target.population = 1000
    target.save(update_fields=["population"])
    assert suggested_sample(target) == 286
    assert apply_suggested_quotas(campaign, by=home_affairs_officer) == 1
    quotas = {cu.unit.code: cu.quota for cu in campaign.surveyed_units.select_related("unit")}
    assert quotas == {"STP": 286, "SYT": 30, "884": 30}
    assert AuditEvent.objects.get(verb="campaign.quotas_applied").data == {"units": ["STP"]}
    assert apply_suggested_quotas(campaign, by=home_affairs_officer) == 0  # nothing left to do


def test_only_the_secretariat_applies_quotas(focal_point, campaign, target):
    target.population = 1000
    target.save(update_fields=["population"])
    with pytest.raises(PermissionDenied):
        apply_suggested_quotas(campaign, by=focal_point)
    target.refresh_from_db()
    assert target.quota == 30


def submit(target, n, **answers):
    return [submit_response(target, full_answers(**answers), channel="web") for _ in range(n)]


def test_progress_counts_valid_responses_per_unit(
    home_affairs_officer, campaign, target, unit_b, district, django_assert_max_num_queries
):
    set_units(
        campaign,
        [(target.unit, 1000, None), (unit_b, None, 4), (district, None, None)],
        by=home_affairs_officer,
    )
    other = campaign.surveyed_units.get(unit=unit_b)
    submit(target, 3)
    spoilt = submit(other, 5)
    invalidate_response(spoilt[0], reason="Trùng", by=home_affairs_officer)
    with django_assert_max_num_queries(3):
        rows = {row.unit.code: row for row in campaign_progress(campaign)}
    stp, syt, town = rows["STP"], rows["SYT"], rows["884"]
    assert (stp.population, stp.population_source, stp.suggested) == (1000, "entered", 286)
    assert (stp.quota, stp.target, stp.received, stp.percent) == (None, 286, 3, 1)
    assert stp.under_quota
    assert stp.last_hour == timezone.localtime().replace(minute=0, second=0, microsecond=0)
    assert (syt.target, syt.received, syt.percent, syt.under_quota) == (4, 4, 100, False)
    assert (town.target, town.received, town.percent, town.under_quota) == (None, 0, None, False)
    assert town.last_hour is None


def test_progress_limited_to_some_units(campaign, target, unit_b):
    submit(target, 2)
    rows = campaign_progress(campaign, unit_ids={unit_b.pk})
    assert [(row.unit, row.received) for row in rows] == [(unit_b, 0)]


def test_responses_are_grouped_by_local_day(campaign, target, unit_b):
    other = campaign.surveyed_units.get(unit=unit_b)
    tz = timezone.get_current_timezone()
    # 23:00 and 00:30 local time on either side of midnight: two local days (one UTC day).
    late = datetime.datetime(2026, 11, 20, 23, 30, tzinfo=tz)
    early = datetime.datetime(2026, 11, 21, 0, 30, tzinfo=tz)
    for moment, unit_target, n in [(late, target, 2), (early, target, 1), (early, other, 3)]:
        for _ in range(n):
            submit_response(unit_target, full_answers(), channel="paper", submitted_at=moment)
    assert responses_over_time(campaign) == [
        (datetime.date(2026, 11, 20), 2),
        (datetime.date(2026, 11, 21), 4),
    ]
    assert responses_over_time(campaign, unit_ids={target.unit_id}) == [
        (datetime.date(2026, 11, 20), 2),
        (datetime.date(2026, 11, 21), 1),
    ]


def test_every_day_fills_the_gaps():
    days = every_day(
        [(datetime.date(2026, 10, 2), 5)], datetime.date(2026, 10, 1), datetime.date(2026, 10, 3)
    )
    assert days == [
        (datetime.date(2026, 10, 1), 0),
        (datetime.date(2026, 10, 2), 5),
        (datetime.date(2026, 10, 3), 0),
    ]


def test_campaign_summaries(campaign, target, django_assert_max_num_queries):
    submit(target, 2)
    with django_assert_max_num_queries(2):
        summary = campaign_summaries([campaign])[campaign.pk]
    assert (summary.units, summary.received, summary.target, summary.percent) == (3, 2, 90, 2)
    assert campaign.status == CampaignStatus.OPEN
