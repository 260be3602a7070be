"""`surveys.satisfaction` for the PAR Index: a unit's overall satisfaction index in a year.

For each unit the campaign read is the latest CLOSED one ending in the year that surveyed
the unit (an open one only when no campaign of the year is closed yet). A unit whose sample
is below the campaign's minimum n reads None with the note "insufficient sample"; a unit no
campaign of the year surveyed is left out (the metric then reads "no data").
"""

from __future__ import annotations

from collections import defaultdict

from cchc.scoring.metrics import Reading

from ..models import Campaign, CampaignStatus, CampaignUnit
from .figures import GroupResult
from .indices import CampaignResults

INDEX = "overall satisfaction index"


def _campaign_per_unit(unit_ids: list[int], year: int) -> dict[int, int]:
    """unit id -> campaign id: closed before open, then the latest end date."""
    rows = (
        CampaignUnit.objects.filter(
            unit_id__in=unit_ids,
            campaign__ends_on__year=year,
            campaign__status__in=[CampaignStatus.CLOSED, CampaignStatus.OPEN],
        )
        .order_by("unit_id", "campaign__ends_on", "campaign__starts_on", "campaign_id")
        .values_list("unit_id", "campaign_id", "campaign__status")
    )
    chosen: dict[int, tuple[bool, int]] = {}
    for unit_id, campaign_id, status in rows:  # ascending: later rows win within a status
        closed = status == CampaignStatus.CLOSED
        if unit_id not in chosen or closed or not chosen[unit_id][0]:
            chosen[unit_id] = (closed, campaign_id)
    return {unit_id: campaign_id for unit_id, (_closed, campaign_id) in chosen.items()}


def _reading(group: GroupResult, code: str, method: str) -> Reading:
    data = {"campaign": code, "n": group.responses, "index": INDEX, "method": method}
    if not group.shows(group.overall) or group.overall.value is None:
        return Reading(None, {"note": "insufficient sample", **data})
    return Reading(group.overall.value, data)


def unit_satisfaction(unit_ids: list[int], year: int) -> dict[int, Reading]:
    """The overall index of each unit from its campaign of `year` (see the module doc)."""
    by_campaign: dict[int, list[int]] = defaultdict(list)
    for unit_id, campaign_id in _campaign_per_unit(list(unit_ids), year).items():
        by_campaign[campaign_id].append(unit_id)
    out: dict[int, Reading] = {}
    for campaign in Campaign.objects.filter(pk__in=by_campaign).select_related("version"):
        for group in CampaignResults(campaign).units_among(by_campaign[campaign.pk]):
            out[int(group.key)] = _reading(group, campaign.code, campaign.element_method)
    return out
