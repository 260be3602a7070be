"""Results read models: the ranking (ties, bands, areas), the scorecard (top lost points,
last year). Rounds are driven through the services in the future (role assignments
start today): the 2026 round in January 2027, the 2027 round in January 2028.

`build_round` is shared by the other results tests (views, exports, documents).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal as D

import pytest
import time_machine
from django.utils import translation

from cchc.accounts.roles import Role
from cchc.accounts.tests.factories import make_user
from cchc.scoring import results
from cchc.scoring.models import Band, CriteriaSet, Criterion, PublishedResult, Round
from cchc.scoring.services import appraisal, publication, rounds, sheets
from cchc.units.models import Unit
from cchc.units.tests.factories import make_unit

pytestmark = pytest.mark.django_db

# Points per unit: {criterion code: (self points, appraised points)}
Points = Mapping[str, tuple[D, D]]
FULL: Points = {"I.1": (D(6), D(6)), "I.2": (D(4), D(4)), "II.1": (D(10), D(10))}


def two_area_set(year: int = 2026, group: str = "departments") -> CriteriaSet:
    """Area I (10 points: I.1 of 6, I.2 of 4) and area II (10 points: II.1); four bands."""
    s = CriteriaSet.objects.create(year=year, group=group, name=f"Bộ tiêu chí {group} {year}")
    one = Criterion.objects.create(
        criteria_set=s, code="I", name="Công tác chỉ đạo", max_points=D(10), area_code="I"
    )
    two = Criterion.objects.create(
        criteria_set=s,
        code="II",
        name="Cải cách thủ tục hành chính",
        max_points=D(10),
        area_code="II",
        position=10,
    )
    for parent, code, name, maximum, position in (
        (one, "I.1", "Ban hành kế hoạch CCHC", 6, 1),
        (one, "I.2", "Báo cáo định kỳ", 4, 2),
        (two, "II.1", "Công khai thủ tục hành chính", 10, 11),
    ):
        Criterion.objects.create(
            criteria_set=s,
            parent=parent,
            depth=2,
            area_code=parent.code,
            code=code,
            name=name,
            max_points=D(maximum),
            position=position,
            method="manual",
            params={"step": "0.5"},
        )
    for label, start in (("Xuất sắc", 90), ("Tốt", 80), ("Khá", 65), ("Trung bình", 0)):
        Band.objects.create(criteria_set=s, label=label, min_percent=D(start))
    return s


def schedule(year: int) -> dict[str, datetime.date]:
    """The round assessing `year` runs in January of the next year."""
    y = year + 1
    days = (1, 10, 11, 15, 16, 18, 19, 20, 21, 25, 26)
    return dict(zip(rounds.SCHEDULE, (datetime.date(y, 1, d) for d in days), strict=True))


def at(year: int, day: int) -> time_machine.travel:
    """09:00 in Việt Nam on `day` January of the year after the one assessed."""
    moment = datetime.datetime(year + 1, 1, day, 2, tzinfo=datetime.UTC)
    return time_machine.travel(moment, tick=False)


def _head(unit: Unit):
    from cchc.accounts.models import User

    found = User.objects.filter(
        role_assignments__unit=unit, role_assignments__role=Role.UNIT_LEADER
    ).first()
    return found or make_user(f"head-{unit.code}", roles=[(Role.UNIT_LEADER, unit)])


def _self_assess(round_: Round, points: Mapping[Unit, Points]) -> None:
    for unit, scores in points.items():
        head = _head(unit)
        sheet = round_.sheets.get(unit=unit)
        for score in sheet.scores.select_related("criterion"):
            mine, _final = scores[score.criterion.code]
            sheets.self_score(score, by=head, entered_points=mine, note="Hồ sơ lưu tại đơn vị")
        sheets.submit_sheet(sheet, by=head)


def _appraise(round_: Round, points: Mapping[Unit, Points], by) -> None:
    for unit, scores in points.items():
        sheet = round_.sheets.get(unit=unit)
        for score in sheet.scores.select_related("criterion"):
            mine, final = scores[score.criterion.code]
            if final != mine:
                comment = f"Thiếu tài liệu kiểm chứng ({score.criterion.code})"
                appraisal.appraise(score, round_no=1, points=final, comment=comment, by=by)
        appraisal.close_round_1(sheet, by=by)


def build_round(
    points: Mapping[Unit, Points],
    *,
    secretariat,
    council,
    year: int = 2026,
    sets: list[CriteriaSet] | None = None,
    until: str = "published",
) -> Round:
    """A round for `year` with one sheet per unit, driven through the services up to
    `until` ("submitted", "compiled", "approved" or "published")."""
    sets = sets or [two_area_set(year)]
    with at(year, 2):
        round_ = rounds.open_round(
            year=year,
            name=f"Chỉ số CCHC năm {year}",
            criteria_sets=sets,
            schedule=schedule(year),
            by=secretariat,
            units=list(points),
        )
        _self_assess(round_, points)
    if until == "submitted":
        return round_
    with at(year, 12):
        _appraise(round_, points, secretariat)
    with at(year, 19):
        for sheet in round_.sheets.all():
            appraisal.close_round_2(sheet, by=secretariat)
        publication.compile_round(round_, by=secretariat)
    if until == "compiled":
        return round_
    with at(year, 22):
        publication.approve_round(round_, by=council)
        if until == "published":
            publication.publish_round(round_, by=secretariat)
    round_.refresh_from_db()
    return round_


def scored(i1: str, i2: str, ii1: str) -> Points:
    """Self points in full; the appraisers give these."""
    return {"I.1": (D(6), D(i1)), "I.2": (D(4), D(i2)), "II.1": (D(10), D(ii1))}


def published_round(
    unit_a: Unit, unit_b: Unit, district: Unit, *, secretariat, council, until="published"
) -> Round:
    """The 2026 round: unit_a and unit_b tie at 85 %, "Sở Xây dựng" has 60 %; the district
    (95 %) is alone in its group."""
    unit_c = make_unit("Sở Xây dựng tỉnh An Giang", parent=unit_a.parent, code="SXD")
    points = {
        unit_a: scored("5", "4", "8"),  # 17 / 20
        unit_b: scored("6", "3", "8"),  # 17 / 20
        unit_c: scored("3", "2", "7"),  # 12 / 20
        district: scored("6", "4", "9"),  # 19 / 20
    }
    sets = [two_area_set(2026), two_area_set(2026, "districts")]
    return build_round(points, secretariat=secretariat, council=council, sets=sets, until=until)


@pytest.fixture
def published(unit_a, unit_b, district, home_affairs_officer, council_member) -> Round:
    return published_round(
        unit_a, unit_b, district, secretariat=home_affairs_officer, council=council_member
    )


@pytest.fixture
def unit_c(published) -> Unit:
    return Unit.objects.get(code="SXD")


# --- the ranking --------------------------------------------------------------------------


def test_ranking_shares_ranks_on_ties_within_a_group(published, unit_a, unit_b, unit_c):
    board = results.ranking(published)
    departments = board.groups[0]
    assert departments.group == "departments"
    assert [(x.unit_name, x.rank, x.index) for x in departments.lines] == [
        (unit_a.name, 1, D("85.00")),
        (unit_b.name, 1, D("85.00")),
        (unit_c.name, 3, D("60.00")),
    ]


def test_each_group_is_ranked_on_its_own(published, district):
    board = results.ranking(published)
    assert [g.group for g in board.groups] == ["departments", "districts"]
    (line,) = board.groups[1].lines
    assert (line.unit_id, line.rank, line.index, line.band) == (
        district.pk,
        1,
        D("95.00"),
        "Xuất sắc",
    )


def test_bands_follow_the_thresholds_of_the_set(published, unit_a, unit_c):
    board = results.ranking(published)
    assert board.line_of(unit_a.pk).band == "Tốt"
    assert board.line_of(unit_c.pk).band == "Trung bình"
    assert board.groups[0].bands[0] == ("Xuất sắc", D("90.00"))


def test_ranking_has_a_column_per_area_with_points_and_index(published, unit_a):
    board = results.ranking(published)
    group = board.groups[0]
    assert [(c.code, c.name) for c in group.columns] == [
        ("I", "Công tác chỉ đạo"),
        ("II", "Cải cách thủ tục hành chính"),
    ]
    line = board.line_of(unit_a.pk)
    one, two = line.areas
    assert (one.points, one.maximum, one.index, one.lost) == (D(9), D(10), D("90.00"), D(1))
    assert (two.points, two.index) == (D(8), D("80.00"))
    assert (line.self_total, line.appraised_total, line.maximum) == (D(20), D(17), D(20))


def test_published_ranking_reads_the_current_publication(published, home_affairs_officer):
    board = results.ranking(published)
    assert board.publication.revision == 1
    assert not board.is_provisional
    assert board.is_current
    assert results.ranking(published, revision=2) is None


def test_before_publication_the_ranking_is_provisional(
    unit_a, unit_b, home_affairs_officer, council_member
):
    r = build_round(
        {unit_a: scored("5", "4", "8"), unit_b: FULL},
        secretariat=home_affairs_officer,
        council=council_member,
        until="compiled",
    )
    board = results.ranking(r)
    assert board.is_provisional
    assert [(x.unit_id, x.rank) for x in board.groups[0].lines] == [(unit_b.pk, 1), (unit_a.pk, 2)]


def test_who_sees_provisional_results(
    unit_a, home_affairs_officer, council_member, focal_point, leader, appraiser, admin_user
):
    r = build_round(
        {unit_a: FULL},
        secretariat=home_affairs_officer,
        council=council_member,
        until="submitted",
    )
    assert results.can_see_results(r, home_affairs_officer)
    assert results.can_see_results(r, admin_user)
    assert not results.can_see_results(r, council_member)  # not compiled yet
    for user in (focal_point, leader, appraiser):
        assert not results.can_see_results(r, user)
    with at(2026, 19):
        for sheet in r.sheets.all():
            appraisal.close_round_1(sheet, by=home_affairs_officer)
            appraisal.close_round_2(sheet, by=home_affairs_officer)
        publication.compile_round(r, by=home_affairs_officer)
    r.refresh_from_db()
    assert results.can_see_results(r, council_member)
    assert not results.can_see_results(r, leader)


# --- the ranking as shown -----------------------------------------------------------------

NUMBERS = [
    D("85.00"),
    D("0.00"),
    D("0"),
    D("100"),
    D("-1.50"),
    D("1234567.5"),
    D("1E+2"),
    D("0.000001"),
    D("-0.00"),
    3,
    0,
]


@pytest.mark.parametrize("format_path", [["config.formats"], None])
@pytest.mark.parametrize("grouping", [False, True])
def test_number_formatter_writes_numbers_as_the_template_does(format_path, grouping):
    from django.template import Context, Template
    from django.test import override_settings
    from django.utils import formats

    template = Template("{{ value }}")
    with override_settings(FORMAT_MODULE_PATH=format_path, USE_THOUSAND_SEPARATOR=grouping):
        formats.reset_format_cache()
        try:
            for language in ("vi", "en"):
                with translation.override(language):
                    shown = results.number_formatter()
                    for value in NUMBERS:
                        expected = template.render(Context({"value": value}))
                        assert shown(value) == expected, (language, value)
                    assert shown(None) == "—"
        finally:
            formats.reset_format_cache()


def test_numbers_have_a_decimal_comma_in_vietnamese():
    with translation.override("vi"):
        assert results.number_formatter()(D("82.50")) == "82,50"


def _shown_group() -> results.GroupRanking:
    one = results.AreaFigure("I", "Công tác chỉ đạo", D("9.00"), D("10.00"), D("90.00"))
    two = results.AreaFigure("II", "Cải cách thủ tục hành chính", D("7.5"), D(10), D("75.00"))
    lines = [
        results.Line(5, "Sở Tư pháp", "departments", 1, D("20.00"), D("16.50"), D("20.00"),
                     D("82.50"), "Tốt", [one, two], sheet_id=41),
        results.Line(6, "Sở <Mới>", "departments", None, None, D("9.00"), D("10.00"), None, "",
                     [one], sheet_id=None),
    ]  # fmt: skip
    columns = [results.AreaColumn("I", one.name), results.AreaColumn("II", two.name)]
    return results.GroupRanking("departments", "Departments and agencies", columns, lines)


def test_shown_lines_write_every_figure_for_the_active_language():
    with translation.override("vi"):
        first, second = results.shown_lines(
            _shown_group(), figures="index", link=lambda pk: f"/sheets/{pk}/"
        )
        points = results.shown_lines(_shown_group(), figures="points", link=str)
    assert first == results.ShownLine(
        rank="1",
        unit_name="Sở Tư pháp",
        url="/sheets/41/",
        self_total="20,00",
        appraised_total="16,50",
        maximum="20,00",
        index="82,50",
        band="Tốt",
        areas=["90,00", "75,00"],
    )
    # No rank, no index, no band, no sheet, an area the unit does not have: "—".
    assert (second.rank, second.self_total, second.index, second.band, second.url) == (
        "—",
        "—",
        "—",
        "—",
        "",
    )
    assert second.areas == ["90,00", "—"]
    assert [x.areas for x in points] == [["9,00", "7,5"], ["9,00", "—"]]


def test_ranking_reads_its_lines_only_when_they_are_used(published):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    table = PublishedResult._meta.db_table
    with CaptureQueriesContext(connection) as before:
        board = results.ranking(published)
    assert not any(table in q["sql"] for q in before.captured_queries)
    assert "snapshot" in board.revisions[0].get_deferred_fields()
    with CaptureQueriesContext(connection) as used:
        assert len(board.groups) == 2
    assert any(table in q["sql"] for q in used.captured_queries)


# --- the scorecard ------------------------------------------------------------------------


def test_top_lost_sub_criteria_with_comments_most_first(published, unit_c, home_affairs_officer):
    sheet = published.sheets.get(unit=unit_c)
    card = results.scorecard(sheet, home_affairs_officer)
    assert [(i.code, i.points, i.lost) for i in card.lost] == [
        ("I.1", D(3), D(3)),
        ("II.1", D(7), D(3)),
        ("I.2", D(2), D(2)),
    ]
    assert card.lost[1].comments == ["Thiếu tài liệu kiểm chứng (II.1)"]


def test_top_lost_keeps_ten_and_leaves_out_full_marks(published, unit_a, home_affairs_officer):
    sheet = published.sheets.get(unit=unit_a)
    lost = results.lost_points(sheet)
    assert [i.code for i in lost] == ["II.1", "I.1"]
    assert results.lost_points(sheet, limit=1)[0].code == "II.1"


def test_scorecard_of_a_published_round_has_rank_band_and_group(published, unit_a, focal_point):
    with at(2026, 28):
        card = results.scorecard(published.sheets.get(unit=unit_a), focal_point)
    assert card.is_published
    assert (card.line.rank, card.line.band, card.line.index) == (1, "Tốt", D("85.00"))
    assert [x.unit_name for x in card.distribution.lines][-1] == "Sở Xây dựng tỉnh An Giang"
    assert card.last_round is None
    assert card.last_year is None


def test_scorecard_before_publication_has_no_rank_nor_group_for_the_unit(
    unit_a, unit_b, home_affairs_officer, council_member, focal_point
):
    r = build_round(
        {unit_a: scored("5", "4", "8"), unit_b: FULL},
        secretariat=home_affairs_officer,
        council=council_member,
        until="compiled",
    )
    sheet = r.sheets.get(unit=unit_a)
    with at(2026, 22):
        own = results.scorecard(sheet, focal_point)
        managed = results.scorecard(sheet, home_affairs_officer)
    assert (own.publication, own.distribution, own.line.rank) == (None, None, None)
    assert own.line.index == D("85.00")
    assert managed.distribution is not None
    assert len(managed.distribution.lines) == 2


def test_comparison_with_last_year_per_area_and_total(
    published, unit_a, home_affairs_officer, council_member
):
    this_year = build_round(
        {unit_a: scored("6", "4", "9")},
        secretariat=home_affairs_officer,
        council=council_member,
        year=2027,
    )
    with at(2027, 28):
        card = results.scorecard(this_year.sheets.get(unit=unit_a), home_affairs_officer)
    assert card.last_round == published
    assert [(c.code, c.last_index, c.index, c.change) for c in card.last_year] == [
        ("I", D("90.00"), D("100.00"), D("10.00")),
        ("II", D("80.00"), D("90.00"), D("10.00")),
        ("", D("85.00"), D("95.00"), D("10.00")),
    ]


def test_no_comparison_for_a_unit_absent_last_year(
    published, home_affairs_officer, council_member, province
):
    newcomer = make_unit("Sở Du lịch tỉnh An Giang", parent=province, code="SDL")
    this_year = build_round(
        {newcomer: FULL}, secretariat=home_affairs_officer, council=council_member, year=2027
    )
    with at(2027, 28):
        card = results.scorecard(this_year.sheets.get(unit=newcomer), home_affairs_officer)
    assert card.last_round == published
    assert card.last_year is None
