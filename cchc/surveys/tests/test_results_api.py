"""Results API: the same figures and visibility as the pages."""

from __future__ import annotations

import datetime

import pytest

from .. import calculations as calc
from ..models import CampaignStatus
from ..services.responses import submit_response
from .factories import full_answers, make_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(unit_a, unit_b, district):
    campaign = make_campaign(
        units=[unit_a, unit_b, district],
        min_n=2,
        element_method=calc.ElementMethod.SHARE_ON_QUESTION,
    )
    for unit, overall in ((unit_a, 5), (unit_a, 2), (unit_b, 4), (unit_b, 4), (district, 5)):
        submit_response(
            campaign.surveyed_units.get(unit=unit),
            full_answers(overall=overall, why="x"),
            channel="paper",
        )
    return campaign


def base(campaign) -> str:
    return f"/api/surveys/campaigns/{campaign.pk}/results"


def test_campaign_results_for_a_province_wide_role(client, leader, answered, english):
    client.force_login(leader)
    body = client.get(base(answered)).json()
    assert body["element_method"] == "share_on_question"
    assert "Share satisfied" in body["method_statement"]
    province = body["province"]
    assert province["responses"] == 5
    assert province["overall"]["value"] == "80.00"  # 4 of 5 satisfied
    assert province["overall"]["sufficient"] is True
    assert province["overall"]["low"] is not None
    assert [g["key"] for g in body["levels"]] == ["department", "district"]
    district = body["levels"][1]
    assert district["insufficient"] is True
    assert district["overall"]["value"] is None  # one response, min n 2: not shown
    assert district["overall"]["n"] == 1
    assert body["procedures"][0]["key"] == ""
    shares = province["expectations"][0]["shares"]
    assert shares[0]["name"] == "thai_do"
    assert shares[0]["count"] == 5


def test_unit_results_and_visibility(client, focal_point, answered, unit_a, unit_b):
    client.force_login(focal_point)
    own = client.get(f"{base(answered)}/units/{unit_a.pk}")
    assert own.status_code == 200
    assert own.json()["unit"]["overall"]["value"] == "50.00"
    assert own.json()["unit"]["under_quota"] is True
    assert own.json()["province"]["responses"] == 5
    assert client.get(f"{base(answered)}/units/{unit_b.pk}").status_code == 404
    assert client.get(f"{base(answered)}/ranking").status_code == 404
    campaign = client.get(base(answered))
    assert campaign.status_code == 200  # the province figures
    assert campaign.json()["procedures"] == []  # a procedure could disclose another unit


def test_a_unit_not_in_the_campaign_is_404(client, admin_user, answered, home_affairs):
    client.force_login(admin_user)
    assert client.get(f"{base(answered)}/units/{home_affairs.pk}").status_code == 404
    assert client.get("/api/surveys/campaigns/999999/results").status_code == 404


def test_ranking_for_the_secretariat(client, home_affairs_officer, answered, unit_a, unit_b):
    client.force_login(home_affairs_officer)
    lines = client.get(f"{base(answered)}/ranking").json()["lines"]
    assert [(line["rank"], line["unit_id"]) for line in lines][:2] == [
        (1, unit_b.pk),
        (2, unit_a.pk),
    ]
    assert lines[2]["rank"] is None
    assert lines[2]["insufficient"] is True


def test_people_without_the_campaign_get_404(client, no_role_user, answered):
    client.force_login(no_role_user)
    assert client.get(base(answered)).status_code == 404
    assert client.get(f"{base(answered)}/trend").status_code == 404


def test_anonymous_callers_are_refused(client, answered):
    assert client.get(base(answered)).status_code == 401


def test_trend_of_a_unit(client, focal_point, unit_a, unit_b, answered):
    old = make_campaign(
        answered.version,
        [unit_a],
        code="old",
        status=CampaignStatus.CLOSED,
        starts_on=datetime.date(2025, 10, 1),
        ends_on=datetime.date(2025, 12, 31),
        min_n=1,
        element_method=calc.ElementMethod.SHARE_ON_QUESTION,
    )
    submit_response(old.surveyed_units.get(unit=unit_a), full_answers(), channel="paper")
    client.force_login(focal_point)
    body = client.get(f"{base(answered)}/trend", {"unit_id": unit_a.pk}).json()
    assert [p["code"] for p in body["points"]] == ["old", answered.code]
    assert [p["overall"]["value"] for p in body["points"]] == ["100.00", "50.00"]
    assert body["elements"] == {"e1": "Tiếp cận dịch vụ", "e2": "Thủ tục hành chính"}
    assert client.get(f"{base(answered)}/trend", {"unit_id": unit_b.pk}).status_code == 404
    assert client.get(f"{base(answered)}/trend", {"unit_id": "x"}).status_code == 422
    province = client.get(f"{base(answered)}/trend").json()
    assert province["unit_id"] is None
    assert len(province["points"]) == 2


def test_a_unit_sees_neither_single_unit_levels_nor_others_weights(
    client, focal_point, unit_a, unit_b, district
):
    campaign = make_campaign(units=[unit_a, unit_b, district], min_n=1, weighted=True, code="w")
    campaign.surveyed_units.update(population=100)
    client.force_login(focal_point)
    body = client.get(base(campaign)).json()
    assert [g["key"] for g in body["levels"]] == ["department"]
    weights = body["province"]["weighting"]["weights"]
    assert [w["unit_id"] for w in weights] == [unit_a.pk]
