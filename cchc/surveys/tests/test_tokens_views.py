"""The tokens page: issuing a batch, the counts per unit, the CSV and PDF downloads, and who
may do what (the secretariat for every unit, a focal point for their own, others 403/404)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ..models import SurveyToken
from ..services.tokens import generate_tokens
from .factories import make_campaign, make_version

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(english):
    """Pages are asserted in their English msgids."""


def url(name, campaign, **query):
    path = reverse(f"surveys:{name}", args=[campaign.pk])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_a_focal_point_issues_tokens_for_their_unit(client, focal_point, campaign, unit_a, unit_b):
    client.force_login(focal_point)
    page = client.get(url("campaign_tokens", campaign))
    assert page.status_code == 200
    assert list(page.context["form"].fields["unit"].queryset) == [unit_a]
    response = client.post(
        url("campaign_tokens", campaign), {"count": "12", "unit": unit_a.pk, "batch": "T11"}
    )
    assert response.status_code == 302
    assert response["Location"] == url("campaign_tokens", campaign, batch="T11")
    assert SurveyToken.objects.filter(unit=unit_a, batch="T11").count() == 12
    page = client.get(response["Location"])
    assert [(s.unit_name, s.issued, s.used) for s in page.context["stats"]] == [
        ("Sở Tư pháp tỉnh An Giang", 12, 0)
    ]
    html = page.content.decode()
    assert f"{url('campaign_tokens_pdf', campaign)}?batch=T11&amp;unit={unit_a.pk}" in html
    response = client.post(url("campaign_tokens", campaign), {"count": "5", "unit": unit_b.pk})
    assert response.status_code == 200  # not a choice for them
    assert "unit" in response.context["form"].errors
    assert not SurveyToken.objects.filter(unit=unit_b).exists()


def test_bad_counts_are_shown_next_to_the_field(client, home_affairs_officer, campaign):
    client.force_login(home_affairs_officer)
    for count in ("0", "5001", "abc"):
        response = client.post(url("campaign_tokens", campaign), {"count": count})
        assert response.status_code == 200
        assert set(response.context["form"].errors) == {"count"}
    assert not SurveyToken.objects.exists()


def test_the_secretariat_downloads_a_batch(client, home_affairs_officer, campaign, target):
    generate_tokens(campaign, count=3, unit=target.unit, batch="b 1", by=home_affairs_officer)
    client.force_login(home_affairs_officer)
    csv = client.get(url("campaign_tokens_csv", campaign, batch="b%201", unit=target.unit_id))
    assert csv.status_code == 200
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert "tokens-sipas-2026-b-1.csv" in csv["Content-Disposition"]
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 4
    assert f"/s/{target.code}/?t=" in lines[1]
    pdf = client.get(url("campaign_tokens_pdf", campaign, batch="b%201"))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert client.get(url("campaign_tokens_csv", campaign, batch="nope")).status_code == 404


def test_any_unit_tokens_are_downloaded_apart(client, home_affairs_officer, campaign, target):
    generate_tokens(campaign, count=2, unit=target.unit, batch="b", by=home_affairs_officer)
    generate_tokens(campaign, count=1, batch="b", by=home_affairs_officer)
    client.force_login(home_affairs_officer)
    csv = client.get(url("campaign_tokens_csv", campaign, batch="b", unit="none"))
    assert len(csv.content.decode("utf-8-sig").splitlines()) == 2


def test_focal_points_download_only_their_units_tokens(
    client, home_affairs_officer, outsider, campaign, target
):
    generate_tokens(campaign, count=3, unit=target.unit, batch="b", by=home_affairs_officer)
    client.force_login(outsider)  # focal point of unit_b, also surveyed
    assert client.get(url("campaign_tokens", campaign)).status_code == 200
    assert client.get(url("campaign_tokens_csv", campaign, batch="b")).status_code == 404
    assert client.get(url("campaign_tokens_pdf", campaign, batch="b")).status_code == 404


def test_people_without_a_unit_in_the_campaign_are_refused(
    client, leader, outsider, campaign, unit_a
):
    client.force_login(leader)  # sees every campaign, issues no tokens
    assert client.get(url("campaign_tokens", campaign)).status_code == 403
    assert client.post(url("campaign_tokens", campaign), {"count": "5"}).status_code == 403
    elsewhere = make_campaign(make_version("other"), [unit_a], code="stp-only")
    client.force_login(outsider)
    assert client.get(url("campaign_tokens", elsewhere)).status_code == 404
    assert not SurveyToken.objects.exists()


def test_a_closed_campaign_issues_no_more_tokens(client, home_affairs_officer, campaign):
    campaign.status = "closed"
    campaign.save(update_fields=["status"])
    client.force_login(home_affairs_officer)
    page = client.get(url("campaign_tokens", campaign))
    assert "no more tokens can be issued" in page.content.decode()
    response = client.post(url("campaign_tokens", campaign), {"count": "5"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "__all__": ["This campaign is closed: no more tokens can be issued."]
    }
    assert not SurveyToken.objects.exists()
