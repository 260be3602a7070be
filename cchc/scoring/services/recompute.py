"""Keep the derived figures of score sheets: points by method, totals, indices, areas.

The scores (what people declared and appraised) are the record; the totals on each sheet
are derived from them by `calculations` and rewritten here. A whole round is recomputed
with one query for the criteria of each set and one for all the scores, then two bulk
updates (`bench/scoring.py` times it).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from cchc.core.bulk import update_rows

from .. import calculations as calc
from .. import metrics
from ..calculations import NA, Node
from ..models import CriteriaSet, Criterion, Round, Score, ScoreSheet


@dataclass(frozen=True)
class SetShape:
    """What the arithmetic needs of a criteria set, read once."""

    criteria_set: CriteriaSet
    criteria: dict[int, Criterion]
    nodes: list[Node]
    areas: list[Criterion]
    bands: list[tuple[str, Decimal]]

    @classmethod
    def of(cls, criteria_set: CriteriaSet, *, with_criteria: bool = True) -> SetShape:
        """Read the set; without criteria only its areas and bands (what the totals of a
        round need: a cheaper read)."""
        bands = [(b.label, b.min_percent) for b in criteria_set.bands.all()]
        if not with_criteria:
            areas = criteria_set.criteria.filter(parent__isnull=True, kind="normal")
            areas = areas.only("code", "name", "kind", "parent", "criteria_set", "position")
            areas = areas.order_by("position")
            return cls(criteria_set, {}, [], list(areas), bands)
        criteria = {c.pk: c for c in criteria_set.criteria.order_by("position")}
        nodes = [
            Node(c.pk, c.parent_id, c.max_points, c.kind, scored=bool(c.method))
            for c in criteria.values()
        ]
        areas = [c for c in criteria.values() if c.parent_id is None and c.kind == "normal"]
        return cls(criteria_set, criteria, nodes, areas, bands)

    def totals(self, points: dict[Hashable, Decimal | str | None]) -> calc.Totals:
        return calc.sheet_totals(
            self.nodes,
            points,
            rounding=self.criteria_set.rounding,
            cap_at_maximum=self.criteria_set.cap_at_maximum,
        )


def self_points(score: Score, criterion: Criterion) -> Decimal | str | None:
    """The unit's points for a score by the criterion's method (NA when not applicable).

    Input that no longer scores (it was valid when entered) counts as not scored.
    """
    inputs = score.inputs()
    if calc.is_not_applicable(criterion.method, criterion.params, inputs):
        return NA
    try:
        return calc.node_points(criterion.method, criterion.params, criterion.max_points, inputs)
    except calc.ScoringError:
        return None


def _appraised(score: Score, own: Decimal | str | None) -> Decimal | str | None:
    if own == NA:
        return NA
    for points in (score.round_2_points, score.round_1_points):
        if points is not None:
            return points
    return own


def _area_rows(shape: SetShape, totals: calc.Totals, rounding: str) -> list[dict]:
    rows = []
    for area in shape.areas:
        result = totals.nodes[area.pk]
        index = result.index(rounding)
        rows.append(
            {
                "code": area.code,
                "name": area.name,
                "points": str(calc.quantize(result.points)),
                "maximum": str(calc.quantize(result.maximum)),
                "index": None if index is None else str(index),
            }
        )
    return rows


def apply_totals(sheet: ScoreSheet, shape: SetShape, scores: Sequence[Score]) -> list[Score]:
    """Recompute `sheet` in memory from its scores; return the scores whose own points
    changed (the caller saves)."""
    own: dict[Hashable, Decimal | str | None] = {}
    appraised: dict[Hashable, Decimal | str | None] = {}
    changed = []
    for score in scores:
        criterion = shape.criteria[score.criterion_id]
        points = self_points(score, criterion)
        stored = None if points == NA else points
        if score.self_points != stored:
            score.self_points = stored
            changed.append(score)
        own[criterion.pk] = points
        appraised[criterion.pk] = _appraised(score, points)
    rounding = shape.criteria_set.rounding
    mine, final = shape.totals(own), shape.totals(appraised)
    sheet.self_total, sheet.self_index = mine.total, mine.index
    sheet.appraised_total, sheet.index, sheet.maximum = final.total, final.index, final.maximum
    sheet.missing = mine.missing
    sheet.areas = _area_rows(shape, final, rounding)
    return changed


def save_points(scores: Sequence[Score]) -> None:
    """Write the recomputed `self_points`: one UPDATE per distinct value (points take few
    values), much faster than `bulk_update`'s CASE over thousands of rows."""
    by_value: dict[Decimal | None, list[int]] = defaultdict(list)
    for score in scores:
        by_value[score.self_points].append(score.pk)
    for value, pks in by_value.items():
        for start in range(0, len(pks), CHUNK):
            Score.objects.filter(pk__in=pks[start : start + CHUNK]).update(self_points=value)


