"""A campaign's indices per unit, procedure, level (unit kind) and for the province.

Aggregation runs in the database: ONE grouped query over `Tally` per level
(GROUP BY the level's key, question, value; SUM(count)) and one grouped count of valid
responses per level; never a loop over responses. The counts then go through `figures`
(the pure functions of `calculations`). With `campaign.weighted`, the province and level
figures are the units' figures weighted by their population N (`weighting`).

    results = CampaignResults(campaign)
    results.province, results.levels, results.procedures, results.units, results.unit(pk)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from cchc.units.models import Unit

from .. import calculations as calc
from ..models import Campaign, CampaignUnit, ResponseCount, Tally
from .figures import Counts, GroupResult, group_result
from .structure import Structure, read_structure
from .weighting import weighted_group

if TYPE_CHECKING:
    from cchc.accounts.access import Access

PROVINCE, LEVEL, PROCEDURE, UNIT = "province", "level", "procedure", "unit"
LEVEL_KINDS = (
    Unit.Kind.DEPARTMENT,
    Unit.Kind.DISTRICT,
    Unit.Kind.COMMUNE,
    Unit.Kind.SUBORDINATE,
)
# How each level groups the rows: a field of Tally and of Response (None: no grouping).
GROUP_FIELDS: dict[str, str | None] = {
    UNIT: "unit_id",
    PROCEDURE: "procedure_code",
    LEVEL: "unit__kind",
    PROVINCE: None,
}


def sees_unit(access: Access, unit_id: int) -> bool:
    """A unit's figures: province-wide roles see every unit, a unit's people their own."""
    return access.sees_all_units or unit_id in access.own_unit_ids


def options_for(campaign: Campaign) -> calc.Options:
    return calc.Options(min_n=campaign.min_n)


def method_statement(campaign: Campaign) -> str:
    """The method, stated on every result page: the element method and the weighting."""
    method = calc.ElementMethod(campaign.element_method).label
    if campaign.weighted:
        weighting = _(
            "Province and level indices are weighted by each unit's population N "
            "(the weights are shown); expectation shares are pooled."
        )
    else:
        weighting = _("Province and level indices are pooled over all valid responses.")
    basis = _(
        "Criterion index: satisfied (4-5) or agreeing answers of valid answers, with a 95 %% "
        "Wilson interval; an index on fewer than %(n)s answers is not shown."
    ) % {"n": campaign.min_n}
    return f"{_('Element and overall index')}: {method}. {weighting} {basis}"


def grouped_counts(
    campaign: Campaign, structure: Structure, level: str, **filters: Any
) -> dict[Any, Counts]:
    """{group key: {question: {value: count}}} in one grouped query over `Tally`."""
    key = GROUP_FIELDS[level]
    fields = [key] if key else []
    rows = (
        Tally.objects.filter(campaign=campaign, question_id__in=structure.question_ids, **filters)
        .values(*fields, "question_id", "value")
        .annotate(total=Sum("count"))
        .order_by()
    )
    out: dict[Any, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        out[row[key] if key else None][row["question_id"]][row["value"]] = row["total"]
    return out


class CampaignResults:
    """Lazily computed figures of one campaign; each level costs two grouped queries."""

    def __init__(self, campaign: Campaign) -> None:
        self.campaign = campaign
        self.options = options_for(campaign)
        self.method = campaign.element_method

    @cached_property
    def structure(self) -> Structure:
        return read_structure(self.campaign.version)

    @cached_property
    def surveyed(self) -> list[CampaignUnit]:
        rows = list(
            CampaignUnit.objects.filter(campaign=self.campaign)
            .select_related("unit")
            .order_by("unit__name")
        )
        for row in rows:
            row.campaign = self.campaign  # `target` reads the margin without a query
        return rows

    @cached_property
    def method_statement(self) -> str:
        return method_statement(self.campaign)

    def _group(self, counts: Counts, level: str, key: Any, label: str, n: int, **extra: Any):
        return group_result(
            self.structure,
            counts,
            method=self.method,
            options=self.options,
            level=level,
            key=key,
            label=label,
            responses=n,
            **extra,
        )

    @cached_property
    def response_cells(self) -> dict[tuple[int, str], int]:
        """Valid responses per (unit, procedure), kept with the answer counts: the response
        counts of every level are sums of these few rows."""
        rows = ResponseCount.objects.filter(campaign=self.campaign, count__gt=0)
        return {
            (unit_id, procedure): n
            for unit_id, procedure, n in rows.values_list("unit_id", "procedure_code", "count")
        }

    def _responses(self, level: str) -> dict[Any, int]:
        kinds = {cu.unit_id: cu.unit.kind for cu in self.surveyed}
        key_of = {
            UNIT: lambda unit_id, procedure: unit_id,
            PROCEDURE: lambda unit_id, procedure: procedure,
            LEVEL: lambda unit_id, procedure: kinds.get(unit_id),
            PROVINCE: lambda unit_id, procedure: None,
        }[level]
        out: dict[Any, int] = defaultdict(int)
        for (unit_id, procedure), n in self.response_cells.items():
            out[key_of(unit_id, procedure)] += n
        if level == PROVINCE:
            out[None] += 0
        return dict(out)

    def _unit_results(self, surveyed: list[CampaignUnit], **filters: Any) -> list[GroupResult]:
        counts = grouped_counts(self.campaign, self.structure, UNIT, **filters)
        responses = self._responses(UNIT)
        return [
            self._group(
                counts.get(cu.unit_id, {}),
                UNIT,
                cu.unit_id,
                cu.unit.name,
                responses.get(cu.unit_id, 0),
                target=cu.target,
                code=cu.unit.code,
            )
            for cu in surveyed
        ]

    @cached_property
    def units(self) -> list[GroupResult]:
        """Every surveyed unit, by name (units without responses included: under quota)."""
        return self._unit_results(self.surveyed)

    def units_among(self, unit_ids: Collection[int]) -> list[GroupResult]:
        """Some units' figures (filtered queries unless every unit is computed already)."""
        wanted = set(unit_ids)
        if "units" in self.__dict__:
            return [u for u in self.units if u.key in wanted]
        surveyed = [cu for cu in self.surveyed if cu.unit_id in wanted]
        if not surveyed:
            return []
        return self._unit_results(surveyed, unit_id__in=wanted)

    def unit(self, unit_id: int) -> GroupResult | None:
        found = self.units_among([unit_id])
        return found[0] if found else None

    def units_for(self, access: Access) -> list[GroupResult]:
        """The unit figures a person may see: every unit, or their own."""
        if access.sees_all_units:
            return self.units
        return self.units_among(access.own_unit_ids)

    def levels_for(self, access: Access) -> list[GroupResult]:
        """Levels; for a unit's people not a level made of a single other unit (its figures
        would be that unit's)."""
        if access.sees_all_units:
            return self.levels
        return [g for g in self.levels if not g.discloses_other_units(access.own_unit_ids)]

    def _weighted(self, pooled: GroupResult, unit_ids: set[int]) -> GroupResult:
        if not self.campaign.weighted:
            return pooled
        units = [u for u in self.units if u.key in unit_ids]
        populations = {cu.unit_id: cu.population for cu in self.surveyed if cu.unit_id in unit_ids}
        return weighted_group(pooled, units, populations, self.options)

    def _target(self, units: list[CampaignUnit]) -> int | None:
        targets = [cu.target for cu in units if cu.target is not None]
        return sum(targets) if targets else None

    @cached_property
    def province(self) -> GroupResult:
        counts = grouped_counts(self.campaign, self.structure, PROVINCE).get(None, {})
        n = self._responses(PROVINCE)[None]
        label = _("Province")
        pooled = self._group(
            counts,
            PROVINCE,
            "",
            label,
            n,
            target=self._target(self.surveyed),
            members=tuple(cu.unit_id for cu in self.surveyed),
        )
        return self._weighted(pooled, {cu.unit_id for cu in self.surveyed})

    @cached_property
    def levels(self) -> list[GroupResult]:
        """One group per kind of unit surveyed (departments, district-level, communes…)."""
        counts = grouped_counts(self.campaign, self.structure, LEVEL)
        responses = self._responses(LEVEL)
        out = []
        for kind in LEVEL_KINDS:
            members = [cu for cu in self.surveyed if cu.unit.kind == kind]
            if not members:
                continue
            label = str(Unit.Kind(kind).label)
            pooled = self._group(
                counts.get(kind, {}),
                LEVEL,
                str(kind),
                label,
                responses.get(kind, 0),
                target=self._target(members),
                members=tuple(cu.unit_id for cu in members),
            )
            out.append(self._weighted(pooled, {cu.unit_id for cu in members}))
        return out

    @cached_property
    def procedures(self) -> list[GroupResult]:
        """One group per procedure surveyed or answered ("" = not stated), pooled."""
        counts = grouped_counts(self.campaign, self.structure, PROCEDURE)
        responses = self._responses(PROCEDURE)
        codes = [p.get("code", "") for p in self.campaign.procedures]
        codes += sorted(code for code in responses if code not in codes)
        return [
            self._group(
                counts.get(code, {}),
                PROCEDURE,
                code,
                self.campaign.procedure_name(code) if code else _("Procedure not stated"),
                responses.get(code, 0),
                code=code,
            )
            for code in codes
        ]
