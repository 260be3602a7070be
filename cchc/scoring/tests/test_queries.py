"""The sheet read model: rows in tree order with subtotals, differences, and who may do what."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cchc.scoring import queries
from cchc.scoring.services import appraisal, rounds, sheets

from .round_helpers import SCHEDULE
from .sheet_helpers import (
    make_sheet_set,
    on_appraisal_1_day,
    on_self_day,
    open_for,
    score_of,
)

pytestmark = pytest.mark.django_db


def test_rows_follow_the_tree_with_subtotals(home_affairs_officer, focal_point, unit_a):
    _, sheet = open_for(home_affairs_officer, unit_a)
    with on_self_day():
        sheets.self_score(score_of(sheet, "1.1"), by=focal_point, entered_points=D("4.5"))
        sheets.self_score(score_of(sheet, "1.3"), by=focal_point, numerator=D(3), denominator=D(8))
        sheets.self_score(score_of(sheet, "2.4.1"), by=focal_point, entered_points=D(1))
        rows = queries.sheet_rows(sheet, focal_point)
    shape = [(r.code, r.heading, r.points, r.maximum) for r in rows]
    assert shape == [
        ("1", True, D("5.91"), D("13.00")),
        ("1.1", False, D("4.50"), D("5.00")),
        ("1.2", False, None, D("2.00")),
        ("1.3", False, D("1.41"), D("3.00")),  # 37.5 % of a threshold of 80 % x 3
        ("1.4", False, None, D("3.00")),
        ("2", True, D("1.00"), D("12.00")),
        ("2.1", False, None, D("2.00")),
        ("2.2", False, None, D("4.00")),
        ("2.3", False, None, D("4.00")),
        ("2.4", True, D("1.00"), D("2.00")),
        ("2.4.1", False, D("1.00"), D("2.00")),
    ]
    ratio = rows[3]
    assert ratio.percent == D("37.50")
    assert rows[-1].ancestors == ["2.4", "2"]
    assert [r.can_self for r in rows if not r.heading] == [True] * 6 + [False, True]
    assert {r.evidence_stage for r in rows if not r.heading and r.code != "2.3"} == {"self"}


def test_not_applicable_leaves_the_maximum(home_affairs_officer, focal_point, unit_a):
    _, sheet = open_for(home_affairs_officer, unit_a)
    with on_self_day():
        sheets.self_score(score_of(sheet, "1.2"), by=focal_point, choice="na")
        rows = {r.code: r for r in queries.sheet_rows(sheet, focal_point)}
    assert rows["1.2"].not_applicable
    assert rows["1.2"].choice_label == "Không áp dụng"
    assert rows["1"].maximum == D("11.00")


def test_differences_between_the_columns(
    home_affairs_officer, focal_point, unit_leader, appraiser, unit_a
):
    round_, sheet = open_for(home_affairs_officer, unit_a)
    rounds.assign_appraiser(round_, area_code="1", appraiser=appraiser, by=home_affairs_officer)
    with on_self_day():
        manual = score_of(sheet, "1.1")
        sheets.self_score(manual, by=focal_point, entered_points=D(3))
    with on_appraisal_1_day():
        sheet.status = sheet.Status.SUBMITTED  # as if submitted (the rows only read it)
        manual.sheet = sheet
        appraisal.appraise(manual, round_no=1, points=D("3.5"), by=appraiser)
        rows = {r.code: r for r in queries.sheet_rows(sheet, appraiser)}
        access = queries.sheet_access(sheet, appraiser)
    row = rows["1.1"]
    assert (row.diff_1.value, row.diff_1.css, row.diff_1.sign) == (D("0.50"), "diff-up", "+")
    assert row.diff_2 is None
    assert row.can_appraise == 1
    assert set(rows) == {"1", "1.1", "1.2", "1.3", "1.4"}  # only the area appraised
    assert (access.full_view, access.areas, access.appraise_round) == (False, {"1"}, 1)
    assert not access.self_assess


def test_diff_words_a_decrease_with_a_minus_sign():
    change = queries.diff(D("4.00"), D("5.00"))
    assert (change.css, change.sign, change.magnitude) == ("diff-down", "\u2212", D("1.00"))
    assert queries.diff(D(1), D(1)) is None
    assert queries.diff(None, D(1)) is None


def _page_queries(client, sheet) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(sheet.get_absolute_url())
    assert response.status_code == 200
    return len(captured)


def test_the_page_reads_a_large_sheet_in_a_constant_number_of_queries(
    client, django_assert_max_num_queries, home_affairs_officer, focal_point, unit_a, unit_b
):
    _, small = open_for(home_affairs_officer, unit_a)
    large_set = make_sheet_set(extra_leaves=150, name="Bộ tiêu chí lớn")
    round_ = rounds.open_round(
        year=2026,
        name="Vòng lớn",
        criteria_sets=[large_set],
        schedule=SCHEDULE,
        by=home_affairs_officer,
        units=[unit_a],
    )
    large = round_.sheets.get()
    with on_self_day():
        for code in ("1.1", "3.1", "3.2"):
            sheets.self_score(score_of(large, code), by=focal_point, entered_points=D(1))
        client.force_login(focal_point)
        small_count = _page_queries(client, small)
        with django_assert_max_num_queries(small_count):
            html = client.get(large.get_absolute_url()).content.decode()
    assert html.count('class="sheet-row') == 158
