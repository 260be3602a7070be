"""A whole round through the services: self-assessment, two appraisal rounds with an
explanation, council, publication and a recorded revision."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from cchc.scoring.models import Score
from cchc.scoring.services import appraisal, publication, rounds, sheets

from .round_helpers import SCHEDULE, on, tiny_set

pytestmark = pytest.mark.django_db


def test_whole_round(
    home_affairs_officer, focal_point, unit_leader, appraiser, council_member, unit_a
):
    officer = home_affairs_officer
    with on("self"):
        r = rounds.open_round(
            year=2026, name="R", criteria_sets=[tiny_set()], schedule=SCHEDULE, by=officer,
            units=[unit_a],
        )  # fmt: skip
        rounds.assign_appraiser(r, area_code="1", appraiser=appraiser, by=officer)
        sheet = r.sheets.get()
        m, q = sheet.scores.order_by("criterion__position")
        sheets.self_score(m, by=focal_point, entered_points=D(5), note="no file")
        with pytest.raises(ValidationError):
            sheets.self_score(q, by=focal_point, numerator=D(5), denominator=D(4))
        sheets.self_score(q, by=focal_point, numerator=D(3), denominator=D(4), note="x")
        sheet.refresh_from_db()
        assert sheet.self_total == D("8.75")  # 5 + 75 % ÷ 80 % x 4
        sheets.submit_sheet(sheet, by=unit_leader)
    with on("appraisal_1"):
        appraisal.appraise(
            m, round_no=1, points=D(4), comment="why?", needs_explanation=True, by=appraiser
        )
        appraisal.close_round_1(sheet, by=officer)
    with on("explanation"):
        appraisal.explain(m, text="because", by=focal_point)
        appraisal.send_explanations(sheet, by=focal_point)
    with on("appraisal_2"):
        appraisal.appraise(m, round_no=2, points=D("4.5"), by=appraiser)
        appraisal.close_round_2(sheet, by=officer)
        publication.compile_round(r, by=officer)
    with on("council"):
        publication.approve_round(r, by=council_member)
        p = publication.publish_round(r, by=officer)
    line = p.results.get()
    assert (line.appraised_total, line.index, line.rank, line.band) == (
        D("8.25"),
        D("82.50"),
        1,
        "Tốt",
    )
    with on("after"):
        fresh = Score.objects.get(pk=m.pk)
        p2 = publication.correct_published_score(fresh, points=D(3), reason="error", by=officer)
    assert p2.revision == 2
    assert p2.results.get().index == D("67.50")
    assert p.results.get().index == D("82.50")  # revision 1 is unchanged
