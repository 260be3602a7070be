from __future__ import annotations

import pytest

from ..models import Campaign, CampaignUnit
from .factories import make_campaign


@pytest.fixture
def campaign(unit_a, unit_b, district) -> Campaign:
    """An open campaign over two departments and a district-level unit."""
    return make_campaign(units=[unit_a, unit_b, district])


@pytest.fixture
def target(campaign, unit_a) -> CampaignUnit:
    """The campaign's surveyed unit Sở Tư pháp (unit_a)."""
    return campaign.surveyed_units.get(unit=unit_a)
