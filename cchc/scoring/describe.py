"""Criteria sets described for people: each scoring method and its parameters in words,
the tree by area with its totals, the bands (used by the set pages; pure reads)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import metrics
from .calculations import Method
from .models import CriteriaSet, Criterion
from .sets_io import decimal_text


def _number(value: Any) -> str:
    """A parameter as people read it in the current language: "2.5" → "2,5" in Vietnamese."""
    try:
        return number_format(Decimal(decimal_text(Decimal(str(value)))))
    except (InvalidOperation, ValueError):
        return str(value)


@dataclass
class Scoring:
    """A scored criterion's method in words, with its options or steps to list."""

    words: str
    options: list[tuple[str, str]] = field(default_factory=list)  # (label, points in words)
    steps: list[tuple[str, str]] = field(default_factory=list)  # (from, points)
    steps_on: str = ""  # what the steps are read on ("%" or a declared number)


def _steps(params: dict[str, Any], percent: bool) -> list[tuple[str, str]]:
    unit = " %" if percent else ""
    ordered = sorted(params.get("bands", []), key=lambda band: Decimal(str(band["from"])))
    return [(f"{_number(band['from'])}{unit}", _number(band["points"])) for band in ordered]


def _option(option: dict[str, Any]) -> tuple[str, str]:
    label = str(option.get("label") or option.get("key"))
    if option.get("not_applicable"):
        return label, _("not applicable: left out of the maximum")
    points = Decimal(str(option.get("points", 0)))
    words = ngettext("%(points)s point", "%(points)s points", 1 if points == 1 else 2)
    return label, words % {"points": _number(points)}


def _from_figure(params: dict[str, Any], figure: str, maximum: str) -> Scoring:
    """Metric and survey criteria scored from a figure (a percent) cchc computes."""
    if "bands" in params:
        words = _("From %(figure)s (a percent), in steps:") % {"figure": figure}
        return Scoring(words, steps=_steps(params, percent=True), steps_on="%")
    if params.get("threshold") not in (None, ""):
        words = _(
            "From %(figure)s: full marks (%(max)s) from %(threshold)s %%; below it, "
            "the figure divided by %(threshold)s %% times the maximum."
        )
        return Scoring(
            words % {"figure": figure, "max": maximum, "threshold": _number(params["threshold"])}
        )
    return Scoring(_("From %(figure)s: the figure (%%) times the maximum.") % {"figure": figure})


def _metric_name(key: str) -> str:
    metric = metrics.available().get(key)
    return f"“{metric.label if metric else key}”"


def _ratio(params: dict[str, Any], maximum: str) -> Scoring:
    if params.get("threshold") in (None, ""):
        return Scoring(
            _("The ratio of two declared numbers times the maximum (%(max)s).") % {"max": maximum}
        )
    words = _(
        "The ratio of two declared numbers times the maximum; full marks (%(max)s) from "
        "%(threshold)s %%, below it the ratio divided by %(threshold)s %% times the maximum."
    )
    return Scoring(words % {"max": maximum, "threshold": _number(params["threshold"])})


def _stepwise(params: dict[str, Any]) -> Scoring:
    if params.get("basis") == "number":
        words = _("Stepwise on a declared number: the points of the highest step reached.")
        return Scoring(words, steps=_steps(params, percent=False), steps_on=_("number"))
    words = _(
        "Stepwise on the ratio of two declared numbers (%): the points of the highest step reached."
    )
    return Scoring(words, steps=_steps(params, percent=True), steps_on="%")


def scoring_words(criterion: Criterion) -> Scoring:
    """How a scored criterion gets its points, with its parameters explained."""
    params, maximum = criterion.params or {}, _number(criterion.max_points)
    method = criterion.method
    if method == Method.MANUAL:
        if params.get("step"):
            words = _("Points entered from 0 to %(max)s, in steps of %(step)s.")
            return Scoring(words % {"max": maximum, "step": _number(params["step"])})
        return Scoring(_("Points entered from 0 to %(max)s.") % {"max": maximum})
    if method == Method.CHOICE:
        options = [_option(o) for o in params.get("options", []) if isinstance(o, dict)]
        return Scoring(_("One option is chosen:"), options=options)
    if method == Method.RATIO:
        return _ratio(params, maximum)
    if method == Method.BANDS:
        return _stepwise(params)
    if method == Method.METRIC:
        figure = _("the cchc figure %(metric)s") % {"metric": _metric_name(params["metric"])}
        return _from_figure(params, figure, maximum)
    if method == Method.SURVEY and params.get("metric"):
        figure = _("the survey figure %(metric)s") % {"metric": _metric_name(params["metric"])}
        return _from_figure(params, figure, maximum)
    if method == Method.SURVEY:
        words = _("Survey result: the secretariat enters the points (0 to %(max)s).")
        return Scoring(words % {"max": maximum})
    return Scoring(criterion.get_method_display())


# The tree of a set -------------------------------------------------------------------------


@dataclass
class Line:
    criterion: Criterion
    scoring: Scoring | None


@dataclass
class Area:
    area: Criterion
    lines: list[Line]
    survey: Decimal = Decimal(0)
    bonus: Decimal = Decimal(0)
    penalty: Decimal = Decimal(0)


@dataclass
class BandLine:
    label: str
    start: Decimal
    below: Decimal | None


def _areas(criteria_set: CriteriaSet) -> list[Area]:
    """The areas in order, each with its criteria and sub-criteria in document order."""
    areas: list[Area] = []
    for c in criteria_set.criteria.order_by("position"):
        if c.depth == 1:
            areas.append(Area(c, []))
        area = areas[-1]
        if c.depth > 1 or c.is_scored:
            area.lines.append(Line(c, scoring_words(c) if c.is_scored else None))
        if c.kind == Criterion.Kind.BONUS:
            area.bonus += c.max_points
        elif c.kind == Criterion.Kind.PENALTY:
            area.penalty += c.max_points
        elif c.is_scored and c.source == Criterion.Source.SURVEY:
            area.survey += c.max_points
    return areas


def _band_lines(criteria_set: CriteriaSet) -> list[BandLine]:
    lines, below = [], None
    for band in criteria_set.bands.order_by("-min_percent"):
        lines.append(BandLine(band.label, band.min_percent, below))
        below = band.min_percent
    return lines


def _totals(areas: list[Area]) -> dict[str, Decimal]:
    normal = [a for a in areas if a.area.kind == Criterion.Kind.NORMAL]
    maximum = sum((a.area.max_points for a in normal), Decimal(0))
    survey = sum((a.survey for a in areas), Decimal(0))
    return {
        "maximum": maximum,
        "survey": survey,
        "self": maximum - survey,
        "bonus": sum((a.bonus for a in areas), Decimal(0)),
        "penalty": sum((a.penalty for a in areas), Decimal(0)),
    }
