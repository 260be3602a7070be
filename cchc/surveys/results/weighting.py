"""Weighting by stratum (unit): a group's figures as `calculations.weighted_index` of its units'.

Each unit weighs its population N (`CampaignUnit.population`). A unit without N, or whose
figure rests on fewer answers than the minimum n, is left out of that figure and listed; when
no unit has an N the pooled figures stand and the statement says so. Expectation shares stay
pooled (every respondent counts once).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal

from .. import calculations as calc
from .figures import OVERALL, CriterionResult, ElementResult, GroupResult, Weight, Weighting


def _stratum(unit: GroupResult, key: str) -> Decimal | None:
    result = unit.exact.get(key)
    if result is None or not result.sufficient:
        return None
    return result.value


def _combine(
    units: Sequence[GroupResult], populations: Mapping[int, int], key: str, options: calc.Options
) -> tuple[calc.Result, calc.Weighted]:
    strata = {u.key: (_stratum(u, key), Decimal(populations[int(u.key)])) for u in units}
    weighted = calc.weighted_index(strata, options)
    used = [u for u in units if u.key in weighted.weights]
    n = sum(u.exact[key].n for u in used)
    return calc.Result(weighted.value, n, sufficient=weighted.value is not None), weighted


def weighted_group(
    pooled: GroupResult,
    units: Sequence[GroupResult],
    populations: Mapping[int, int | None],
    options: calc.Options,
) -> GroupResult:
    """`pooled` with its overall, element and criterion figures weighted by the units' N."""
    known = {pk: n for pk, n in populations.items() if n is not None}
    with_n = [u for u in units if int(u.key) in known]
    without = tuple(u.label for u in units if int(u.key) not in known)
    if not with_n:
        weights = tuple(Weight(int(u.key), u.label, None, None) for u in units)
        return replace(pooled, weighting=Weighting(weights, without_population=without))
    overall, weighted = _combine(with_n, known, OVERALL, options)
    elements = tuple(
        ElementResult(
            e.code,
            e.title,
            _combine(with_n, known, e.code, options)[0],
            tuple(
                CriterionResult(c.code, c.text, _combine(with_n, known, c.code, options)[0])
                for c in e.criteria
            ),
        )
        for e in pooled.elements
    )
    weights = tuple(
        Weight(int(u.key), u.label, populations.get(int(u.key)), weighted.weights.get(u.key))
        for u in units
    )
    left_out = tuple(u.label for u in with_n if u.key not in weighted.weights)
    weighting = Weighting(weights, without_population=without, without_index=left_out)
    return replace(pooled, overall=overall, elements=elements, weighting=weighting)
