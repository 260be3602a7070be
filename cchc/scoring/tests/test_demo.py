"""The demo PAR Index: seed sets, two published rounds and a current round, idempotently."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from cchc.accounts.models import User
from cchc.scoring.calculations import Method
from cchc.scoring.models import CriteriaSet, Criterion, PublishedResult, Round, ScoreSheet
from cchc.scoring.services.sheets import self_score

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_people(db) -> None:
    call_command("load_reference_data", stdout=io.StringIO())
    call_command("load_demo_data", force=True, stdout=io.StringIO())


def load() -> str:
    out = io.StringIO()
    call_command("load_demo_scoring", force=True, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        m.__name__: m.objects.count()
        for m in (CriteriaSet, Criterion, Round, ScoreSheet, PublishedResult)
    }


def test_demo_loads_once_and_a_second_run_changes_nothing(demo_people):
    """One load serves every check below (the demo takes seconds to build)."""
    assert "8 created" in load()
    first = counts()
    _published_rounds_rank_every_unit_with_a_band()
    _demo_sets_use_every_method_and_are_labelled_demo()
    _focal_point_can_self_assess_today_thanks_to_an_exception()
    assert "0 created" in load()
    assert counts() == first


def _published_rounds_rank_every_unit_with_a_band():
    published = Round.objects.filter(status=Round.Status.PUBLISHED).order_by("year")
    assert [r.year for r in published] == [2024, 2025]
    first = published[0].publications.get()
    assert set(first.results.values_list("group", flat=True)) == {"departments", "districts"}
    for line in first.results.all():
        assert line.rank is not None
        assert line.band
        assert line.appraised_total <= line.maximum


def _demo_sets_use_every_method_and_are_labelled_demo():
    for s in CriteriaSet.objects.filter(is_template=False):
        assert s.is_demo
        methods = set(s.criteria.exclude(method="").values_list("method", flat=True))
        assert methods == set(Method.values)
    assert CriteriaSet.objects.filter(is_template=True).count() == 1


def _focal_point_can_self_assess_today_thanks_to_an_exception():
    current = Round.objects.get(status=Round.Status.OPEN)
    sheet = current.sheets.get(unit__code="STP")
    assert sheet.status == ScoreSheet.Status.DRAFT
    assert current.exceptions.filter(unit__code="STP", stage="self").exists()
    score = sheet.scores.filter(
        criterion__method=Method.MANUAL, criterion__source="self_assessment"
    ).first()
    focal_point = User.objects.get(username="focal_point")
    self_score(score, by=focal_point, entered_points=0, note="x")
    score.refresh_from_db()
    assert score.entered_points == 0
    others = current.sheets.exclude(unit__code="STP")
    assert others.filter(status=ScoreSheet.Status.SUBMITTED).exists()


def test_demo_needs_the_demo_people(db):
    with pytest.raises(CommandError):
        call_command("load_demo_scoring", force=True, stdout=io.StringIO())
