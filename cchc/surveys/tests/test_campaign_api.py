"""The campaigns API: a campaign from creation to closing through it, refused input (422 with
details), the wrong user (404 for what one may not see, 403 for what one may not do)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from ..models import Campaign, CampaignStatus, SurveyToken
from ..services.responses import submit_response
from .factories import full_answers, make_campaign, make_version

pytestmark = pytest.mark.django_db

API = "/api/surveys"


@pytest.fixture(autouse=True)
def _in_english(english):
    """Messages are asserted as their English msgids."""


def send(client, method: str, path: str, data: dict[str, Any] | None = None):
    body = json.dumps(data or {})
    return getattr(client, method)(f"{API}{path}", body, content_type="application/json")


def test_a_campaign_through_the_api(client, home_affairs_officer, unit_a, unit_b):
    version = make_version("api")
    client.force_login(home_affairs_officer)
    created = send(
        client,
        "post",
        "/campaigns",
        {
            "code": "api-2027",
            "name": "Khảo sát qua API",
            "version_id": version.pk,
            "starts_on": "2026-11-01",
            "ends_on": "2026-12-31",
            "margin": "0.05",
            "procedures": [{"code": "1.001", "name": "Hộ tịch"}],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    pk = body["id"]
    assert (body["status"], body["margin"], body["units"]) == ("draft", "0.050", [])
    units = send(
        client,
        "put",
        f"/campaigns/{pk}/units",
        {
            "units": [
                {"unit_id": unit_a.pk, "population": 1000},
                {"unit_id": unit_b.pk, "quota": 40},
            ]
        },
    )
    assert units.status_code == 200, units.content
    rows = {u["unit_code"]: u for u in units.json()["units"]}
    assert (rows["STP"]["suggested"], rows["STP"]["target"], rows["STP"]["quota"]) == (
        286,
        286,
        None,
    )
    assert rows["SYT"]["target"] == 40
    applied = send(client, "post", f"/campaigns/{pk}/suggested-quotas")
    assert {u["unit_code"]: u["quota"] for u in applied.json()["units"]} == {"STP": 286, "SYT": 40}
    opened = send(client, "post", f"/campaigns/{pk}/open")
    assert opened.json()["status"] == "open"
    campaign = Campaign.objects.get(pk=pk)
    assert campaign.version.is_locked
    submit_response(campaign.surveyed_units.get(unit=unit_a), full_answers(), channel="web")
    read = client.get(f"{API}/campaigns/{pk}").json()
    stp = next(u for u in read["units"] if u["unit_code"] == "STP")
    assert (stp["received"], stp["percent"], stp["under_quota"]) == (1, 0, True)
    assert stp["public_path"] == f"/s/{stp['code']}/"
    assert read["totals"] == {"received": 1, "target": 326, "under_quota": 2}
    patched = send(client, "patch", f"/campaigns/{pk}", {"name": "Tên mới"})
    assert patched.json()["name"] == "Tên mới"
    closed = send(client, "post", f"/campaigns/{pk}/close")
    assert closed.json()["status"] == "closed"


def test_the_list_is_paginated_and_filtered_by_visibility(client, outsider, campaign, unit_a):
    make_campaign(make_version("other"), [unit_a], code="stp-only")
    client.force_login(outsider)
    body = client.get(f"{API}/campaigns").json()
    assert body["count"] == 1
    assert [c["code"] for c in body["items"]] == ["sipas-2026"]


def test_refused_input_names_the_fields(client, home_affairs_officer, campaign, province):
    client.force_login(home_affairs_officer)
    bad = send(
        client,
        "post",
        "/campaigns",
        {
            "code": campaign.code,
            "name": "X",
            "version_id": 99999,
            "starts_on": "2026-12-01",
            "ends_on": "2026-11-01",
        },
    )
    assert bad.status_code == 422
    assert {d["field"] for d in bad.json()["error"]["details"]} == {"version"}
    schema = send(client, "post", "/campaigns", {"code": "x", "margin": "0.9"})
    assert schema.status_code == 422
    assert "margin" in {d["field"] for d in schema.json()["error"]["details"]}
    changed = send(client, "patch", f"/campaigns/{campaign.pk}", {"margin": "0.1"})
    assert changed.status_code == 422
    assert changed.json()["error"]["details"][0]["field"] == "margin"
    units = send(
        client, "put", f"/campaigns/{campaign.pk}/units", {"units": [{"unit_id": province.pk}]}
    )
    assert units.status_code == 422
    missing = send(client, "put", f"/campaigns/{campaign.pk}/units", {"units": [{"unit_id": 0}]})
    assert missing.json()["error"]["details"] == [{"field": "units", "message": "No such unit: 0."}]
    campaign.refresh_from_db()
    assert campaign.margin == Decimal("0.050")
    assert campaign.surveyed_units.count() == 3


def test_a_focal_point_reads_their_row_and_may_not_manage(client, focal_point, campaign):
    client.force_login(focal_point)
    read = client.get(f"{API}/campaigns/{campaign.pk}").json()
    assert [u["unit_code"] for u in read["units"]] == ["STP"]
    for method, path in [
        ("patch", f"/campaigns/{campaign.pk}"),
        ("post", f"/campaigns/{campaign.pk}/close"),
        ("post", f"/campaigns/{campaign.pk}/suggested-quotas"),
        ("put", f"/campaigns/{campaign.pk}/units"),
    ]:
        data = {"units": []} if method == "put" else {"name": "X"}
        assert send(client, method, path, data).status_code == 403, path
    created = send(
        client,
        "post",
        "/campaigns",
        {
            "code": "fp",
            "name": "X",
            "version_id": campaign.version_id,
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-31",
        },
    )
    assert created.status_code == 403
    campaign.refresh_from_db()
    assert (campaign.status, campaign.name) == (CampaignStatus.OPEN, "Khảo sát sipas-2026")


def test_a_campaign_one_may_not_see_is_404(client, outsider, unit_a):
    elsewhere = make_campaign(make_version("other"), [unit_a], code="stp-only")
    client.force_login(outsider)
    assert client.get(f"{API}/campaigns/{elsewhere.pk}").status_code == 404
    assert (
        send(client, "post", f"/campaigns/{elsewhere.pk}/tokens", {"count": 1}).status_code == 404
    )
    assert send(client, "post", f"/campaigns/{elsewhere.pk}/close").status_code == 404


def test_anonymous_callers_are_refused(client, campaign):
    assert client.get(f"{API}/campaigns").status_code == 401
    assert client.get(f"{API}/sample-size?population=1000").status_code == 401


def test_tokens_through_the_api(client, focal_point, home_affairs_officer, campaign, target):
    client.force_login(focal_point)
    issued = send(
        client, "post", f"/campaigns/{campaign.pk}/tokens", {"count": 3, "unit_id": target.unit_id}
    )
    assert issued.status_code == 201, issued.content
    body = issued.json()
    assert body["count"] == 3
    assert {t["path"] for t in body["tokens"]} == {
        f"/s/{target.code}/?t={t['code']}" for t in body["tokens"]
    }
    assert send(client, "post", f"/campaigns/{campaign.pk}/tokens", {"count": 3}).status_code == 403
    stats = client.get(f"{API}/campaigns/{campaign.pk}/tokens").json()
    assert stats == [
        {"unit_id": target.unit_id, "unit_name": "Sở Tư pháp tỉnh An Giang", "issued": 3, "used": 0}
    ]
    too_many = send(client, "post", f"/campaigns/{campaign.pk}/tokens", {"count": 5001})
    assert too_many.status_code == 422
    assert SurveyToken.objects.count() == 3


def test_the_sample_size_calculator(client, focal_point):
    client.force_login(focal_point)
    assert client.get(f"{API}/sample-size?population=1000").json() == {
        "population": 1000,
        "margin": "0.050",
        "sample": 286,
    }
    assert client.get(f"{API}/sample-size?population=1000&margin=0.03").json()["sample"] == 527
    bad = client.get(f"{API}/sample-size?population=-1&margin=0.9")
    assert bad.status_code == 422
    assert {d["field"] for d in bad.json()["error"]["details"]} == {"population", "margin"}
    assert client.get(f"{API}/sample-size?population=lots").status_code == 422


def test_every_endpoint_is_documented(client):
    spec = client.get("/api/openapi.json").json()
    ids = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {
        "surveys_campaign_list",
        "surveys_campaign_get",
        "surveys_campaign_create",
        "surveys_campaign_update",
        "surveys_campaign_set_units",
        "surveys_campaign_apply_suggested_quotas",
        "surveys_campaign_open",
        "surveys_campaign_close",
        "surveys_campaign_generate_tokens",
        "surveys_campaign_token_stats",
        "surveys_campaign_sample_size",
    } <= ids
