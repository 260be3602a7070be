"""PAR Index arithmetic: pure `Decimal` functions, no ORM (domain README §5).

- A scored node (a leaf of the criteria tree) gets points by its **method** from what the
  unit declared (`Inputs`); the result is quantized to 2 places, half-up, and never exceeds
  the node's maximum.
- "Not applicable" (where the set allows it) removes the node from the maximum.
- Totals: the points of the ordinary nodes add up through the tree; bonus nodes add to the
  total and penalty nodes subtract from it, outside every maximum (an area's points are its
  ordinary nodes only). The total is never below 0 and, when the set caps it (default),
  never above the applicable maximum.
- Index % = points ÷ applicable maximum x 100, to 2 places; half-up by default, truncation
  where a province publishes truncated figures (`Rounding`).
- Ranking: high to low, ties share a rank and the next rank skips (1, 2, 2, 4).
- Classification: the band with the highest threshold at or below the index.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)


class Method(models.TextChoices):
    MANUAL = "manual", gettext_lazy("Points entered (0 to maximum)")
    CHOICE = "choice", gettext_lazy("Choice list")
    RATIO = "ratio", gettext_lazy("Ratio of two declared numbers")
    BANDS = "bands", gettext_lazy("Stepwise bands")
    METRIC = "metric", gettext_lazy("Metric from cchc")
    SURVEY = "survey", gettext_lazy("Survey result")


class Rounding(models.TextChoices):
    HALF_UP = "half_up", gettext_lazy("Half up (0.005 → 0.01)")
    DOWN = "down", gettext_lazy("Truncate (0.009 → 0.00)")


class ScoringError(ValueError):
    """Input that cannot be scored; the message is for the person who entered it."""


@dataclass(frozen=True)
class Inputs:
    """What was declared for one scored node. Which fields count depends on the method."""

    points: Decimal | None = None  # manual, survey, or an appraiser's points
    choice: str = ""  # choice: the option's key
    numerator: Decimal | None = None  # ratio / bands on a ratio
    denominator: Decimal | None = None
    value: Decimal | None = None  # bands on a declared number
    metric: Decimal | None = None  # metric / survey from cchc: a percent 0..100
    not_applicable: bool = False


# --- parameters ---------------------------------------------------------------------------


def _decimal(raw: Any) -> Decimal | None:
    if raw is None or raw == "":
        return None
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def check_params(method: str, params: Mapping[str, Any], max_points: Decimal) -> list[str]:
    """What is wrong with a scored node's method and parameters (empty when well-formed)."""
    if method not in Method.values:
        return [_("Unknown scoring method “%(method)s”.") % {"method": method}]
    checker = _PARAM_CHECKS.get(method)
    return checker(params, max_points) if checker else []


def _check_step(params: Mapping[str, Any], max_points: Decimal) -> list[str]:
    if "step" not in params:
        return []
    step = _decimal(params["step"])
    if step is None or step < CENT or step != step.quantize(CENT):
        return [_("The step must be a number of at least 0.01, with at most 2 decimals.")]
    if max_points % step:
        return [_("The maximum is not a multiple of the step %(step)s.") % {"step": step}]
    return []


def _check_options(params: Mapping[str, Any], max_points: Decimal) -> list[str]:
    options = params.get("options")
    if not isinstance(options, list) or len(options) < 2:
        return [_("A choice list needs at least two options.")]
    errors, keys = [], set()
    for option in options:
        key = str(option.get("key", "")) if isinstance(option, dict) else ""
        if not key or key in keys:
            errors.append(_("Every option needs its own key."))
            continue
        keys.add(key)
        if option.get("not_applicable"):
            continue
        points = _decimal(option.get("points"))
        if points is None or not ZERO <= points <= max_points:
            errors.append(
                _("Option “%(key)s”: points must be between 0 and %(max)s.")
                % {"key": key, "max": max_points}
            )
    return errors


def _check_threshold(params: Mapping[str, Any], max_points: Decimal) -> list[str]:
    if params.get("threshold") in (None, ""):
        return []
    threshold = _decimal(params["threshold"])
    if threshold is None or not ZERO < threshold <= HUNDRED:
        return [_("The threshold is a percent above 0 and at most 100.")]
    return []


