import datetime
from decimal import Decimal as D

import pytest
import time_machine
from django.core.exceptions import ValidationError

from cchc.scoring.models import Band, CriteriaSet, Criterion
from cchc.scoring.services import appraisal, publication, rounds, sheets

pytestmark = pytest.mark.django_db


def _set():
    s = CriteriaSet.objects.create(year=2026, group="departments", name="T")
    a = Criterion.objects.create(
        criteria_set=s, code="1", name="A", max_points=D(10), depth=1, area_code="1", position=0
    )
    Criterion.objects.create(
        criteria_set=s,
        parent=a,
        code="1.1",
        name="m",
        max_points=D(6),
        depth=2,
        area_code="1",
        position=1,
        method="manual",
    )
    Criterion.objects.create(
        criteria_set=s,
        parent=a,
        code="1.2",
        name="r",
        max_points=D(4),
        depth=2,
        area_code="1",
        position=2,
        method="ratio",
        params={"threshold": "80"},
    )
    Band.objects.create(criteria_set=s, label="Tốt", min_percent=D(80))
    Band.objects.create(criteria_set=s, label="Khá", min_percent=D(0))
    return s


SCHEDULE = {
    "self_from": datetime.date(2027, 1, 1),
    "self_to": datetime.date(2027, 1, 10),
    "appraisal_1_from": datetime.date(2027, 1, 11),
    "appraisal_1_to": datetime.date(2027, 1, 15),
    "explanation_from": datetime.date(2027, 1, 16),
    "explanation_to": datetime.date(2027, 1, 18),
    "appraisal_2_from": datetime.date(2027, 1, 19),
    "appraisal_2_to": datetime.date(2027, 1, 20),
    "council_from": datetime.date(2027, 1, 21),
    "council_to": datetime.date(2027, 1, 25),
    "publish_on": datetime.date(2027, 1, 26),
}


def test_whole_round(
    home_affairs_officer, focal_point, unit_leader, appraiser, council_member, unit_a
):
    s = _set()
    with time_machine.travel(datetime.datetime(2027, 1, 2, 9, tzinfo=datetime.UTC)):
        r = rounds.open_round(
            year=2026,
            name="R",
            criteria_sets=[s],
            schedule=SCHEDULE,
            by=home_affairs_officer,
            units=[unit_a],
        )
        rounds.assign_appraiser(r, area_code="1", appraiser=appraiser, by=home_affairs_officer)
        sheet = r.sheets.get()
        m, q = sheet.scores.order_by("criterion__position")
        sheets.self_score(m, by=focal_point, entered_points=D(5), note="no file")
        with pytest.raises(ValidationError):
            sheets.self_score(q, by=focal_point, numerator=D(5), denominator=D(4))
        sheets.self_score(q, by=focal_point, numerator=D(3), denominator=D(4), note="x")
        sheet.refresh_from_db()
        assert sheet.self_total == D("8.75")
        sheets.submit_sheet(sheet, by=unit_leader)
    with time_machine.travel(datetime.datetime(2027, 1, 12, 9, tzinfo=datetime.UTC)):
        appraisal.appraise(
            m, round_no=1, points=D(4), comment="why?", needs_explanation=True, by=appraiser
        )
        appraisal.close_round_1(sheet, by=home_affairs_officer)
    with time_machine.travel(datetime.datetime(2027, 1, 17, 9, tzinfo=datetime.UTC)):
        appraisal.explain(m, text="because", by=focal_point)
        appraisal.send_explanations(sheet, by=focal_point)
    with time_machine.travel(datetime.datetime(2027, 1, 19, 9, tzinfo=datetime.UTC)):
        appraisal.appraise(m, round_no=2, points=D("4.5"), by=appraiser)
        appraisal.close_round_2(sheet, by=home_affairs_officer)
        publication.compile_round(r, by=home_affairs_officer)
    with time_machine.travel(datetime.datetime(2027, 1, 22, 9, tzinfo=datetime.UTC)):
        publication.approve_round(r, by=council_member)
        p = publication.publish_round(r, by=home_affairs_officer)
    line = p.results.get()
    assert (line.appraised_total, line.index, line.rank, line.band) == (
        D("8.25"),
        D("82.50"),
        1,
        "Tốt",
    )
    with time_machine.travel(datetime.datetime(2027, 2, 1, 9, tzinfo=datetime.UTC)):
        p2 = publication.correct_published_score(
            type(m).objects.get(pk=m.pk), points=D(3), reason="error", by=home_affairs_officer
        )
    assert p2.revision == 2
    assert p2.results.get().index == D("67.50")
    assert p.results.get().index == D("82.50")
