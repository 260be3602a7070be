"""Read models of the campaign dashboard: progress against quota per unit, responses per day.

Both count valid responses with grouped queries in the database (never a Python loop over
responses). `unit_ids` limits them to some units (a focal point sees only their own).
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from cchc.units.models import Unit

from .calculations import sample_size
from .models import Campaign, CampaignUnit, Response
from .services.campaigns import population_of, suggested_sample


def visible_unit_ids(user: Any) -> frozenset[int] | None:
    """The units whose progress a person sees: every unit (None) for province-wide roles,
    else their own (focal points and heads of unit)."""
    return None if user.access.sees_all_units else user.access.own_unit_ids


class Progress:
    """Received against a target, as a `<progress>` bar shows it."""

    received: int
    target: int | None

    @property
    def percent(self) -> int | None:
        """Received as a share of the target, in whole percent (may pass 100)."""
        if not self.target:
            return None
        share = Decimal(self.received * 100) / Decimal(self.target)
        return int(share.to_integral_value(rounding=ROUND_HALF_UP))

    @property
    def bar_value(self) -> int:
        """The `<progress>` value: received, at most the target."""
        return min(self.received, self.target or 0)


def total_target(targets: list[int | None]) -> int | None:
    """The sum of the targets; None without any, or if one is unknown."""
    return None if None in targets or not targets else sum(t or 0 for t in targets)


@dataclass(frozen=True)
class ProgressRow(Progress):
    surveyed: CampaignUnit
    unit: Unit
    code: str  # the short public code (/s/<code>/)
    population: int | None  # N, entered or counted from data
    population_source: str  # "entered", "data" or "" (unknown)
    suggested: int | None  # n = N / (1 + N x e^2)
    quota: int | None
    target: int | None  # the quota, else the suggested sample
    received: int  # valid responses
    last_hour: datetime.datetime | None  # when the last valid response came (to the hour)

    @property
    def under_quota(self) -> bool:
        return self.target is not None and self.received < self.target


@dataclass(frozen=True)
class Sizing:
    population: int | None  # N, entered or counted from data
    population_source: str  # "entered", "data" or "" (unknown)
    suggested: int | None  # n = N / (1 + N x e^2)


def sizing(cu: CampaignUnit) -> Sizing:
    """A surveyed unit's N, where it comes from, and the suggested sample (no query when
    `cu.campaign` and `cu.unit` are loaded)."""
    population, source = population_of(cu)
    suggested = None if population is None else sample_size(population, cu.campaign.margin)
    return Sizing(population, source, suggested)


def _valid(campaign: Campaign, unit_ids: Collection[int] | None) -> QuerySet[Response]:
    found = Response.objects.filter(campaign=campaign, is_valid=True)
    return found if unit_ids is None else found.filter(unit_id__in=unit_ids)


def campaign_progress(
    campaign: Campaign, unit_ids: Collection[int] | None = None
) -> list[ProgressRow]:
    """One row per surveyed unit (two queries: the units, one grouped count)."""
    surveyed = campaign.surveyed_units.select_related("unit")
    if unit_ids is not None:
        surveyed = surveyed.filter(unit_id__in=unit_ids)
    counts = {
        row["unit_id"]: (row["n"], row["last"])
        for row in _valid(campaign, unit_ids)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("pk"), last=Max("submitted_hour"))
    }
    rows = []
    for cu in surveyed:
        cu.campaign = campaign  # already loaded: no query per row
        size = sizing(cu)
        received, last = counts.get(cu.unit_id, (0, None))
        rows.append(
            ProgressRow(
                surveyed=cu,
                unit=cu.unit,
                code=cu.code,
                population=size.population,
                population_source=size.population_source,
                suggested=size.suggested,
                quota=cu.quota,
                target=cu.quota if cu.quota is not None else size.suggested,
                received=received,
                last_hour=last,
            )
        )
    return rows


def responses_over_time(
    campaign: Campaign, unit_ids: Collection[int] | None = None
) -> list[tuple[datetime.date, int]]:
    """Valid responses per day (local time), the days with responses only, oldest first."""
    rows = (
        _valid(campaign, unit_ids)
        .annotate(day=TruncDate("submitted_hour", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )
    return [(row["day"], row["n"]) for row in rows]


def every_day(
    counts: list[tuple[datetime.date, int]], start: datetime.date, end: datetime.date
) -> list[tuple[datetime.date, int]]:
    """The counts with the days without a response filled in as 0, from start to end."""
    if counts:
        start, end = min(start, counts[0][0]), max(end, counts[-1][0])
    by_day = dict(counts)
    days = (end - start).days + 1
    return [
        (start + datetime.timedelta(days=i), by_day.get(start + datetime.timedelta(days=i), 0))
        for i in range(max(days, 0))
    ]


def totals(rows: list[ProgressRow]) -> dict[str, int | None]:
    """Received and target over the rows (target None if any unit has none)."""
    return {
        "received": sum(r.received for r in rows),
        "target": total_target([r.target for r in rows]),
        "under_quota": sum(1 for r in rows if r.under_quota),
    }


@dataclass(frozen=True)
class CampaignSummary(Progress):
    units: int
    received: int
    target: int | None  # None when a unit has no target yet


def campaign_summaries(
    campaigns: list[Campaign], unit_ids: Collection[int] | None = None
) -> dict[int, CampaignSummary]:
    """Units, valid responses and total target of each campaign (two queries in all)."""
    by_id = {c.pk: c for c in campaigns}
    surveyed = CampaignUnit.objects.filter(campaign_id__in=by_id).select_related("unit")
    responses = Response.objects.filter(campaign_id__in=by_id, is_valid=True)
    if unit_ids is not None:
        surveyed = surveyed.filter(unit_id__in=unit_ids)
        responses = responses.filter(unit_id__in=unit_ids)
    received = dict(
        responses.order_by()
        .values_list("campaign_id")
        .annotate(n=Count("pk"))
        .values_list("campaign_id", "n")
    )
    targets: dict[int, list[int | None]] = {pk: [] for pk in by_id}
    for cu in surveyed:
        cu.campaign = by_id[cu.campaign_id]
        targets[cu.campaign_id].append(cu.quota if cu.quota is not None else suggested_sample(cu))
    return {
        pk: CampaignSummary(
            units=len(found),
            received=received.get(pk, 0),
            target=total_target(found),
        )
        for pk, found in targets.items()
    }