def _check_bands(params: Mapping[str, Any], max_points: Decimal) -> list[str]:
    bands = params.get("bands")
    if params.get("basis", "ratio") not in ("ratio", "number"):
        return [_("Bands are on a ratio or on a declared number.")]
    if not isinstance(bands, list) or not bands:
        return [_("Stepwise bands need at least one band.")]
    errors, starts = [], set()
    for band in bands:
        start = _decimal(band.get("from")) if isinstance(band, dict) else None
        points = _decimal(band.get("points")) if isinstance(band, dict) else None
        if start is None or start in starts:
            errors.append(_("Every band needs its own starting value."))
            continue
        starts.add(start)
        if points is None or not ZERO <= points <= max_points:
            errors.append(
                _("Band from %(start)s: points must be between 0 and %(max)s.")
                % {"start": start, "max": max_points}
            )
    return errors


def _check_metric(params: Mapping[str, Any], max_points: Decimal) -> list[str]:
    if not params.get("metric"):
        return [_("Choose the cchc metric this criterion is scored from.")]
    errors = _check_threshold(params, max_points)
    if "bands" in params:
        errors += _check_bands(params, max_points)
    return errors


def _check_survey(params: Mapping[str, Any], max_points: Decimal) -> list[str]:
    return _check_threshold(params, max_points) if params.get("metric") else []


_PARAM_CHECKS = {
    Method.MANUAL: _check_step,
    Method.CHOICE: _check_options,
    Method.RATIO: _check_threshold,
    Method.BANDS: _check_bands,
    Method.METRIC: _check_metric,
    Method.SURVEY: _check_survey,
}


# --- points of one node -------------------------------------------------------------------


def quantize(value: Decimal, rounding: str = Rounding.HALF_UP) -> Decimal:
    mode = ROUND_DOWN if rounding == Rounding.DOWN else ROUND_HALF_UP
    return value.quantize(CENT, rounding=mode)


def check_points(points: Decimal, max_points: Decimal, step: Decimal | None = None) -> Decimal:
    """Entered points: between 0 and the maximum, on the step when there is one."""
    if points < 0 or points > max_points:
        raise ScoringError(
            _("Points must be between 0 and %(max)s; %(points)s was entered.")
            % {"max": max_points, "points": points}
        )
    if points != points.quantize(CENT):
        raise ScoringError(_("Points have at most 2 decimals."))
    if step and step >= CENT and points % step:
        raise ScoringError(_("Points go in steps of %(step)s.") % {"step": step})
    return points


def threshold_points(
    percent: Decimal, max_points: Decimal, threshold: Decimal | None = None
) -> Decimal:
    """max x percent/100; with a threshold T: max from T on, else percent ÷ T x max."""
    if threshold is not None and percent >= threshold:
        return max_points
    share = percent / (threshold if threshold is not None else HUNDRED)
    return quantize(min(share, Decimal(1)) * max_points)


def band_points(value: Decimal, bands: Sequence[Mapping[str, Any]]) -> Decimal:
    """The points of the highest band starting at or below `value` (0 below every band)."""
    found = ZERO
    best: Decimal | None = None
    for band in bands:
        start = Decimal(str(band["from"]))
        if value >= start and (best is None or start > best):
            best, found = start, Decimal(str(band["points"]))
    return found


def ratio_percent(numerator: Decimal | None, denominator: Decimal | None) -> Decimal:
    if numerator is None or denominator is None:
        raise ScoringError(_("Enter both numbers of the ratio."))
    if numerator < 0 or denominator <= 0:
        raise ScoringError(_("The numbers of a ratio must be positive, the second above 0."))
    if numerator > denominator:
        raise ScoringError(
            _("The first number (%(a)s) cannot be larger than the second (%(b)s).")
            % {"a": numerator, "b": denominator}
        )
    return numerator / denominator * HUNDRED


def _manual(params: Mapping[str, Any], max_points: Decimal, inputs: Inputs) -> Decimal | None:
    if inputs.points is None:
        return None
    return check_points(inputs.points, max_points, _decimal(params.get("step")))


def _choice(params: Mapping[str, Any], max_points: Decimal, inputs: Inputs) -> Decimal | None:
    if not inputs.choice:
        return None
    for option in params.get("options", []):
        if str(option.get("key")) == inputs.choice:
            if option.get("not_applicable"):
                return None
            return Decimal(str(option["points"]))
    raise ScoringError(_("“%(choice)s” is not one of the options.") % {"choice": inputs.choice})


