"""The score sheet page: self-assessment, evidence, submission, appraisal, explanations."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.accounts.roles import Role
from cchc.accounts.tests.factories import make_user
from cchc.core.tests.files import make_exe, make_pdf
from cchc.scoring.models import CriteriaSet, Criterion, Evidence, Round, Score, ScoreSheet
from cchc.scoring.services import rounds

from .round_helpers import SCHEDULE

pytestmark = pytest.mark.django_db


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


# --- the page -----------------------------------------------------------------------------


def test_unit_sees_the_whole_tree_with_inputs_and_what_is_missing(
    client, home_affairs_officer, focal_point, unit_a, english
):
    _, sheet = open_for(home_affairs_officer, unit_a)
    with on_self_day():
        client.force_login(focal_point)
        html = page(client, sheet)
    assert "Self-assessment, until 10/01/2027" in html
    for code in ("1", "1.1", "1.2", "1.3", "1.4", "2", "2.1", "2.2", "2.3", "2.4", "2.4.1"):
        assert f'id="c-{code}"' in html
    assert "Still missing: 6 criteria" in html
    assert '<a href="#c-2.4.1">2.4.1</a>' in html
    assert 'name="entered_points"' in html  # manual
    assert 'type="radio" name="choice" value="partly"' in html  # choice
    assert 'name="numerator"' in html  # ratio
    assert 'name="denominator"' in html
    assert 'name="value"' in html  # bands on a number
    assert "Points by percent achieved" in html  # the band table of 2.1
    survey = score_of(sheet, "2.3")
    assert reverse("scoring:score_survey", args=[survey.pk]) not in html
    assert reverse("scoring:sheet_submit", args=[sheet.pk]) not in html  # the head submits


def test_metric_row_shows_the_reading_and_its_figures(
    client, home_affairs_officer, focal_point, unit_a, english
):
    _, sheet = open_for(home_affairs_officer, unit_a)
    data = {"metric": "plans.tasks_on_time", "on_time": 12, "due": 15}
    Score.objects.filter(pk=score_of(sheet, "2.2").pk).update(
        metric_value=D("80.00"), metric_data=data
    )
    with on_self_day():
        client.force_login(focal_point)
        html = page(client, sheet)
    assert "<strong>80,00 %</strong>" in html
    assert "on time 12 / due 15" in html


def test_secretariat_enters_survey_points(client, home_affairs_officer, unit_a, english):
    _, sheet = open_for(home_affairs_officer, unit_a)
    survey = score_of(sheet, "2.3")
    with on_self_day():
        client.force_login(home_affairs_officer)
        assert reverse("scoring:score_survey", args=[survey.pk]) in page(client, sheet)
        url = reverse("scoring:score_survey", args=[survey.pk])
        response = client.post(url, {"entered_points": "3.5"}, **HTMX)
    survey.refresh_from_db()
    sheet.refresh_from_db()
    assert response.status_code == 200
    assert (survey.entered_points, survey.self_points) == (D("3.50"), D("3.50"))
    assert sheet.self_total == D("3.50")
    assert "Survey points saved." in response.content.decode()


# --- self-assessment ----------------------------------------------------------------------


def test_focal_point_saves_points_with_htmx(
    client, home_affairs_officer, focal_point, unit_a, english
):
    _, sheet = open_for(home_affairs_officer, unit_a)
    manual = score_of(sheet, "1.1")
    with on_self_day():
        client.force_login(focal_point)
        response = client.post(save_url(manual), {"entered_points": "4.5", "note": "x"}, **HTMX)
    html = response.content.decode()
    manual.refresh_from_db()
    assert response.status_code == 200
    assert (manual.entered_points, manual.self_points, manual.note) == (D("4.5"), D("4.5"), "x")
    assert html.count('class="sheet-row') == 1  # only the row …
    assert '<aside id="sheet-summary" class="sheet-summary"' in html  # … and out of band:
    assert 'hx-swap-oob="true">' in html
    assert "<dd>4,50 / 25,00</dd>" in html  # the totals
    area = Criterion.objects.get(criteria_set=sheet.criteria_set, code="1")
    assert f'id="sub-{area.pk}" hx-swap-oob="true">4,50 of 13,00 points' in html
    assert "Still missing: 5 criteria" in html
    assert "Saved." in html


def test_every_method_saves_without_javascript(
    client, home_affairs_officer, focal_point, unit_a, english
):
    _, sheet = open_for(home_affairs_officer, unit_a)
    posts = {
        "1.2": {"choice": "partly"},
        "1.3": {"numerator": "7", "denominator": "10"},
        "1.4": {"value": "2"},
        "2.1": {"numerator": "9", "denominator": "10"},
        "2.4.1": {"entered_points": "2"},
    }
    with on_self_day():
        client.force_login(focal_point)
        for code, data in posts.items():
            response = client.post(save_url(score_of(sheet, code)), data)
            assert response.status_code == 302
            assert response.url == f"{sheet.get_absolute_url()}#c-{code}"
        response = client.post(save_url(score_of(sheet, "1.1")), {"not_applicable": "on"})
        html = page(client, sheet)
    points = {s.criterion.code: s.self_points for s in sheet.scores.select_related("criterion")}
    assert points == {
        "1.1": None,
        "1.2": D("1.00"),
        "1.3": D("2.63"),  # 70 % of a threshold of 80 % x 3
        "1.4": D("1.50"),
        "2.1": D("2.00"),
        "2.2": None,
        "2.3": None,
        "2.4.1": D("2.00"),
    }
    sheet.refresh_from_db()
    assert (sheet.self_total, sheet.maximum) == (D("9.13"), D("20.00"))
    assert "7,00 achieved / 10,00 in total = <strong>70,00 %</strong>" in html
    assert "not applicable" in html


def test_points_over_the_maximum_are_refused_in_the_row(
    client, home_affairs_officer, focal_point, unit_a, english
):
    _, sheet = open_for(home_affairs_officer, unit_a)
    manual = score_of(sheet, "1.1")
    with on_self_day():
        client.force_login(focal_point)
        htmx = client.post(save_url(manual), {"entered_points": "7"}, **HTMX)
        plain = client.post(save_url(manual), {"entered_points": "7"})
    message = "Points must be between 0 and 5.00; 7 was entered."
    assert htmx.status_code == plain.status_code == 200
    row = htmx.content.decode()
    assert message in row
    assert row.index(message) > row.index('id="c-1.1"')  # in the row of 1.1
    assert 'value="7"' in row  # what was typed stays in the field
    assert message in plain.content.decode()  # the whole page, error on the row
    manual.refresh_from_db()
    assert (manual.entered_points, manual.self_points) == (None, None)


def test_saving_after_the_deadline_names_the_date(
    client, home_affairs_officer, focal_point, unit_a, english
):
    _, sheet = open_for(home_affairs_officer, unit_a)
    manual = score_of(sheet, "1.1")
    with on_appraisal_1_day():
        client.force_login(focal_point)
        html = page(client, sheet)
        response = client.post(save_url(manual), {"entered_points": "3"})
    closed = "Self-assessment closed on 10/01/2027."
    assert closed in html  # the notice at the top, and no inputs any more
    assert save_url(manual) not in html
    assert response.status_code == 200
    assert closed in response.content.decode()
    manual.refresh_from_db()
    assert manual.entered_points is None


# --- evidence -----------------------------------------------------------------------------


def test_focal_point_uploads_a_pdf_and_withdraws_it(
    client, home_affairs_officer, focal_point, unit_a, english
):
    _, sheet = open_for(home_affairs_officer, unit_a)
    manual = score_of(sheet, "1.1")
    url = reverse("scoring:evidence_add", args=[manual.pk])
    with on_self_day():
        client.force_login(focal_point)
        response = client.post(url, {"file": pdf("kiem-tra.pdf"), "note": "Biên bản"}, **HTMX)
        evidence = Evidence.objects.get()
        html = response.content.decode()
        download = reverse("core:attachment-download", args=[evidence.attachment_id])
        assert f'<a href="{download}">kiem-tra.pdf</a> — Biên bản' in html
        assert "Evidence added." in html
        assert client.get(download).status_code == 200
        withdraw = reverse("scoring:evidence_withdraw", args=[evidence.pk])
        response = client.post(withdraw)
        assert response.status_code == 302
        html = page(client, sheet)
    evidence.refresh_from_db()
    assert evidence.withdrawn_at is not None
    assert f'<del><a href="{download}">kiem-tra.pdf</a></del>' in html
    assert "(withdrawn on 02/01/2027)" in html


def test_focal_point_cites_a_progress_report(
    client, home_affairs_officer, focal_point, unit_a, english
):
    from cchc.plans import services as plans
    from cchc.plans.tests.helpers import assignment_for

    _, sheet = open_for(home_affairs_officer, unit_a)
    choice = score_of(sheet, "1.2")
    with on_self_day():
        client.force_login(focal_point)
        assignment = assignment_for(unit_a)
        report = plans.save_progress_report(
            assignment, percent=50, work_done="Đã làm", by=focal_point
        )
        assert f'value="progress_report:{report.pk}"' in page(client, sheet)
        url = reverse("scoring:evidence_add", args=[choice.pk])
        response = client.post(url, {"reference": f"progress_report:{report.pk}"})
    evidence = Evidence.objects.get()
    assert response.status_code == 302
    assert (evidence.reference_type, evidence.reference_id) == ("progress_report", report.pk)
    assert evidence.reference_url == assignment.get_absolute_url()
    assert evidence.attachment is None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "setup.exe",
            make_exe(),
            "setup.exe: this type of file is not accepted here (allowed: .docx, .jpeg, "
            ".jpg, .pdf, .png, .pptx, .xlsx).",
        ),
        (
            "bao-cao.pdf",
            "Đây là văn bản, không phải PDF".encode(),
            "bao-cao.pdf: this type of file is not accepted here (allowed: .docx, .jpeg, "
            ".jpg, .pdf, .png, .pptx, .xlsx).",
        ),
    ],
    ids=["executable", "text-named-pdf"],
)
def test_evidence_of_the_wrong_type_is_refused(
    client, home_affairs_officer, focal_point, unit_a, english, name, content, message
):
    _, sheet = open_for(home_affairs_officer, unit_a)
    manual = score_of(sheet, "1.1")
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    with on_self_day():
        client.force_login(focal_point)
        url = reverse("scoring:evidence_add", args=[manual.pk])
        response = client.post(url, {"file": upload}, **HTMX)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Evidence.objects.exists()


def test_evidence_too_large_is_refused(
    client, settings, home_affairs_officer, focal_point, unit_a, english
):
    settings.UPLOAD_MAX_BYTES = 100
    _, sheet = open_for(home_affairs_officer, unit_a)
    manual = score_of(sheet, "1.1")
    with on_self_day():
        client.force_login(focal_point)
        url = reverse("scoring:evidence_add", args=[manual.pk])
        response = client.post(url, {"file": pdf("lon.pdf")})
    assert response.status_code == 200
    assert "lon.pdf: the file is 0.0 MB; the limit is 0.0 MB." in response.content.decode()
    assert not Evidence.objects.exists()


def test_evidence_needs_a_file_or_a_record(
    client, home_affairs_officer, focal_point, unit_a, english
):
    _, sheet = open_for(home_affairs_officer, unit_a)
    with on_self_day():
        client.force_login(focal_point)
        url = reverse("scoring:evidence_add", args=[score_of(sheet, "1.1").pk])
        response = client.post(url, {"note": "?"}, **HTMX)
    assert "Choose a file or a record to cite." in response.content.decode()
    assert not Evidence.objects.exists()


# --- submission ---------------------------------------------------------------------------


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


def test_head_cannot_submit_with_missing_items(
    client, home_affairs_officer, unit_leader, unit_a, english
):
    _, sheet = open_for(home_affairs_officer, unit_a)
    with on_self_day():
        client.force_login(unit_leader)
        assert reverse("scoring:sheet_submit", args=[sheet.pk]) in page(client, sheet)
        response = client.post(reverse("scoring:sheet_submit", args=[sheet.pk]), follow=True)
    html = response.content.decode()
    assert "The sheet cannot be submitted yet: 1.1 (not scored yet); 1.2 (not scored yet)" in html
    sheet.refresh_from_db()
    assert sheet.status == ScoreSheet.Status.DRAFT


def test_head_submits_a_complete_sheet(
    client, home_affairs_officer, focal_point, unit_leader, unit_a, english
):
    _, sheet = open_for(home_affairs_officer, unit_a)
    with on_self_day():
        client.force_login(focal_point)
        _complete(sheet, client)
        assert "Nothing is missing: the head of unit can submit." in page(client, sheet)
        client.force_login(unit_leader)
        response = client.post(reverse("scoring:sheet_submit", args=[sheet.pk]), follow=True)
    sheet.refresh_from_db()
    assert sheet.status == ScoreSheet.Status.SUBMITTED
    assert sheet.submitted_by == unit_leader
    assert "The self-assessment was submitted for appraisal." in response.content.decode()
    assert (sheet.self_total, sheet.maximum) == (D("16.00"), D("25.00"))


# --- appraisal ----------------------------------------------------------------------------


@pytest.fixture
def submitted(client, home_affairs_officer, focal_point, unit_leader, appraiser, unit_a):
    """A submitted sheet whose area 1 `appraiser` appraises."""
    round_, sheet = open_for(home_affairs_officer, unit_a)
    appraiser_of(round_, "1", appraiser, home_affairs_officer)
    with on_self_day():
        client.force_login(focal_point)
        _complete(sheet, client)
        client.force_login(unit_leader)
        client.post(reverse("scoring:sheet_submit", args=[sheet.pk]))
    sheet.refresh_from_db()
    assert sheet.status == ScoreSheet.Status.SUBMITTED
    return sheet


def appraise_url(score: Score, round_no: int) -> str:
    return reverse("scoring:score_appraise", args=[score.pk, round_no])


def test_appraisal_explanation_and_round_2(
    client, submitted, home_affairs_officer, focal_point, appraiser, english
):
    sheet = submitted
    manual = score_of(sheet, "1.1")
    with on_appraisal_1_day():
        client.force_login(appraiser)
        html = page(client, sheet)
        assert appraise_url(manual, 1) in html
        data = {"points": "4", "comment": "Thiếu biên bản", "needs_explanation": "on"}
        response = client.post(appraise_url(manual, 1), data, **HTMX)
        assert "Appraisal saved." in response.content.decode()
        assert '<span class="diff-down">' in response.content.decode()
        client.force_login(home_affairs_officer)
        url = reverse("scoring:sheet_close_round_1", args=[sheet.pk])
        assert client.post(url).status_code == 302
    with on_explanation_day():
        client.force_login(focal_point)
        html = page(client, sheet)
        assert reverse("scoring:score_explain", args=[manual.pk]) in html
        assert reverse("scoring:score_explain", args=[score_of(sheet, "1.2").pk]) not in html
        url = reverse("scoring:score_explain", args=[manual.pk])
        data = {"explanation": "Bổ sung biên bản", "file": pdf("bo-sung.pdf")}
        response = client.post(url, data)
        assert response.status_code == 302
        send = reverse("scoring:sheet_send_explanations", args=[sheet.pk])
        assert client.post(send).status_code == 302
    with on_appraisal_2_day():
        client.force_login(appraiser)
        response = client.post(appraise_url(manual, 2), {"points": "4.5", "comment": "Đạt"})
        assert response.status_code == 302
        client.force_login(home_affairs_officer)
        client.post(reverse("scoring:sheet_close_round_2", args=[sheet.pk]))
        client.force_login(focal_point)
        html = page(client, sheet)
    manual.refresh_from_db()
    sheet.refresh_from_db()
    assert (manual.self_points, manual.round_1_points, manual.round_2_points) == (
        D("5.00"),
        D("4.00"),
        D("4.50"),
    )
    assert manual.explanation == "Bổ sung biên bản"
    extra = Evidence.objects.get(score=manual)
    assert (extra.stage, extra.attachment.original_name) == ("explanation", "bo-sung.pdf")
    assert sheet.status == ScoreSheet.Status.FINAL
    assert sheet.appraised_total == D("15.50")
    assert '<span class="diff-down"><span class="visually-hidden">' in html
    assert "</span>\u22121,00</span>" in html  # round 1 against self, in words too
    assert "</span>+0,50</span>" in html  # round 2 against round 1
    assert "Bổ sung biên bản" in html


def test_appraisal_over_the_maximum_is_refused(client, submitted, appraiser, english):
    manual = score_of(submitted, "1.1")
    with on_appraisal_1_day():
        client.force_login(appraiser)
        response = client.post(appraise_url(manual, 1), {"points": "6"}, **HTMX)
    assert "Points must be between 0 and 5.00; 6 was entered." in response.content.decode()
    manual.refresh_from_db()
    assert manual.round_1_points is None


def test_a_flag_needs_a_comment(client, submitted, appraiser, english):
    manual = score_of(submitted, "1.1")
    with on_appraisal_1_day():
        client.force_login(appraiser)
        data = {"points": "4", "needs_explanation": "on"}
        response = client.post(appraise_url(manual, 1), data, **HTMX)
    assert "Say what the unit should explain." in response.content.decode()
    manual.refresh_from_db()
    assert (manual.round_1_points, manual.needs_explanation) == (None, False)


def test_appraiser_of_one_area_sees_only_its_rows(
    client, submitted, appraiser, home_affairs_officer, english
):
    with on_appraisal_1_day():
        client.force_login(appraiser)
        html = page(client, submitted)
    assert 'id="c-1.1"' in html
    assert 'id="c-2.1"' not in html
    assert "You see the areas you appraise: 1." in html
    assert "<dd>16,00 / 25,00</dd>" in html  # the sheet's totals still show
    with on_appraisal_1_day():
        client.force_login(home_affairs_officer)
        html = page(client, submitted)
    assert 'id="c-2.1"' in html
    assert appraise_url(score_of(submitted, "2.1"), 1) in html  # the secretariat appraises all


# --- the wrong person ---------------------------------------------------------------------


def test_outsider_gets_404(client, home_affairs_officer, outsider, unit_a, unit_b):
    _, sheet = open_for(home_affairs_officer, unit_a, unit_b)
    manual = score_of(sheet, "1.1")
    with on_self_day():
        client.force_login(outsider)
        assert client.get(sheet.get_absolute_url()).status_code == 404
        assert client.post(save_url(manual), {"entered_points": "1"}).status_code == 404
        url = reverse("scoring:evidence_add", args=[manual.pk])
        assert client.post(url, {"file": pdf()}).status_code == 404
        assert client.post(reverse("scoring:sheet_submit", args=[sheet.pk])).status_code == 404
    manual.refresh_from_db()
    assert manual.entered_points is None
    assert not Evidence.objects.exists()


def test_appraiser_cannot_self_score(client, home_affairs_officer, appraiser, unit_a):
    round_, sheet = open_for(home_affairs_officer, unit_a)
    appraiser_of(round_, "1", appraiser, home_affairs_officer)
    manual = score_of(sheet, "1.1")
    with on_self_day():
        client.force_login(appraiser)
        assert client.post(save_url(manual), {"entered_points": "1"}).status_code == 403
    manual.refresh_from_db()
    assert manual.entered_points is None


def test_focal_point_cannot_appraise_or_close_a_round(client, submitted, focal_point):
    manual = score_of(submitted, "1.1")
    with on_appraisal_1_day():
        client.force_login(focal_point)
        assert client.post(appraise_url(manual, 1), {"points": "1"}).status_code == 403
        url = reverse("scoring:sheet_close_round_1", args=[submitted.pk])
        assert client.post(url).status_code == 403
        survey = reverse("scoring:score_survey", args=[score_of(submitted, "2.3").pk])
        assert client.post(survey, {"entered_points": "1"}).status_code == 403
    manual.refresh_from_db()
    submitted.refresh_from_db()
    assert manual.round_1_points is None
    assert submitted.status == ScoreSheet.Status.SUBMITTED


def test_appraiser_of_area_1_cannot_appraise_area_2(client, submitted, appraiser, unit_a):
    other = make_user("appraiser-2", roles=[(Role.APPRAISER, unit_a)])
    appraiser_of(submitted.round, "2", other, submitted.round.opened_by)
    row = score_of(submitted, "2.1")
    with on_appraisal_1_day():
        client.force_login(appraiser)
        assert client.post(appraise_url(row, 1), {"points": "1"}).status_code == 403
        client.force_login(other)
        assert client.post(appraise_url(row, 1), {"points": "1"}).status_code == 302
    row.refresh_from_db()
    assert row.round_1_points == D("1.00")


def test_appraiser_cannot_submit_or_explain(client, submitted, appraiser):
    with on_explanation_day():
        client.force_login(appraiser)
        url = reverse("scoring:sheet_send_explanations", args=[submitted.pk])
        assert client.post(url).status_code == 403
        url = reverse("scoring:score_explain", args=[score_of(submitted, "1.1").pk])
        assert client.post(url, {"explanation": "x"}).status_code == 403


def test_actions_are_post_only(client, submitted, focal_point):
    client.force_login(focal_point)
    assert client.get(save_url(score_of(submitted, "1.1"))).status_code == 405
    assert client.get(reverse("scoring:sheet_submit", args=[submitted.pk])).status_code == 405


def test_withdrawing_after_the_deadline_is_refused_with_a_message(
    client, home_affairs_officer, focal_point, unit_a, english
):
    _, sheet = open_for(home_affairs_officer, unit_a)
    manual = score_of(sheet, "1.1")
    with on_self_day():
        client.force_login(focal_point)
        client.post(reverse("scoring:evidence_add", args=[manual.pk]), {"file": pdf()})
    evidence = Evidence.objects.get()
    with on_appraisal_1_day():
        client.force_login(focal_point)
        url = reverse("scoring:evidence_withdraw", args=[evidence.pk])
        htmx = client.post(url, **HTMX)
        plain = client.post(url, follow=True)
    closed = "Self-assessment closed on 10/01/2027."
    assert closed in htmx.content.decode()
    assert closed in plain.content.decode()
    evidence.refresh_from_db()
    assert evidence.withdrawn_at is None


def test_people_without_a_role_get_404(client, home_affairs_officer, no_role_user, unit_a):
    _, sheet = open_for(home_affairs_officer, unit_a)
    with on_self_day():
        client.force_login(no_role_user)
        assert client.get(sheet.get_absolute_url()).status_code == 404
