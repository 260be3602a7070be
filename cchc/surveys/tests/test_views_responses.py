"""Response pages: the list (filters, units read their own), one response and its
invalidation, the duplicates report and importing a file."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.core.models import AuditEvent

from .. import answers
from ..models import Channel, Response
from ..services.responses import invalidate_response, submit_response
from .factories import full_answers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def _fresh_specs() -> None:
    """Primary keys repeat between tests (rolled back): read each version's rules afresh."""
    answers._CACHE.clear()


@pytest.fixture
def other(campaign, unit_b):
    return campaign.surveyed_units.get(unit=unit_b)


@pytest.fixture
def mine(target):
    return submit_response(target, full_answers(), channel="web")


@pytest.fixture
def theirs(other):
    return submit_response(other, full_answers(c11=1, overall=1, why="Chờ lâu"), channel="web")


def url(name: str, *args: int) -> str:
    return reverse(f"surveys:{name}", args=args)


def test_the_secretariat_lists_every_units_responses(
    client, campaign, mine, theirs, home_affairs_officer
):
    client.force_login(home_affairs_officer)
    page = client.get(url("responses_list", campaign.pk))
    assert page.status_code == 200
    assert [r.pk for r, _summary in page.context["rows"]] == [theirs.pk, mine.pk]
    html = page.content.decode()
    assert "c11=5 c12=4" in html
    assert reverse("surveys:response_detail", args=[campaign.pk, mine.pk]) in html
    assert reverse("surveys:responses_duplicates", args=[campaign.pk]) in html


def test_the_list_filters_by_unit_channel_validity_and_hour(
    client, campaign, target, mine, theirs, home_affairs_officer
):
    paper = submit_response(target, full_answers(), channel="paper", by=home_affairs_officer)
    invalidate_response(paper, reason="trùng", by=home_affairs_officer)
    client.force_login(home_affairs_officer)

    def listed(**query: str) -> list[int]:
        page = client.get(url("responses_list", campaign.pk), query)
        assert page.status_code == 200
        return [r.pk for r, _summary in page.context["rows"]]

    assert listed(unit=str(target.pk)) == [paper.pk, mine.pk]
    assert listed(channel=Channel.PAPER) == [paper.pk]
    assert listed(valid="no") == [paper.pk]
    assert listed(valid="yes") == [theirs.pk, mine.pk]
    assert listed(since="2026-11-28T09:00", until="2026-11-28T09:00") == [
        paper.pk,
        theirs.pk,
        mine.pk,
    ]
    assert listed(since="2026-11-28T10:00") == []


def test_a_focal_point_lists_only_their_units_responses(
    client, campaign, mine, theirs, focal_point
):
    client.force_login(focal_point)
    page = client.get(url("responses_list", campaign.pk))
    assert page.status_code == 200
    assert [r.pk for r, _summary in page.context["rows"]] == [mine.pk]
    assert reverse("surveys:responses_duplicates", args=[campaign.pk]) not in page.content.decode()


@pytest.mark.parametrize("who", ["appraiser", "leader", "council_member"])
def test_roles_without_a_surveyed_unit_may_not_list_raw_responses(client, campaign, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("responses_list", campaign.pk)).status_code == 403


def test_a_campaign_one_does_not_see_is_404(client, campaign, no_role_user):
    client.force_login(no_role_user)
    assert client.get(url("responses_list", campaign.pk)).status_code == 404


def test_the_list_needs_a_login(client, campaign):
    page = client.get(url("responses_list", campaign.pk))
    assert page.status_code == 302