def _ratio(params: Mapping[str, Any], max_points: Decimal, inputs: Inputs) -> Decimal | None:
    if inputs.numerator is None and inputs.denominator is None:
        return None
    percent = ratio_percent(inputs.numerator, inputs.denominator)
    return threshold_points(percent, max_points, _decimal(params.get("threshold")))


def _bands(params: Mapping[str, Any], max_points: Decimal, inputs: Inputs) -> Decimal | None:
    if params.get("basis", "ratio") == "number":
        if inputs.value is None:
            return None
        if inputs.value < 0:
            raise ScoringError(_("The declared number cannot be negative."))
        return band_points(inputs.value, params["bands"])
    if inputs.numerator is None and inputs.denominator is None:
        return None
    return band_points(ratio_percent(inputs.numerator, inputs.denominator), params["bands"])


def _from_metric(params: Mapping[str, Any], max_points: Decimal, inputs: Inputs) -> Decimal | None:
    if inputs.metric is None:
        return None
    if inputs.metric < 0:
        raise ScoringError(_("A metric is a percent from 0 to 100."))
    if "bands" in params:
        return band_points(inputs.metric, params["bands"])
    return threshold_points(inputs.metric, max_points, _decimal(params.get("threshold")))


def _survey(params: Mapping[str, Any], max_points: Decimal, inputs: Inputs) -> Decimal | None:
    if params.get("metric") and inputs.metric is not None:
        return _from_metric(params, max_points, inputs)
    return _manual(params, max_points, inputs)


_SCORERS = {
    Method.MANUAL: _manual,
    Method.CHOICE: _choice,
    Method.RATIO: _ratio,
    Method.BANDS: _bands,
    Method.METRIC: _from_metric,
    Method.SURVEY: _survey,
}


def is_not_applicable(method: str, params: Mapping[str, Any], inputs: Inputs) -> bool:
    if inputs.not_applicable:
        return True
    if method == Method.CHOICE and inputs.choice:
        return any(
            str(o.get("key")) == inputs.choice and o.get("not_applicable")
            for o in params.get("options", [])
        )
    return False


def node_points(
    method: str, params: Mapping[str, Any], max_points: Decimal, inputs: Inputs
) -> Decimal | None:
    """The points of one scored node, or None when nothing has been declared yet.

    Raises `ScoringError` for input that cannot be scored (over the maximum, off the step,
    an unknown option, a ratio above 1, …). Not-applicable nodes score None; the caller
    removes them from the maximum (`is_not_applicable`).
    """
    if is_not_applicable(method, params, inputs):
        return None
    scorer = _SCORERS.get(method)  # type: ignore[call-overload]
    if scorer is None:
        raise ScoringError(_("Unknown scoring method “%(method)s”.") % {"method": method})
    points = scorer(params, max_points, inputs)
    return None if points is None else min(quantize(points), max_points)


# --- totals -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """One node of the tree as the arithmetic sees it."""

    key: Hashable
    parent: Hashable | None
    max_points: Decimal
    kind: str = "normal"  # normal | bonus | penalty
    scored: bool = True  # a leaf with a method; an empty bonus/penalty line is not "missing"


@dataclass(frozen=True)
class Result:
    """Points and applicable maximum of a node (an area, a criterion or a leaf)."""

    points: Decimal
    maximum: Decimal
    missing: int = 0  # scored leaves still without points

    def index(self, rounding: str = Rounding.HALF_UP) -> Decimal | None:
        return index_percent(self.points, self.maximum, rounding)

    @property
    def lost(self) -> Decimal:
        return self.maximum - self.points


@dataclass(frozen=True)
class Totals:
    nodes: dict[Hashable, Result]
    total: Decimal
    maximum: Decimal
    bonus: Decimal = ZERO
    penalty: Decimal = ZERO
    missing: int = 0
    rounding: str = Rounding.HALF_UP
    areas: list[Hashable] = field(default_factory=list)

    @property
    def index(self) -> Decimal | None:
        return index_percent(self.total, self.maximum, self.rounding)


