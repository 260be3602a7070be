"""The surveys' items of the home-page to-do list."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from ..todo import survey_items
from .factories import make_campaign, make_version

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(english):
    """Texts are asserted as their English msgids."""


def test_the_secretariat_is_reminded_of_late_drafts_and_ending_campaigns(
    home_affairs_officer, unit_a
):
    late = make_campaign(make_version("a"), [unit_a], code="late", status="draft")
    make_campaign(
        make_version("b"),
        [unit_a],
        code="later",
        status="draft",
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 2, 1),
    )
    ending = make_campaign(
        make_version("c"), [unit_a], code="ending", ends_on=datetime.date(2026, 12, 5)
    )
    make_campaign(make_version("d"), [unit_a], code="running")  # ends 31/12: not yet
    assert survey_items(home_affairs_officer) == [
        (
            1,
            "Survey campaigns past their start date and not yet opened",
            reverse("surveys:campaign_detail", args=[late.pk]),
        ),
        (
            1,
            "Survey campaigns ending within 14 days (or past their end) still open",
            reverse("surveys:campaign_detail", args=[ending.pk]),
        ),
    ]


def test_a_focal_point_sees_their_units_under_target(focal_point, outsider, campaign):
    assert survey_items(focal_point) == [
        (
            1,
            "Khảo sát sipas-2026: your units under their survey target",
            reverse("surveys:campaign_detail", args=[campaign.pk]),
        )
    ]
    campaign.surveyed_units.filter(unit__code="SYT").update(quota=None)
    assert survey_items(outsider) == []  # no target, nothing to chase


def test_people_without_work_here_get_nothing(leader, no_role_user, campaign):
    assert survey_items(leader) == []
    assert survey_items(no_role_user) == []


def test_the_home_page_lists_the_survey_items(client, focal_point, campaign):
    client.force_login(focal_point)
    page = client.get(reverse("core:home")).content.decode()
    assert "your units under their survey target" in page
    assert reverse("surveys:campaign_detail", args=[campaign.pk]) in page
