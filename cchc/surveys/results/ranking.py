"""The ranking of a campaign's units and a unit's (or the province's) trend across campaigns."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from cchc.accounts.models import User
from cchc.scoring.calculations import rank

from .. import calculations as calc
from ..models import Campaign, CampaignStatus
from .figures import GroupResult
from .indices import CampaignResults


@dataclass(frozen=True)
class RankLine:
    rank: int | None  # None: insufficient sample, listed last
    group: GroupResult


def rankable(group: GroupResult) -> Decimal | None:
    """The figure a unit is ranked by: its overall index, if the sample suffices."""
    return group.overall.value if group.shows(group.overall) else None


def ranking(results: CampaignResults | Campaign) -> list[RankLine]:
    """Units by overall index, high to low; equal figures share a rank (1, 2, 2, 4); units
    with an insufficient sample come last, unranked, by name."""
    if isinstance(results, Campaign):
        results = CampaignResults(results)
    ranks = rank({u.key: rankable(u) for u in results.units})
    lines = [RankLine(ranks[u.key], u) for u in results.units]
    return sorted(lines, key=lambda line: (line.rank is None, line.rank or 0, line.group.label))


@dataclass(frozen=True)
class TrendPoint:
    campaign: Campaign
    group: GroupResult

    @property
    def overall(self) -> calc.Result:
        return self.group.overall

    def element(self, code: str) -> calc.Result | None:
        found = self.group.element(code)
        return found.result if found else None


@dataclass(frozen=True)
class Trend:
    points: tuple[TrendPoint, ...]
    elements: tuple[tuple[str, str], ...]  # (code, title) in the order of the latest campaign

    def series(self, code: str) -> list[Decimal | None]:
        """The shown figures of an element ("overall" for the overall) across the points."""
        out = []
        for point in self.points:
            result = point.overall if code == "overall" else point.element(code)
            usable = result is not None and point.group.shows(result)
            out.append(result.value if usable and result is not None else None)
        return out


def trend_campaigns(
    campaign: Campaign, user: User, *, unit_id: int | None = None, same_family: bool = True
) -> list[Campaign]:
    """Campaigns up to `campaign` (by end date) the person sees, not drafts, optionally of
    the same questionnaire family and surveying the unit; oldest first."""
    found = Campaign.objects.visible_to(user).exclude(status=CampaignStatus.DRAFT)
    found = found.filter(ends_on__lte=campaign.ends_on).select_related("version")
    if same_family:
        found = found.filter(version__questionnaire_id=campaign.version.questionnaire_id)
    if unit_id is not None:
        found = found.filter(surveyed_units__unit_id=unit_id)
    chosen = list(found.order_by("-ends_on", "-starts_on", "-pk").distinct()[:12])
    if campaign.pk not in {c.pk for c in chosen}:
        chosen.append(campaign)
    return sorted(chosen, key=lambda c: (c.ends_on, c.starts_on, c.pk))


def trend(
    campaigns: Iterable[Campaign],
    unit_id: int | None = None,
    known: CampaignResults | None = None,
) -> Trend:
    """Overall and element indices of the unit (or the province) in each campaign; `known`
    is reused for its own campaign (already computed for the page)."""
    points: list[TrendPoint] = []
    for campaign in campaigns:
        reuse = known is not None and known.campaign.pk == campaign.pk
        results = known if reuse else CampaignResults(campaign)
        group = results.province if unit_id is None else results.unit(unit_id)
        if group is not None:
            points.append(TrendPoint(campaign, group))
    return Trend(tuple(points), _element_names(points))


def _element_names(points: Sequence[TrendPoint]) -> tuple[tuple[str, str], ...]:
    seen: dict[str, str] = {}
    for point in reversed(points):
        for element in point.group.elements:
            seen.setdefault(element.code, element.title)
    return tuple(seen.items())
