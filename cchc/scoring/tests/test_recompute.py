"""The round's totals summed in SQL equal the pure fold of `calculations` sheet by sheet."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from cchc.core.bulk import update_rows
from cchc.scoring.demo import _declare
from cchc.scoring.models import Score, ScoreSheet
from cchc.scoring.services import rounds
from cchc.scoring.services.recompute import (
    SHEET_FIELDS,
    recompute_round,
    recompute_sheet,
    refresh_metrics,
)

from .round_helpers import SCHEDULE

pytestmark = pytest.mark.django_db

FIELDS = ["numerator", "denominator", "value", "choice", "entered_points", "metric_value"]
APPRAISAL = ["round_1_points", "round_2_points", "not_applicable"]


def _fill(round_, rng: random.Random) -> None:
    scores = list(Score.objects.filter(sheet__round=round_).select_related("criterion"))
    for score in scores:
        _declare(score, score.criterion, rng.uniform(0.3, 1.0), rng)
        c = score.criterion
        score.not_applicable = c.allows_not_applicable and rng.random() < 0.2
        na_options = [o for o in c.params.get("options", []) if o.get("not_applicable")]
        if na_options and rng.random() < 0.3:  # chosen, the flag not set: rederive sets it
            score.choice, score.not_applicable = na_options[0]["key"], False
        if rng.random() < 0.4:
            step = Decimal("0.25")
            score.round_1_points = (c.max_points * Decimal(rng.random()) / step).quantize(
                Decimal(1)
            ) * step
        if rng.random() < 0.3:
            score.round_2_points = c.max_points
        if rng.random() < 0.1:  # some criteria left unscored
            score.entered_points = score.numerator = score.denominator = None
            score.value, score.choice = None, ""
    update_rows(scores, [*FIELDS, "metric_data", "note", *APPRAISAL])


@pytest.mark.parametrize("seed", range(4))
def test_summed_totals_equal_the_fold_of_every_sheet(
    seed, small_set, home_affairs_officer, unit_a, unit_b
):
    round_ = rounds.open_round(
        year=small_set.year, name="R", criteria_sets=[small_set], schedule=SCHEDULE,
        by=home_affairs_officer, units=[unit_a, unit_b], tell_units=False,
    )  # fmt: skip
    _fill(round_, random.Random(seed))
    recompute_round(round_, rederive_points=True)
    summed = {s.pk: [getattr(s, f) for f in SHEET_FIELDS] for s in round_.sheets.all()}
    for sheet in ScoreSheet.objects.filter(round=round_):
        recompute_sheet(sheet)
        sheet.refresh_from_db()
        assert [getattr(sheet, f) for f in SHEET_FIELDS] == summed[sheet.pk]
    assert any(s[3] for s in summed.values())  # appraised totals were computed
    assert recompute_round(round_) == 0  # nothing left to change


def test_metric_readings_update_the_points_without_a_full_recompute(
    small_set, home_affairs_officer, unit_a
):
    round_ = rounds.open_round(
        year=small_set.year, name="R", criteria_sets=[small_set], schedule=SCHEDULE,
        by=home_affairs_officer, units=[unit_a], tell_units=False,
    )  # fmt: skip
    metric = Score.objects.filter(sheet__round=round_, criterion__method="metric").first()
    if metric is None:
        pytest.skip("the small set has no metric criterion")
    Score.objects.filter(pk=metric.pk).update(metric_value=None, metric_data={}, self_points=None)
    assert refresh_metrics(round_) >= 1
    metric.refresh_from_db()
    assert metric.metric_data["metric"] == metric.criterion.params["metric"]
