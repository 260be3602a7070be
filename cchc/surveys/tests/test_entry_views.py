"""Paper entry pages: typing a form, the forms to finish, comparing and settling."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.accounts.roles import Role
from cchc.accounts.tests.factories import make_user

from .. import answers
from ..models import Channel, PaperEntry, Response
from ..services.entry import enter_paper
from .factories import full_answers, make_campaign

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def _fresh_specs() -> None:
    """Primary keys repeat between tests (rolled back): read each version's rules afresh."""
    answers._CACHE.clear()


@pytest.fixture
def double(unit_a, unit_b):
    campaign = make_campaign(units=[unit_a, unit_b], code="double", double_entry=True)
    return campaign.surveyed_units.get(unit=unit_a)


@pytest.fixture
def colleague(unit_a):
    return make_user("colleague", roles=[(Role.FOCAL_POINT, unit_a)])


def posted(target, serial: str = "P-1", **answers) -> dict[str, object]:
    """The paper page's POST data for `full_answers(**answers)`."""
    data: dict[str, object] = {"unit": target.pk, "serial": serial}
    for code, value in full_answers(**answers).items():
        data[f"a_{code}"] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


def paper_url(campaign) -> str:
    return reverse("surveys:paper_entry", args=[campaign.pk])


def test_the_page_offers_only_the_units_one_may_enter_for(client, campaign, target, focal_point):
    client.force_login(focal_point)
    page = client.get(paper_url(campaign))
    assert page.status_code == 200
    assert list(page.context["form"].fields["unit"].queryset) == [target]
    html = page.content.decode()
    assert 'name="a_c11"' in html
    assert "<legend>" in html  # a choice question is a fieldset with its legend
    assert "Tiếp cận dịch vụ" in html  # section headings


def test_a_single_entry_saves_a_paper_response(client, campaign, target, focal_point):
    client.force_login(focal_point)
    done = client.post(paper_url(campaign), posted(target))
    assert done.status_code == 302
    response = Response.objects.get()
    assert (response.channel, response.entered_by, response.paper_serial) == (
        Channel.PAPER,
        focal_point,
        "P-1",
    )
    assert response.answers == full_answers(age="41")
    page = client.get(done.url)
    assert f"Form P-1 was saved as response #{response.pk}." in page.content.decode()
    assert page.context["form"]["unit"].value() == str(target.pk)  # kept for the next form
    assert page.context["form"]["serial"].value() is None


def test_errors_show_next_to_the_questions_and_keep_the_typing(
    client, campaign, target, focal_point
):
    client.force_login(focal_point)
    page = client.post(paper_url(campaign), posted(target, c12=None, overall=1, comment="Tệ"))
    assert page.status_code == 200
    form = page.context["form"]
    assert form.errors == {
        "a_c12": ["This question is required."],
        "a_why": ["This question is required."],
    }
    assert form["a_comment"].value() == "Tệ"
    assert form["a_expect"].value() == ["1", "3"]
    assert not Response.objects.exists()


def test_a_reused_serial_is_refused_on_the_page(client, campaign, target, focal_point):
    enter_paper(target, "P-1", full_answers(), by=focal_point)
    client.force_login(focal_point)
    page = client.post(paper_url(campaign), posted(target))
    assert page.context["form"].errors == {
        "serial": ["Form number P-1 has already been entered for this unit."]
    }
    assert Response.objects.count() == 1


def test_another_units_focal_point_cannot_post_for_my_unit(client, campaign, target, outsider):
    client.force_login(outsider)
    page = client.post(paper_url(campaign), posted(target))
    assert page.status_code == 200  # the unit is not among the choices offered
    assert "unit" in page.context["form"].errors
    assert not PaperEntry.objects.exists()


def test_roles_without_a_unit_get_403(client, campaign, appraiser):
    client.force_login(appraiser)
    assert client.get(paper_url(campaign)).status_code == 403
    assert client.get(reverse("surveys:paper_pending", args=[campaign.pk])).status_code == 403


def test_double_entry_through_the_pages(client, double, focal_point, colleague):
    campaign = double.campaign
    client.force_login(focal_point)
    first = client.post(paper_url(campaign), posted(double, "A7"))
    assert "a colleague must now type it again" in client.get(first.url).content.decode()
    assert not Response.objects.exists()
    pending = client.get(reverse("surveys:paper_pending", args=[campaign.pk]))
    assert [r["serial"] for r in pending.context["rows"]] == ["A7"]
    # the same person again: refused
    again = client.post(paper_url(campaign), posted(double, "A7"))
    assert again.context["form"].errors == {
        "serial": ["The second entry must be made by someone else."]
    }
    client.force_login(colleague)
    pending = client.get(reverse("surveys:paper_pending", args=[campaign.pk]))
    link = f"{paper_url(campaign)}?unit={double.pk}&amp;serial=A7"
    assert link in pending.content.decode()  # "Type the second entry"
    blank = client.get(f"{paper_url(campaign)}?unit={double.pk}&serial=A7")
    assert blank.context["form"]["serial"].value() == "A7"
    assert blank.context["form"]["a_c11"].value() is None  # blind: nothing of the 1st typing
    client.post(paper_url(campaign), posted(double, "A7"))
    response = Response.objects.get()
    assert (response.entered_by, response.verified_by) == (focal_point, colleague)


def test_differing_entries_are_compared_and_settled(
    client, double, focal_point, colleague, home_affairs_officer
):
    campaign = double.campaign
    enter_paper(double, "A7", full_answers(), by=focal_point)
    second = enter_paper(double, "A7", full_answers(c11=3), by=colleague)
    first = PaperEntry.objects.get(entry_no=1)
    assert second.entry_no == 2
    compare_url = reverse("surveys:paper_compare", args=[campaign.pk, first.pk])
    client.force_login(home_affairs_officer)
    page = client.get(compare_url)
    assert page.status_code == 200
    assert [line.code for line in page.context["lines"] if not line.same] == ["c11"]
    assert list(page.context["form"].fields) == ["a_c11"]
    assert "5 - Very satisfied" in page.content.decode()
    missing = client.post(compare_url, {})
    assert missing.context["form"].errors == {"a_c11": ["Choose the first or the second entry."]}
    done = client.post(compare_url, {"a_c11": "2"})
    response = Response.objects.get()
    assert done.url == reverse("surveys:response_detail", args=[campaign.pk, response.pk])
    assert response.answers["c11"] == 3
    assert response.verified_by == home_affairs_officer


def test_compare_before_the_second_entry_shows_nothing(client, double, focal_point, colleague):
    enter_paper(double, "A7", full_answers(), by=focal_point)
    first = PaperEntry.objects.get()
    client.force_login(colleague)
    page = client.get(reverse("surveys:paper_compare", args=[double.campaign_id, first.pk]))
    assert page.status_code == 302
    assert page.url == reverse("surveys:paper_pending", args=[double.campaign_id])


def test_another_units_entries_are_404(client, double, focal_point, colleague, outsider):
    enter_paper(double, "A7", full_answers(), by=focal_point)
    enter_paper(double, "A7", full_answers(c11=1, why="x"), by=colleague)
    first = PaperEntry.objects.get(entry_no=1)
    client.force_login(outsider)
    compare_url = reverse("surveys:paper_compare", args=[double.campaign_id, first.pk])
    assert client.get(compare_url).status_code == 404
    assert client.post(compare_url, {"a_c11": "1", "a_why": "1"}).status_code == 404
    pending = client.get(reverse("surveys:paper_pending", args=[double.campaign_id]))
    assert pending.context["rows"] == []
