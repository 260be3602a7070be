"""The round pages: home, opening, the round page and the secretariat's and council's actions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from cchc.scoring.forms.rounds import default_year
from cchc.scoring.models import (
    AppraiserAssignment,
    CouncilApproval,
    DeadlineException,
    Publication,
    Round,
)
from cchc.scoring.services import appraisal, publication, rounds, sheets

from .round_helpers import SCHEDULE, on, tiny_set

pytestmark = pytest.mark.django_db


def _open(by, units, **extra) -> Round:
    return rounds.open_round(
        year=2026,
        name="Chỉ số CCHC 2026",
        criteria_sets=[tiny_set()],
        schedule=SCHEDULE,
        by=by,
        units=units,
        **extra,
    )


def _dates(**changed) -> dict[str, str]:
    dates = {name: day.strftime("%d/%m/%Y") for name, day in SCHEDULE.items()}
    return dates | changed


def _open_data(criteria_set, **extra) -> dict:
    return {
        "year": 2026,
        "name": "Chỉ số CCHC năm 2026",
        "criteria_sets": [criteria_set.pk],
        "council_quorum": 1,
        **_dates(),
        **extra,
    }


def _messages(client, response) -> list[str]:
    """The messages shown on the page the response redirects to (which consumes them)."""
    assert response.status_code == 302
    return [str(m) for m in client.get(response["Location"]).context["messages"]]


def _final(round_, *, officer, focal_point, unit_leader) -> None:
    """Drive every sheet of the round (unit_a's) to final through the services."""
    sheet = round_.sheets.get()
    manual, ratio = sheet.scores.order_by("criterion__position")
    with on("self"):
        sheets.self_score(manual, by=focal_point, entered_points=Decimal(5), note="no file")
        sheets.self_score(
            ratio, by=focal_point, numerator=Decimal(3), denominator=Decimal(4), note="no file"
        )
        sheets.submit_sheet(sheet, by=unit_leader)
    with on("appraisal_1"):
        appraisal.close_round_1(sheet, by=officer)
    with on("appraisal_2"):
        appraisal.close_round_2(sheet, by=officer)


# Opening a round -------------------------------------------------------------------------


def test_open_form_offers_the_years_sets_and_default_schedule(
    client, home_affairs_officer, unit_a, unit_b, english
):
    tiny_set(year=2026)
    tiny_set(year=2026, group="districts")
    template = tiny_set(year=2025)
    client.force_login(home_affairs_officer)
    response = client.get(reverse("scoring:round_open"), {"year": 2026})
    html = response.content.decode()
    assert response.status_code == 200
    offered = list(response.context["form"].fields["criteria_sets"].queryset)
    assert [s.name for s in offered] == ["Tiny departments 2026", "Tiny districts 2026"]
    assert template.name not in html
    assert 'value="01/01/2027"' in html  # self-assessment opens on 1 January of year + 1
    assert 'value="15/01/2027"' in html
    # departments: Home Affairs, unit_a, unit_b; no district exists
    assert response.context["in_scope"] == 3
    response = client.get(reverse("scoring:round_open"), {"year": "99999"})
    assert response.context["year"] == default_year()


def test_secretariat_opens_round(client, home_affairs_officer, unit_a, unit_b, english):
    criteria_set = tiny_set()
    client.force_login(home_affairs_officer)
    response = client.post(
        reverse("scoring:round_open") + "?year=2026",
        _open_data(criteria_set, units=[unit_a.pk, unit_b.pk], council_quorum=2),
    )
    round_ = Round.objects.get()
    assert response.status_code == 302
    assert response["Location"] == round_.get_absolute_url()
    assert (round_.year, round_.name, round_.council_quorum) == (2026, "Chỉ số CCHC năm 2026", 2)
    assert round_.self_to.isoformat() == "2027-01-10"
    assert sorted(round_.sheets.values_list("unit__code", flat=True)) == ["STP", "SYT"]
    criteria_set.refresh_from_db()
    assert criteria_set.is_locked
    assert _messages(client, response) == ["Chỉ số CCHC năm 2026 is open with 2 score sheets."]


def test_open_round_without_units_takes_every_current_unit_of_the_group(
    client, home_affairs_officer, unit_a, unit_b
):
    client.force_login(home_affairs_officer)
    response = client.post(reverse("scoring:round_open"), _open_data(tiny_set()))
    assert response.status_code == 302
    assert Round.objects.get().sheets.count() == 3  # Home Affairs, unit_a, unit_b


def test_schedule_out_of_order_is_refused_on_the_field(
    client, home_affairs_officer, unit_a, english
):
    data = _open_data(tiny_set(), **_dates(appraisal_1_from="05/01/2027"))
    client.force_login(home_affairs_officer)
    response = client.post(reverse("scoring:round_open"), data)
    form = response.context["form"]
    assert response.status_code == 200
    assert form.errors["appraisal_1_from"] == [
        "The schedule must run in order: this date comes too early."
    ]
    assert not Round.objects.exists()


def test_open_round_needs_a_set_and_dates(client, home_affairs_officer, unit_a):
    data = _open_data(tiny_set(), criteria_sets=[], self_to="31/02/2027")
    client.force_login(home_affairs_officer)
    response = client.post(reverse("scoring:round_open"), data)
    form = response.context["form"]
    assert response.status_code == 200
    assert set(form.errors) == {"criteria_sets", "self_to"}
    assert not Round.objects.exists()


def test_focal_point_may_not_open_round(client, focal_point, unit_a):
    data = _open_data(tiny_set())
    client.force_login(focal_point)
    assert client.get(reverse("scoring:round_open")).status_code == 403
    assert client.post(reverse("scoring:round_open"), data).status_code == 403
    assert not Round.objects.exists()


# The home page and the round page --------------------------------------------------------


def test_home_links_unit_people_to_their_sheet_and_appraisers_to_their_areas(
    client, home_affairs_officer, focal_point, appraiser, unit_a, unit_b, english
):
    round_ = _open(home_affairs_officer, [unit_a, unit_b])
    rounds.assign_appraiser(round_, area_code="1", appraiser=appraiser, by=home_affairs_officer)
    own = round_.sheets.get(unit=unit_a)
    other = round_.sheets.get(unit=unit_b)

    client.force_login(focal_point)
    response = client.get(reverse("scoring:round_list"))
    html = response.content.decode()
    assert response.status_code == 200
    [line] = response.context["lines"]
    assert line.own_sheets == [own]
    assert line.total == 2
    assert line.counts == [("draft", "Self-assessment in progress", 2)]
    assert reverse("scoring:sheet_detail", args=[own.pk]) in html
    assert reverse("scoring:sheet_detail", args=[other.pk]) not in html
    assert reverse("scoring:round_open") not in html

    client.force_login(appraiser)
    [line] = client.get(reverse("scoring:round_list")).context["lines"]
    assert line.areas == ["1. Area"]
    assert line.own_sheets == []


def test_home_offers_managers_to_open_a_round(client, home_affairs_officer, english):
    client.force_login(home_affairs_officer)
    response = client.get(reverse("scoring:round_list"))
    assert response.status_code == 200
    assert reverse("scoring:round_open") in response.content.decode()
    assert "No round yet." in response.content.decode()


def test_round_page_shows_schedule_with_current_stage(
    client, home_affairs_officer, unit_a, english
):
    round_ = _open(home_affairs_officer, [unit_a])
    with on("explanation"):
        client.force_login(home_affairs_officer)  # sessions last hours: log in on the day
        response = client.get(round_.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["stage"] == "Explanation"
    current = [row["label"] for row in response.context["timeline"] if row["current"]]
    assert current == ["Explanation"]
    assert 'aria-current="step"' in html
    assert "16/01/2027" in html
    assert reverse("scoring:round_compile", args=[round_.pk]) in html


def test_outsider_sees_only_their_own_units_sheet(
    client, home_affairs_officer, outsider, appraiser, unit_a, unit_b
):
    round_ = _open(home_affairs_officer, [unit_a, unit_b])
    theirs, ours = round_.sheets.get(unit=unit_a), round_.sheets.get(unit=unit_b)
    rounds.grant_exception(
        round_,
        unit=unit_a,
        stage="self",
        until=SCHEDULE["self_to"].replace(day=20),
        reason="Lý do riêng của Sở Tư pháp",
        by=home_affairs_officer,
    )
    client.force_login(outsider)
    response = client.get(round_.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["sheets"]) == [ours]
    assert reverse("scoring:sheet_detail", args=[theirs.pk]) not in html
    assert "Lý do riêng của Sở Tư pháp" not in html
    assert reverse("scoring:round_compile", args=[round_.pk]) not in html

    rounds.assign_appraiser(round_, area_code="1", appraiser=appraiser, by=home_affairs_officer)
    client.force_login(appraiser)
    response = client.get(round_.get_absolute_url())
    assert list(response.context["sheets"]) == [theirs, ours]


def test_sheet_filter_answers_htmx_with_the_table_only(
    client, home_affairs_officer, focal_point, unit_leader, unit_a, unit_b
):
    round_ = _open(home_affairs_officer, [unit_a, unit_b])
    client.force_login(home_affairs_officer)
    response = client.get(round_.get_absolute_url(), {"status": "draft"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert len(response.context["sheets"]) == 2
    assert "<h1>" not in html
    assert "<table" in html
    response = client.get(round_.get_absolute_url(), {"status": "final"})
    assert list(response.context["sheets"]) == []


def test_user_without_role_cannot_see_round(client, home_affairs_officer, no_role_user, unit_a):
    round_ = _open(home_affairs_officer, [unit_a])
    client.force_login(no_role_user)
    assert client.get(round_.get_absolute_url()).status_code == 404


# Schedule and exceptions -----------------------------------------------------------------


def test_secretariat_changes_schedule(client, home_affairs_officer, unit_a, english):
    round_ = _open(home_affairs_officer, [unit_a])
    url = reverse("scoring:round_schedule", args=[round_.pk])
    client.force_login(home_affairs_officer)
    assert 'value="26/01/2027"' in client.get(url).content.decode()

    response = client.post(url, _dates(publish_on="01/02/2027"))
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.publish_on.isoformat() == "2027-02-01"

    response = client.post(url, _dates(council_to="20/01/2027"))
    assert response.status_code == 200
    assert "council_to" in response.context["form"].errors
    round_.refresh_from_db()
    assert round_.council_to.isoformat() == "2027-01-25"


def test_focal_point_may_not_change_schedule(client, home_affairs_officer, focal_point, unit_a):
    round_ = _open(home_affairs_officer, [unit_a])
    client.force_login(focal_point)
    url = reverse("scoring:round_schedule", args=[round_.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _dates(publish_on="01/02/2027")).status_code == 403


def test_secretariat_grants_exception(client, home_affairs_officer, unit_a, unit_b, english):
    round_ = _open(home_affairs_officer, [unit_a])
    url = reverse("scoring:round_exception", args=[round_.pk])
    client.force_login(home_affairs_officer)
    form = client.get(url).context["form"]
    assert list(form.fields["unit"].queryset) == [unit_a]

    data = {"unit": unit_a.pk, "stage": "self", "until": "20/01/2027", "reason": "Ốm"}
    response = client.post(url, data)
    assert response.status_code == 302
    exception = DeadlineException.objects.get()
    assert (exception.unit, exception.stage, exception.until.isoformat()) == (
        unit_a,
        "self",
        "2027-01-20",
    )
    assert _messages(client, response) == [f"{unit_a} may act until 20/01/2027."]
    assert "Ốm" in client.get(round_.get_absolute_url()).content.decode()


def test_exception_ending_before_the_deadline_is_refused(
    client, home_affairs_officer, focal_point, unit_a, english
):
    round_ = _open(home_affairs_officer, [unit_a])
    url = reverse("scoring:round_exception", args=[round_.pk])
    data = {"unit": unit_a.pk, "stage": "self", "until": "05/01/2027", "reason": "Ốm"}
    client.force_login(home_affairs_officer)
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["until"] == [
        "The exception must end after the stage's deadline."
    ]
    client.force_login(focal_point)
    assert client.post(url, {**data, "until": "20/01/2027"}).status_code == 403
    assert not DeadlineException.objects.exists()


# Appraisers ------------------------------------------------------------------------------


def test_secretariat_assigns_and_removes_appraiser(
    client, home_affairs_officer, appraiser, unit_a, english
):
    round_ = _open(home_affairs_officer, [unit_a])
    url = reverse("scoring:round_appraiser_add", args=[round_.pk])
    client.force_login(home_affairs_officer)
    form = client.get(url).context["form"]
    assert form.fields["area_code"].choices == [("", "Choose an area"), ("1", "1. Area")]
    assert list(form.fields["appraiser"].queryset) == [appraiser]

    response = client.post(url, {"area_code": "1", "appraiser": appraiser.pk})
    assert response.status_code == 302
    assignment = AppraiserAssignment.objects.get()
    assert (assignment.round, assignment.area_code, assignment.appraiser) == (
        round_,
        "1",
        appraiser,
    )
    remove = reverse("scoring:round_appraiser_remove", args=[round_.pk, assignment.pk])
    assert remove in client.get(round_.get_absolute_url()).content.decode()

    again = client.post(url, {"area_code": "1", "appraiser": appraiser.pk})
    assert again.context["form"].errors["appraiser"] == ["This person already appraises this area."]

    assert client.get(remove).status_code == 405
    response = client.post(remove)
    assert response.status_code == 302
    assert not AppraiserAssignment.objects.exists()


def test_unknown_area_is_refused(client, home_affairs_officer, appraiser, unit_a):
    round_ = _open(home_affairs_officer, [unit_a])
    client.force_login(home_affairs_officer)
    url = reverse("scoring:round_appraiser_add", args=[round_.pk])
    response = client.post(url, {"area_code": "9", "appraiser": appraiser.pk})
    assert response.status_code == 200
    assert "area_code" in response.context["form"].errors
    assert not AppraiserAssignment.objects.exists()


def test_focal_point_may_not_assign_or_remove_appraisers(
    client, home_affairs_officer, focal_point, appraiser, unit_a
):
    round_ = _open(home_affairs_officer, [unit_a])
    assignment = rounds.assign_appraiser(
        round_, area_code="1", appraiser=appraiser, by=home_affairs_officer
    )
    client.force_login(focal_point)
    add = reverse("scoring:round_appraiser_add", args=[round_.pk])
    remove = reverse("scoring:round_appraiser_remove", args=[round_.pk, assignment.pk])
    assert client.post(add, {"area_code": "1", "appraiser": appraiser.pk}).status_code == 403
    assert client.post(remove).status_code == 403
    assert AppraiserAssignment.objects.count() == 1


# Compile, council, publish ---------------------------------------------------------------


def test_compile_is_refused_while_sheets_are_not_final(
    client, home_affairs_officer, focal_point, unit_a, english
):
    round_ = _open(home_affairs_officer, [unit_a])
    url = reverse("scoring:round_compile", args=[round_.pk])
    client.force_login(focal_point)
    assert client.post(url).status_code == 403

    client.force_login(home_affairs_officer)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == round_.get_absolute_url()
    assert _messages(client, response) == [f"These units' appraisal is not final yet: {unit_a}."]
    round_.refresh_from_db()
    assert round_.status == Round.Status.OPEN


def test_compile_approve_and_publish(
    client,
    home_affairs_officer,
    focal_point,
    unit_leader,
    council_member,
    unit_a,
    english,
):
    round_ = _open(home_affairs_officer, [unit_a])
    _final(round_, officer=home_affairs_officer, focal_point=focal_point, unit_leader=unit_leader)
    publish = reverse("scoring:round_publish", args=[round_.pk])
    approve = reverse("scoring:round_approve", args=[round_.pk])
    with on("appraisal_2"):
        client.force_login(home_affairs_officer)
        response = client.post(reverse("scoring:round_compile", args=[round_.pk]))
        assert _messages(client, response) == ["The round was compiled and sent to the council."]
        response = client.post(publish)
        assert _messages(client, response) == ["The council has not approved these results yet."]
    round_.refresh_from_db()
    assert round_.status == Round.Status.COMPILED

    with on("council"):
        client.force_login(focal_point)
        assert client.get(approve).status_code == 403
        assert client.post(approve, {"comment": "x"}).status_code == 403

        client.force_login(council_member)
        page = client.get(round_.get_absolute_url())
        assert page.context["may_approve"]
        assert approve in page.content.decode()
        assert client.get(approve).status_code == 200
        response = client.post(approve, {"comment": "Đồng ý kết quả"})
        assert response.status_code == 302
        assert _messages(client, response) == [
            "Your approval was recorded; the results are approved."
        ]
        approval = CouncilApproval.objects.get()
        assert (approval.member, approval.comment) == (council_member, "Đồng ý kết quả")
        round_.refresh_from_db()
        assert round_.status == Round.Status.APPROVED

        client.force_login(focal_point)
        assert client.post(publish).status_code == 403
        page = client.get(round_.get_absolute_url())
        assert page.context["approvals_count"] == 1
        assert "Đồng ý kết quả" not in page.content.decode()  # not before publication
        client.force_login(home_affairs_officer)
        page = client.get(round_.get_absolute_url()).content.decode()
        assert publish in page
        assert "Đồng ý kết quả" in page
        response = client.post(publish)
        assert _messages(client, response) == ["The results were published."]
        published = Publication.objects.get()
        assert published.revision == 1
        round_.refresh_from_db()
        assert round_.status == Round.Status.PUBLISHED
        page = client.get(round_.get_absolute_url())
        assert list(page.context["publications"]) == [published]
        assert reverse("scoring:ranking", args=[round_.pk]) in page.content.decode()


def test_council_approval_outside_the_window_is_refused(
    client, home_affairs_officer, focal_point, unit_leader, council_member, unit_a, english
):
    round_ = _open(home_affairs_officer, [unit_a], council_quorum=2)
    _final(round_, officer=home_affairs_officer, focal_point=focal_point, unit_leader=unit_leader)
    approve = reverse("scoring:round_approve", args=[round_.pk])
    with on("appraisal_2"):
        publication.compile_round(round_, by=home_affairs_officer)
        client.force_login(council_member)
        assert not client.get(round_.get_absolute_url()).context["may_approve"]
        response = client.post(approve, {"comment": ""})
        assert response.status_code == 200
        assert response.context["form"].non_field_errors() == ["Council opens on 21/01/2027."]
    with on("council"):
        client.force_login(council_member)
        response = client.post(approve, {"comment": ""})
        assert _messages(client, response) == ["Your approval was recorded (1 of the 2 needed)."]
    round_.refresh_from_db()
    assert round_.status == Round.Status.COMPILED