def index_percent(
    points: Decimal, maximum: Decimal, rounding: str = Rounding.HALF_UP
) -> Decimal | None:
    """points ÷ maximum x 100, to 2 places; None when nothing is applicable."""
    if maximum <= 0:
        return None
    return quantize(points / maximum * HUNDRED, rounding)


def _children(nodes: Sequence[Node]) -> dict[Hashable | None, list[Node]]:
    children: dict[Hashable | None, list[Node]] = {}
    for node in nodes:
        children.setdefault(node.parent, []).append(node)
    return children


NA = "not_applicable"


def _fold(
    node: Node,
    children: Mapping[Hashable | None, list[Node]],
    points: Mapping[Hashable, Decimal | str | None],
    out: dict[Hashable, Result],
) -> Result:
    kids = children.get(node.key, [])
    if not kids:
        value = points.get(node.key)
        if value == NA:
            result = Result(ZERO, ZERO)
        elif value is None:
            counts = node.scored and node.kind == "normal"
            result = Result(ZERO, node.max_points, missing=1 if counts else 0)
        else:
            result = Result(min(Decimal(value), node.max_points), node.max_points)
    else:
        parts = [_fold(k, children, points, out) for k in kids]
        ordinary = [p for k, p in zip(kids, parts, strict=True) if k.kind == "normal"]
        result = Result(
            sum((p.points for p in ordinary), ZERO),
            sum((p.maximum for p in ordinary), ZERO),
            sum(p.missing for p in parts),
        )
    out[node.key] = result
    return result


def sheet_totals(
    nodes: Sequence[Node],
    points: Mapping[Hashable, Decimal | str | None],
    *,
    rounding: str = Rounding.HALF_UP,
    cap_at_maximum: bool = True,
) -> Totals:
    """Add up a sheet. `points` maps each scored node to its points, None (not scored yet)
    or `NA` (not applicable)."""
    children = _children(nodes)
    out: dict[Hashable, Result] = {}
    roots = children.get(None, [])
    results = [_fold(r, children, points, out) for r in roots]
    base = Result(ZERO, ZERO)
    for root, result in zip(roots, results, strict=True):
        if root.kind == "normal":
            base = Result(base.points + result.points, base.maximum + result.maximum)
    bonus = _extra(nodes, out, children, "bonus")
    penalty = _extra(nodes, out, children, "penalty")
    total = combine(base.points, base.maximum, bonus, penalty, cap_at_maximum=cap_at_maximum)
    return Totals(
        nodes=out,
        total=total,
        maximum=base.maximum,
        bonus=bonus,
        penalty=penalty,
        missing=sum(r.missing for r in results),
        rounding=rounding,
        areas=[r.key for r in roots if r.kind == "normal"],
    )


def combine(
    points: Decimal,
    maximum: Decimal,
    bonus: Decimal = ZERO,
    penalty: Decimal = ZERO,
    *,
    cap_at_maximum: bool = True,
) -> Decimal:
    """The total: ordinary points + bonus - penalty, never below 0 and, when capped, never
    above the applicable maximum."""
    total = max(points + bonus - penalty, ZERO)
    return min(total, maximum) if cap_at_maximum else total


def _extra(
    nodes: Sequence[Node],
    out: Mapping[Hashable, Result],
    children: Mapping[Hashable | None, list[Node]],
    kind: str,
) -> Decimal:
    """Points of the bonus (or penalty) leaves anywhere in the tree."""
    return sum(
        (out[n.key].points for n in nodes if n.kind == kind and not children.get(n.key)),
        ZERO,
    )


# --- ranking and classification -----------------------------------------------------------


def rank(scores: Mapping[Hashable, Decimal | None]) -> dict[Hashable, int | None]:
    """Competition ranking, high to low: equal scores share a rank, the next one skips.
    Keys without a score are unranked (None)."""
    ordered = sorted((v for v in scores.values() if v is not None), reverse=True)
    first: dict[Decimal, int] = {}
    for position, value in enumerate(ordered, start=1):
        first.setdefault(value, position)
    return {k: (None if v is None else first[v]) for k, v in scores.items()}


def classify(index: Decimal | None, bands: Iterable[tuple[str, Decimal]]) -> str:
    """The label of the band with the highest threshold at or below `index` ("" if none)."""
    if index is None:
        return ""
    eligible = [(start, label) for label, start in bands if index >= start]
    return max(eligible)[1] if eligible else ""