CHUNK = 5000
SHEET_TOTALS = ["self_total", "self_index", "appraised_total", "index", "maximum", "missing"]


@transaction.atomic
def recompute_sheet(sheet: ScoreSheet) -> ScoreSheet:
    shape = SetShape.of(sheet.criteria_set)
    scores = list(sheet.scores.all())
    changed = apply_totals(sheet, shape, scores)
    save_points(changed)
    ScoreSheet.objects.filter(pk=sheet.pk).update(
        areas=sheet.areas, **{f: getattr(sheet, f) for f in SHEET_TOTALS}
    )
    return sheet


def _round_sums(round_: Round) -> dict[int, dict[tuple[str, str], dict[str, Any]]]:
    """Per sheet, per (area code, kind): the sums the totals are made of, in one grouped
    query. Not-applicable scores leave every sum; appraised points fall back from round 2
    to round 1 to the unit's own, as `Score.appraised_points` does."""
    applicable = Q(not_applicable=False)
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=7, decimal_places=2))
    rows = (
        Score.objects.filter(sheet__round=round_)
        .order_by()
        .values("sheet_id", "criterion__area_code", "criterion__kind")
        .annotate(
            own=Coalesce(Sum("self_points", filter=applicable), zero),
            final=Coalesce(
                Sum(
                    Coalesce("round_2_points", "round_1_points", "self_points", zero),
                    filter=applicable,
                ),
                zero,
            ),
            maximum=Coalesce(Sum("criterion__max_points", filter=applicable), zero),
            missing=Count("pk", filter=applicable & Q(self_points__isnull=True)),
        )
    )
    sums: dict[int, dict[tuple[str, str], dict[str, Any]]] = defaultdict(dict)
    for row in rows:
        key = (row["criterion__area_code"], row["criterion__kind"])
        sums[row["sheet_id"]][key] = row
    return sums


def totals_from_sums(
    sheet: ScoreSheet, shape: SetShape, sums: dict[tuple[str, str], dict[str, Any]]
) -> None:
    """Set the sheet's totals from the grouped sums (same rules as `calculations`)."""
    rounding, cap = shape.criteria_set.rounding, shape.criteria_set.cap_at_maximum
    ordinary = [v for (_area, kind), v in sums.items() if kind == "normal"]

    def total(field: str, kind: str) -> Decimal:
        rows = ordinary if kind == "normal" else [v for k, v in sums.items() if k[1] == kind]
        return sum((r[field] for r in rows), Decimal(0))

    maximum = total("maximum", "normal")
    for field, total_name, index_name in (
        ("own", "self_total", "self_index"),
        ("final", "appraised_total", "index"),
    ):
        points = calc.combine(
            total(field, "normal"),
            maximum,
            total(field, "bonus"),
            total(field, "penalty"),
            cap_at_maximum=cap,
        )
        setattr(sheet, total_name, points)
        setattr(sheet, index_name, calc.index_percent(points, maximum, rounding))
    sheet.maximum = maximum
    sheet.missing = sum(r["missing"] for r in ordinary)
    sheet.areas = []
    for area in shape.areas:
        row = sums.get((area.code, "normal"), {"final": Decimal(0), "maximum": Decimal(0)})
        index = calc.index_percent(row["final"], row["maximum"], rounding)
        sheet.areas.append(
            {
                "code": area.code,
                "name": area.name,
                "points": str(calc.quantize(row["final"])),
                "maximum": str(calc.quantize(row["maximum"])),
                "index": None if index is None else str(index),
            }
        )


