"""The score sheet page: appraisal, explanations, and what the wrong person may not do."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.urls import reverse

from cchc.accounts.roles import Role
from cchc.accounts.tests.factories import make_user
from cchc.scoring.models import Evidence, Score, ScoreSheet

from .sheet_helpers import (
    HTMX,
    _complete,
    appraiser_of,
    on_appraisal_1_day,
    on_appraisal_2_day,
    on_explanation_day,
    on_self_day,
    open_for,
    page,
    pdf,
    save_url,
    score_of,
)

pytestmark = pytest.mark.django_db


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
