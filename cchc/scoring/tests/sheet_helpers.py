"""Shared helpers for the score sheet tests (test_views_sheets_*.py, test_queries.py): a
sheet set with every method, a round opened for it, the days of its stages and the page's URLs."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.core.tests.files import make_pdf
from cchc.scoring.models import CriteriaSet, Criterion, Round, Score, ScoreSheet
from cchc.scoring.services import rounds

from .round_helpers import SCHEDULE


def _day(month: int, day: int) -> time_machine.travel:
    moment = datetime.datetime(2027, month, day, 2, tzinfo=datetime.UTC)  # 09:00 in Vietnam
    return time_machine.travel(moment, tick=False)


def on_self_day() -> time_machine.travel:
    return _day(1, 2)


def on_appraisal_1_day() -> time_machine.travel:
    return _day(1, 12)


def on_explanation_day() -> time_machine.travel:
    return _day(1, 17)


def on_appraisal_2_day() -> time_machine.travel:
    return _day(1, 19)


# --- builders -----------------------------------------------------------------------------


def _node(s: CriteriaSet, code: str, max_points: str, parent=None, **fields) -> Criterion:
    fields.setdefault("name", f"Tiêu chí {code}")
    return Criterion.objects.create(
        criteria_set=s,
        parent=parent,
        code=code,
        depth=code.count(".") + 1,
        area_code=code.split(".")[0],
        position=fields.pop("position"),
        max_points=D(max_points),
        **fields,
    )


def make_sheet_set(
    year: int = 2026, *, extra_leaves: int = 0, name: str = "Bộ tiêu chí sở"
) -> CriteriaSet:
    """Two areas, every method (25 points), and `extra_leaves` manual rows in a third area.

    1     Chỉ đạo, điều hành                 13
    1.1     manual 5 (step 0.5, may be n/a)
    1.2     choice 2 (yes 2 / partly 1 / no 0 / n/a)
    1.3     ratio 3 (full marks from 80 %)
    1.4     bands on a number 3 (0 / 1.5 / 3 from 0 / 1 / 3)
    2     Thủ tục hành chính                 12
    2.1     bands on a ratio 2 (0 / 1 / 2 from 0 / 50 / 80 %)
    2.2     metric 4 (plan tasks on time)
    2.3     survey 4
    2.4     criterion with one sub-criterion
    2.4.1     manual 2
    """
    s = CriteriaSet.objects.create(year=year, group="departments", name=name)
    pos = iter(range(1000))
    a1 = _node(s, "1", "13", position=next(pos), name="Chỉ đạo, điều hành")
    _node(
        s,
        "1.1",
        "5",
        a1,
        position=next(pos),
        method="manual",
        params={"step": "0.5"},
        allows_not_applicable=True,
        guidance="Đủ: 5 điểm",
        evidence_required="Báo cáo kiểm tra",
    )
    options = [
        {"key": "yes", "label": "Có", "points": "2"},
        {"key": "partly", "label": "Một phần", "points": "1"},
        {"key": "no", "label": "Không", "points": "0"},
        {"key": "na", "label": "Không áp dụng", "not_applicable": True},
    ]
    _node(
        s,
        "1.2",
        "2",
        a1,
        position=next(pos),
        method="choice",
        params={"options": options},
        allows_not_applicable=True,
    )
    _node(s, "1.3", "3", a1, position=next(pos), method="ratio", params={"threshold": "80"})
    bands = [
        {"from": "0", "points": "0"},
        {"from": "1", "points": "1.5"},
        {"from": "3", "points": "3"},
    ]
    params = {"basis": "number", "bands": bands}
    _node(s, "1.4", "3", a1, position=next(pos), method="bands", params=params)
    a2 = _node(s, "2", "12", position=next(pos), name="Thủ tục hành chính")
    bands = [
        {"from": "0", "points": "0"},
        {"from": "50", "points": "1"},
        {"from": "80", "points": "2"},
    ]
    params = {"basis": "ratio", "bands": bands}
    _node(s, "2.1", "2", a2, position=next(pos), method="bands", params=params)
    params = {"metric": "plans.tasks_on_time", "threshold": "80"}
    _node(s, "2.2", "4", a2, position=next(pos), method="metric", params=params)
    _node(s, "2.3", "4", a2, position=next(pos), method="survey", source="survey")
    c24 = _node(s, "2.4", "2", a2, position=next(pos))
    _node(s, "2.4.1", "2", c24, position=next(pos), method="manual")
    if extra_leaves:
        a3 = _node(s, "3", str(extra_leaves), position=next(pos), name="Thêm")
        for i in range(1, extra_leaves + 1):
            _node(s, f"3.{i}", "1", a3, position=next(pos), method="manual")
    return s


def open_for(by, *units, criteria_set: CriteriaSet | None = None) -> tuple[Round, ScoreSheet]:
    """Open the 2026 round (today, before its schedule) for `units`; the first one's sheet."""
    round_ = rounds.open_round(
        year=2026,
        name="Chỉ số CCHC 2026",
        criteria_sets=[criteria_set or make_sheet_set()],
        schedule=SCHEDULE,
        by=by,
        units=list(units),
    )
    return round_, round_.sheets.get(unit=units[0])


def score_of(sheet: ScoreSheet, code: str) -> Score:
    return sheet.scores.select_related("criterion").get(criterion__code=code)


def pdf(name: str = "bien-ban.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_pdf(), content_type="application/pdf")


HTMX = {"HTTP_HX_REQUEST": "true"}


def appraiser_of(round_, area_code: str, user, by) -> None:
    rounds.assign_appraiser(round_, area_code=area_code, appraiser=user, by=by)


def page(client, sheet: ScoreSheet) -> str:
    response = client.get(sheet.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def save_url(score: Score) -> str:
    return reverse("scoring:score_save", args=[score.pk])


def _complete(sheet: ScoreSheet, client) -> None:
    """Score every self-assessed row with a note (no evidence needed then)."""
    posts = {
        "1.1": {"entered_points": "5"},
        "1.2": {"choice": "yes"},
        "1.3": {"numerator": "9", "denominator": "10"},
        "1.4": {"value": "3"},
        "2.1": {"numerator": "6", "denominator": "10"},
        "2.4.1": {"entered_points": "2"},
    }
    for code, data in posts.items():
        response = client.post(save_url(score_of(sheet, code)), {**data, "note": "Hồ sơ giấy"})
        assert response.status_code == 302