def test_the_detail_shows_the_answers(client, campaign, theirs, home_affairs_officer):
    client.force_login(home_affairs_officer)
    page = client.get(url("response_detail", campaign.pk, theirs.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert "1 - Very dissatisfied" in html
    assert "Chờ lâu" in html
    assert 'name="reason"' in html


def test_a_focal_point_reads_their_units_response_but_cannot_invalidate(
    client, campaign, mine, focal_point
):
    client.force_login(focal_point)
    page = client.get(url("response_detail", campaign.pk, mine.pk))
    assert page.status_code == 200
    assert 'name="reason"' not in page.content.decode()
    refused = client.post(url("response_detail", campaign.pk, mine.pk), {"reason": "x"})
    assert refused.status_code == 403
    mine.refresh_from_db()
    assert mine.is_valid


def test_another_units_response_is_404_for_a_focal_point(client, campaign, theirs, focal_point):
    client.force_login(focal_point)
    assert client.get(url("response_detail", campaign.pk, theirs.pk)).status_code == 404
    assert (
        client.post(url("response_detail", campaign.pk, theirs.pk), {"reason": "x"}).status_code
        == 404
    )


def test_the_secretariat_invalidates_with_a_reason(client, campaign, mine, home_affairs_officer):
    client.force_login(home_affairs_officer)
    done = client.post(url("response_detail", campaign.pk, mine.pk), {"reason": "Phiếu thử"})
    assert done.status_code == 302
    mine.refresh_from_db()
    assert (mine.is_valid, mine.invalid_reason, mine.invalidated_by) == (
        False,
        "Phiếu thử",
        home_affairs_officer,
    )
    assert AuditEvent.objects.filter(verb="response.invalidated").count() == 1
    page = client.get(done.url)
    html = page.content.decode()
    assert "Invalidated by" in html
    assert "Phiếu thử" in html
    assert 'name="reason"' not in html
    listed = client.get(url("responses_list", campaign.pk)).content.decode()
    assert "<s>c11=5" in listed


def test_invalidating_without_a_reason_shows_the_error(
    client, campaign, mine, home_affairs_officer
):
    client.force_login(home_affairs_officer)
    page = client.post(url("response_detail", campaign.pk, mine.pk), {"reason": "  "})
    assert page.status_code == 200
    assert page.context["form"].errors == {
        "reason": ["Give the reason for invalidating this response."]
    }
    mine.refresh_from_db()
    assert mine.is_valid


def test_the_duplicates_report_finds_identical_responses_of_the_same_hour(
    client, campaign, target, mine, theirs, home_affairs_officer
):
    copy = submit_response(target, full_answers(), channel="paper", by=home_affairs_officer)
    client.force_login(home_affairs_officer)
    page = client.get(url("responses_duplicates", campaign.pk))
    assert page.status_code == 200
    groups = page.context["groups"]
    assert [(g["count"], [r.pk for r in g["responses"]]) for g in groups] == [
        (2, [mine.pk, copy.pk])
    ]
    assert reverse("surveys:response_detail", args=[campaign.pk, copy.pk]) in page.content.decode()


def test_the_duplicates_report_is_the_secretariats(client, campaign, focal_point, no_role_user):
    client.force_login(focal_point)
    assert client.get(url("responses_duplicates", campaign.pk)).status_code == 403
    client.force_login(no_role_user)
    assert client.get(url("responses_duplicates", campaign.pk)).status_code == 404


def csv_upload(text: str, name: str = "kobo.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\ufeff" + text).encode(), content_type="text/csv")


def test_importing_a_file_through_the_page(client, campaign, home_affairs_officer):
    client.force_login(home_affairs_officer)
    assert client.get(url("responses_import", campaign.pk)).status_code == 200
    upload = csv_upload("unit;grp/c11;c12;overall;_id\nSTP;5;4;4;1\nSYT;4;4;4;2\n")
    done = client.post(url("responses_import", campaign.pk), {"file": upload})
    assert done.status_code == 302
    assert Response.objects.filter(channel=Channel.IMPORT).count() == 2
    page = client.get(done.url)
    assert "2 responses were imported from kobo.csv" in page.content.decode()
    assert "Columns ignored: _id." in page.content.decode()


def test_a_refused_import_lists_the_problems_by_row(client, campaign, home_affairs_officer):
    client.force_login(home_affairs_officer)
    upload = csv_upload("unit,c11,c12,overall\nSTP,5,4,4\nSTP,7,4,4\nABC,5,4,4\n")
    page = client.post(url("responses_import", campaign.pk), {"file": upload})
    assert page.status_code == 200
    problems = [(p.row, p.column) for p in page.context["report"].problems]
    assert problems == [(3, "c11"), (4, "unit")]
    html = page.content.decode()
    assert "2 problems: nothing was saved." in html
    assert "“ABC” is not a unit of this survey." in html
    assert not Response.objects.exists()


def test_a_png_named_csv_is_refused_on_the_page(client, campaign, home_affairs_officer):
    client.force_login(home_affairs_officer)
    upload = SimpleUploadedFile("kobo.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    page = client.post(url("responses_import", campaign.pk), {"file": upload})
    assert page.status_code == 200
    assert "this type of file is not accepted here" in page.content.decode()
    assert not Response.objects.exists()


def test_a_focal_point_imports_only_their_units_rows(client, campaign, focal_point):
    client.force_login(focal_point)
    upload = csv_upload("unit,c11,c12,overall\nSTP,5,4,4\nSYT,5,4,4\n")
    page = client.post(url("responses_import", campaign.pk), {"file": upload})
    assert page.status_code == 200
    assert [(p.row, p.column) for p in page.context["report"].problems] == [(3, "unit")]
    assert not Response.objects.exists()


def test_the_import_page_is_refused_to_roles_without_a_unit(client, campaign, leader):
    client.force_login(leader)
    assert client.get(url("responses_import", campaign.pk)).status_code == 403
