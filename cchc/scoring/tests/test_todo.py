from decimal import Decimal

import pytest

from cchc.core.home import todo_for
from cchc.scoring.services import rounds, sheets

from .round_helpers import SCHEDULE, on, tiny_set

pytestmark = pytest.mark.django_db


def _texts(user):
    return {item.text: item.count for item in todo_for(user).items}


def test_units_then_appraisers_see_what_they_must_do(
    english, home_affairs_officer, focal_point, unit_leader, appraiser, outsider, unit_a
):
    with on("self"):
        round_ = rounds.open_round(
            year=2026,
            name="R",
            criteria_sets=[tiny_set()],
            schedule=SCHEDULE,
            by=home_affairs_officer,
            units=[unit_a],
        )
        rounds.assign_appraiser(round_, area_code="1", appraiser=appraiser, by=home_affairs_officer)
        assert _texts(focal_point)["PAR Index self-assessments to complete"] == 1
        assert "PAR Index self-assessments to complete" not in _texts(outsider)
        assert "PAR Index sheets waiting for your appraisal" not in _texts(appraiser)
        sheet = round_.sheets.get()
        manual, ratio = sheet.scores.order_by("criterion__position")
        sheets.self_score(manual, by=focal_point, entered_points=Decimal(6), note="n")
        sheets.self_score(
            ratio, by=focal_point, numerator=Decimal(1), denominator=Decimal(1), note="n"
        )
        sheets.submit_sheet(sheet, by=unit_leader)
        assert "PAR Index self-assessments to complete" not in _texts(focal_point)
        assert _texts(appraiser)["PAR Index sheets waiting for your appraisal"] == 1