@transaction.atomic
def recompute_round(round_: Round, *, rederive_points: bool = False) -> int:
    """Recompute the totals of every sheet of the round; return how many sheets changed.

    The unit's own points of each score are kept up to date where they change (the
    services when something is declared, `refresh_metrics` for metrics), so by default only
    the totals are recomputed: one grouped query and the arithmetic per sheet. With
    `rederive_points` every score's points are first derived again by its method (slower:
    every score is read into Python).
    """
    shapes = {
        s.pk: SetShape.of(s, with_criteria=rederive_points) for s in round_.criteria_sets.all()
    }
    if rederive_points:
        _rederive(round_, shapes)
    sums = _round_sums(round_)
    changed = []
    for sheet in round_.sheets.all():
        before = [getattr(sheet, f) for f in SHEET_FIELDS]
        totals_from_sums(sheet, shapes[sheet.criteria_set_id], sums.get(sheet.pk, {}))
        if [getattr(sheet, f) for f in SHEET_FIELDS] != before:
            changed.append(sheet)
    update_rows(changed, SHEET_FIELDS)  # derived totals: no history rows
    return len(changed)


def _rederive(round_: Round, shapes: dict[int, SetShape]) -> None:
    criteria = {pk: c for shape in shapes.values() for pk, c in shape.criteria.items()}
    changed = []
    for score in Score.objects.filter(sheet__round=round_).order_by():
        criterion = criteria[score.criterion_id]
        points = self_points(score, criterion)
        stored = None if points == NA else points
        # A "not applicable" choice sets the flag the grouped sums read (as `self_score`).
        flag = score.not_applicable or (criterion.method == calc.Method.CHOICE and points == NA)
        if score.self_points != stored or score.not_applicable != flag:
            score.self_points, score.not_applicable = stored, flag
            changed.append(score)
    update_rows(changed, ["self_points", "not_applicable"])


SHEET_FIELDS = [*SHEET_TOTALS, "areas"]


def metric_criteria(criteria: Iterable[Criterion]) -> dict[str, list[int]]:
    """Criterion ids by the metric they read."""
    found: dict[str, list[int]] = defaultdict(list)
    for c in criteria:
        key = c.params.get("metric") if c.method in (calc.Method.METRIC, calc.Method.SURVEY) else ""
        if key:
            found[key].append(c.pk)
    return found


@transaction.atomic
def refresh_metrics(round_: Round) -> int:
    """Read every metric the round's criteria use, for every unit, into the scores.

    One call per metric (each a grouped query); returns how many scores changed.
    """
    criteria = Criterion.objects.filter(criteria_set__rounds=round_)
    wanted = metric_criteria(criteria)
    if not wanted:
        return 0
    unit_of = dict(round_.sheets.values_list("pk", "unit_id"))
    readings = {key: metrics.read(key, set(unit_of.values()), round_.year) for key in wanted}
    metric_of = {pk: key for key, pks in wanted.items() for pk in pks}
    criteria = {c.pk: c for c in criteria if c.pk in metric_of}
    changed = []
    scores = Score.objects.filter(sheet__round=round_, criterion_id__in=metric_of)
    for score in scores.order_by():
        reading = readings[metric_of[score.criterion_id]][unit_of[score.sheet_id]]
        data = {"metric": metric_of[score.criterion_id], **reading.data}
        if score.metric_value != reading.percent or score.metric_data != data:
            score.metric_value, score.metric_data = reading.percent, data
            points = self_points(score, criteria[score.criterion_id])
            score.self_points = None if points == NA else points
            changed.append(score)
    _save_readings(changed)
    save_points(changed)
    return len(changed)


def _save_readings(scores: Sequence[Score]) -> None:
    """One UPDATE per distinct reading (a metric's reading is the same for every score of
    a unit that uses it)."""
    groups: dict[str, list[Score]] = defaultdict(list)
    for score in scores:
        key = json.dumps([str(score.metric_value), score.metric_data], sort_keys=True)
        groups[key].append(score)
    for same in groups.values():
        first = same[0]
        Score.objects.filter(pk__in=[s.pk for s in same]).update(
            metric_value=first.metric_value, metric_data=first.metric_data
        )
