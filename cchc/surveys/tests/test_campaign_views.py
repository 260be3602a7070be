"""Campaign pages: list, create, edit, units and quotas, the dashboard and its live part,
open and close, and the sample-size calculator — happy path, bad input, wrong user."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from cchc.core.models import AuditEvent

from ..models import Campaign, CampaignStatus
from ..services.responses import submit_response
from .factories import full_answers, make_campaign, make_version

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(english):
    """Pages are asserted in their English msgids."""


@pytest.fixture
def elsewhere(unit_a):
    """A campaign that does not survey unit_b (the outsider's unit)."""
    return make_campaign(make_version("other"), [unit_a], code="stp-only")


@pytest.fixture
def draft(unit_a):
    return make_campaign(make_version("draft"), [unit_a], code="draft", status="draft")


def url(name, *args):
    return reverse(f"surveys:{name}", args=args)


# The list and the navigation ----------------------------------------------------------------


def test_the_list_shows_campaigns_with_their_progress(client, home_affairs_officer, target):
    submit_response(target, full_answers(), channel="web")
    client.force_login(home_affairs_officer)
    page = client.get(url("campaign_list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Khảo sát sipas-2026" in html
    assert "1 / 90 (1 %)" in html
    assert url("campaign_create") in html
    assert reverse("surveys:questionnaire_list") in html
    assert f'href="{url("campaign_list")}"' in html  # the "Surveys" entry of the navigation
    assert ">Surveys<" in html


def test_a_focal_point_lists_only_the_campaigns_of_their_unit(
    client, outsider, campaign, elsewhere
):
    client.force_login(outsider)
    html = client.get(url("campaign_list")).content.decode()
    assert campaign.name in html
    assert elsewhere.name not in html
    assert url("campaign_create") not in html
    assert "0 / 30 (0 %)" in html  # their own unit's target only


def test_anonymous_people_are_sent_to_log_in(client, campaign):
    for target in (
        url("campaign_list"),
        url("campaign_detail", campaign.pk),
        url("campaign_create"),
    ):
        response = client.get(target)
        assert response.status_code == 302
        assert "/login" in response["Location"]


# Creating and editing -----------------------------------------------------------------------


def form_data(version, **overrides):
    data = {
        "code": "sipas-2027",
        "name": "Khảo sát 2027",
        "version": version.pk,
        "starts_on": "2027-01-01",
        "ends_on": "2027-03-31",
        "element_method": "mean_of_criteria",
        "min_n": "30",
        "margin": "5",
        "procedures": "1.001 | Đăng ký hộ tịch\n2.002",
        "notes": "",
    }
    return data | overrides


def test_the_secretariat_creates_a_campaign(client, home_affairs_officer):
    version = make_version("new")
    client.force_login(home_affairs_officer)
    assert client.get(url("campaign_create")).status_code == 200
    response = client.post(url("campaign_create"), form_data(version, tokens_required="on"))
    created = Campaign.objects.get(code="sipas-2027")
    assert response.status_code == 302
    assert response["Location"] == url("campaign_units", created.pk)
    assert created.status == CampaignStatus.DRAFT
    assert created.margin == Decimal("0.050")
    assert created.tokens_required
    assert created.procedures == [
        {"code": "1.001", "name": "Đăng ký hộ tịch"},
        {"code": "2.002", "name": "2.002"},
    ]


def test_bad_input_is_shown_next_to_the_fields(client, home_affairs_officer, campaign):
    version = make_version("new")
    client.force_login(home_affairs_officer)
    data = form_data(version, code=campaign.code, ends_on="2026-12-01", margin="80")
    response = client.post(url("campaign_create"), data | {"starts_on": "2027-01-01"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"margin"}  # the form's own checks come first
    response = client.post(url("campaign_create"), form_data(version, code=campaign.code))
    assert set(response.context["form"].errors) == {"code"}  # then the service's
    assert 'class="field field-error"' in response.content.decode()
    assert Campaign.objects.count() == 1


def test_a_focal_point_cannot_create_or_edit(client, focal_point, campaign):
    client.force_login(focal_point)
    assert client.get(url("campaign_create")).status_code == 403
    assert client.post(url("campaign_create"), form_data(make_version("x"))).status_code == 403
    assert client.post(url("campaign_edit", campaign.pk), {"name": "X"}).status_code == 403
    assert not Campaign.objects.filter(code="sipas-2027").exists()


def test_editing_an_open_campaign_changes_the_name_only(client, home_affairs_officer, campaign):
    client.force_login(home_affairs_officer)
    page = client.get(url("campaign_edit", campaign.pk))
    assert page.context["form"].fields["margin"].disabled
    data = form_data(campaign.version, name="Đổi tên", margin="10", ends_on="2027-01-15")
    response = client.post(url("campaign_edit", campaign.pk), data)
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "Đổi tên"
    assert campaign.ends_on == datetime.date(2027, 1, 15)
    assert campaign.margin == Decimal("0.050")  # disabled: the posted value is ignored
    assert campaign.code == "sipas-2026"


def test_a_closed_campaign_has_no_save_button(client, home_affairs_officer, campaign):
    campaign.status = CampaignStatus.CLOSED
    campaign.save(update_fields=["status"])
    client.force_login(home_affairs_officer)
    html = client.get(url("campaign_edit", campaign.pk)).content.decode()
    assert "nothing can be changed" in html
    assert '<button type="submit">Save</button>' not in html


# Units and quotas ---------------------------------------------------------------------------


def test_units_and_quotas(client, home_affairs_officer, draft, unit_a, unit_b, province):
    client.force_login(home_affairs_officer)
    page = client.get(url("campaign_units", draft.pk))
    assert page.status_code == 200
    choices = [u.pk for u in page.context["form"].fields["add_units"].queryset]
    assert unit_b.pk in choices
    assert unit_a.pk not in choices  # already surveyed
    assert province.pk not in choices
    data = {f"population_{unit_a.pk}": "1000", f"quota_{unit_a.pk}": "", "add_units": [unit_b.pk]}
    response = client.post(url("campaign_units", draft.pk), data)
    assert response.status_code == 302
    rows = {cu.unit: (cu.population, cu.quota) for cu in draft.surveyed_units.all()}
    assert rows == {unit_a: (1000, None), unit_b: (None, None)}
    html = client.get(url("campaign_units", draft.pk)).content.decode()
    assert '<td class="num">286</td>' in html  # the suggested sample
    response = client.post(url("campaign_apply_quotas", draft.pk))
    assert response.status_code == 302
    assert draft.surveyed_units.get(unit=unit_a).quota == 286


def test_bad_quotas_are_shown_next_to_their_field(client, home_affairs_officer, draft, unit_a):
    client.force_login(home_affairs_officer)
    response = client.post(
        url("campaign_units", draft.pk), {f"quota_{unit_a.pk}": "0", "add_units": []}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {f"quota_{unit_a.pk}"}
    assert draft.surveyed_units.get().quota == 30


def test_removing_a_unit_and_the_province_cannot_be_added(
    client, home_affairs_officer, draft, unit_a, province
):
    client.force_login(home_affairs_officer)
    response = client.post(
        url("campaign_units", draft.pk), {f"remove_{unit_a.pk}": "on", "add_units": [province.pk]}
    )
    assert response.status_code == 200  # the province is not a choice
    assert "add_units" in response.context["form"].errors
    response = client.post(url("campaign_units", draft.pk), {f"remove_{unit_a.pk}": "on"})
    assert response.status_code == 302
    assert not draft.surveyed_units.exists()


def test_units_page_is_the_secretariats(client, focal_point, outsider, draft, elsewhere):
    client.force_login(focal_point)
    assert client.get(url("campaign_units", draft.pk)).status_code == 403
    assert client.post(url("campaign_apply_quotas", draft.pk)).status_code == 403
    client.force_login(outsider)
    assert client.get(url("campaign_units", elsewhere.pk)).status_code == 404


# The dashboard ------------------------------------------------------------------------------


def test_the_dashboard(client, home_affairs_officer, campaign, target):
    submit_response(target, full_answers(), channel="web")
    client.force_login(home_affairs_officer)
    page = client.get(url("campaign_detail", campaign.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        "<dd>Mean of the indices below it (criteria of an element, elements of the overall)</dd>"
        in html
    )
    assert '<title id="day-chart-title">Valid responses per day</title>' in html
    assert "<td>28/11/2026</td>" in html  # the table under the chart
    assert f'href="/s/{target.code}/"' in html
    assert f'href="/s/{target.code}/qr.svg"' in html
    assert f'href="/s/{target.code}/poster.pdf"' in html
    assert 'hx-trigger="every 30s"' in html
    assert 'style="' not in html  # CSP: no inline style
    assert '<progress class="quota" max="30" value="1"' in html
    rows = page.context["rows"]
    assert [(row.unit.code, row.received) for row, _links in rows] == [
        ("STP", 1),
        ("SYT", 0),
        ("884", 0),
    ]
    assert url("campaign_open", campaign.pk) not in html
    assert url("campaign_close", campaign.pk) in html


def test_a_focal_point_sees_only_their_units_row(client, focal_point, campaign, unit_b):
    client.force_login(focal_point)
    page = client.get(url("campaign_detail", campaign.pk))
    assert page.status_code == 200
    assert [row.unit.code for row, _links in page.context["rows"]] == ["STP"]
    html = page.content.decode()
    assert unit_b.name not in html
    assert url("campaign_close", campaign.pk) not in html
    assert url("campaign_tokens", campaign.pk) in html


def test_a_focal_point_of_another_unit_gets_404(client, outsider, elsewhere):
    client.force_login(outsider)
    for name in ("campaign_detail", "campaign_progress", "campaign_edit", "campaign_tokens"):
        assert client.get(url(name, elsewhere.pk)).status_code == 404
    assert client.post(url("campaign_close", elsewhere.pk)).status_code == 404


def test_the_live_part_is_a_fragment_for_htmx_and_a_page_otherwise(
    client, home_affairs_officer, campaign
):
    client.force_login(home_affairs_officer)
    fragment = client.get(url("campaign_progress", campaign.pk), headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert fragment.content.decode().startswith('<section id="campaign-progress"')
    page = client.get(url("campaign_progress", campaign.pk))
    assert "<html" in page.content.decode()


def test_opening_and_closing(client, home_affairs_officer, draft):
    client.force_login(home_affairs_officer)
    assert client.get(url("campaign_open", draft.pk)).status_code == 405
    response = client.post(url("campaign_open", draft.pk))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == CampaignStatus.OPEN
    assert draft.version.is_locked
    response = client.post(url("campaign_open", draft.pk), follow=True)
    assert "Only a draft campaign can be opened." in response.content.decode()
    client.post(url("campaign_close", draft.pk))
    draft.refresh_from_db()
    assert draft.status == CampaignStatus.CLOSED


def test_a_focal_point_cannot_open_or_close(client, focal_point, draft, campaign):
    client.force_login(focal_point)
    assert client.post(url("campaign_open", draft.pk)).status_code == 403
    assert client.post(url("campaign_close", campaign.pk)).status_code == 403
    draft.refresh_from_db()
    campaign.refresh_from_db()
    assert (draft.status, campaign.status) == ("draft", "open")
    assert not AuditEvent.objects.filter(verb__startswith="campaign.").exists()


# The sample-size calculator -----------------------------------------------------------------


def test_the_calculator_works_without_javascript(client, focal_point):
    client.force_login(focal_point)
    page = client.get(url("campaign_sample_size"), {"population": "1000", "margin": "5"})
    assert page.status_code == 200
    assert '<strong class="count">286</strong>' in page.content.decode()
    assert "<html" in page.content.decode()


def test_the_calculator_updates_live_with_htmx(client, focal_point):
    client.force_login(focal_point)
    fragment = client.get(
        url("campaign_sample_size"),
        {"population": "10000", "margin": "5"},
        headers={"HX-Request": "true"},
    )
    html = fragment.content.decode()
    assert html.startswith('<div id="sample-result"')
    assert '<strong class="count">385</strong>' in html


def test_the_calculator_explains_bad_input(client, focal_point):
    client.force_login(focal_point)
    page = client.get(url("campaign_sample_size"), {"population": "-5", "margin": "70"})
    assert page.status_code == 200
    assert set(page.context["calculator"].errors) == {"population", "margin"}
    assert page.context["result"] is None
