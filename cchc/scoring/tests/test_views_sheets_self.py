"""The score sheet page: the tree, self-assessment, evidence and submission."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.core.tests.files import make_exe
from cchc.scoring.models import Criterion, Evidence, Score, ScoreSheet

from .sheet_helpers import (
    HTMX,
    _complete,
    on_appraisal_1_day,
    on_self_day,
    open_for,
    page,
    pdf,
    save_url,
    score_of,
)

pytestmark = pytest.mark.django_db


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
