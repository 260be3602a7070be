from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from cchc.units.models import Unit

from ..answers import spec_for
from ..demo import load_demo_surveys
from ..models import Campaign, CampaignStatus, Response, SurveyToken, Tally
from ..services import tallies

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 28)


@pytest.fixture
def reference_units(db) -> None:
    call_command("load_reference_data", verbosity=0)


def _counts(campaign: Campaign) -> dict[tuple[int, int, int], int]:
    rows = Tally.objects.filter(campaign=campaign, count__gt=0)
    return {(t.unit_id, t.question_id, t.value): t.count for t in rows}


def test_the_demo_has_two_closed_campaigns_and_one_collecting(reference_units):
    result = load_demo_surveys(TODAY)
    assert len(result.created) == 3
    campaigns = {c.code: c for c in Campaign.objects.all()}
    assert campaigns["sipas-2024"].status == CampaignStatus.CLOSED
    assert campaigns["sipas-2025"].status == CampaignStatus.CLOSED
    current = campaigns["sipas-2026"]
    assert current.status == CampaignStatus.OPEN
    assert current.starts_on <= TODAY <= current.ends_on
    assert current.ends_on.year == TODAY.year  # so the PAR Index of the year reads it
    assert current.version.questionnaire.code == "mau-02"
    assert current.version.is_locked
    assert SurveyToken.objects.filter(campaign=current, unit__code="STP").count() == 20
    # 2024 still had district-level units; the current campaign surveys communes instead.
    kinds_2024 = set(campaigns["sipas-2024"].surveyed_units.values_list("unit__kind", flat=True))
    kinds_now = set(current.surveyed_units.values_list("unit__kind", flat=True))
    assert Unit.Kind.DISTRICT in kinds_2024
    assert kinds_now == {Unit.Kind.DEPARTMENT, Unit.Kind.COMMUNE}
    before = Response.objects.count()
    again = load_demo_surveys(TODAY)  # a second run changes nothing
    assert (again.created, len(again.skipped)) == ([], 3)
    assert Response.objects.count() == before


def test_demo_responses_fall_in_their_period_and_are_counted(reference_units):
    load_demo_surveys(TODAY)
    for campaign in Campaign.objects.all():
        hours = Response.objects.filter(campaign=campaign).values_list("submitted_hour", flat=True)
        assert hours
        assert all(campaign.starts_on <= h.date() <= campaign.ends_on for h in hours)
        running = _counts(campaign)
        tallies.rebuild(campaign, spec_for(campaign.version))
        assert _counts(campaign) == running
