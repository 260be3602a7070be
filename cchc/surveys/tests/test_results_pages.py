"""Result pages: who sees what, and what each page states."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from ..models import CampaignUnit
from ..services.responses import submit_response
from .factories import full_answers, make_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(campaign, unit_a, unit_b):
    """Three responses of unit_a, one of unit_b (min n 30: every index insufficient)."""
    for overall in (5, 4, 2):
        submit_response(
            campaign.surveyed_units.get(unit=unit_a),
            full_answers(overall=overall, why="x"),
            channel="paper",
        )
    submit_response(campaign.surveyed_units.get(unit=unit_b), full_answers(), channel="paper")
    return campaign


@pytest.fixture
def sufficient(unit_a, unit_b):
    campaign = make_campaign(units=[unit_a, unit_b], min_n=2, code="du-mau")
    for unit in (unit_a, unit_a, unit_b, unit_b):
        submit_response(campaign.surveyed_units.get(unit=unit), full_answers(), channel="paper")
    return campaign


def url(name: str, campaign, *args) -> str:
    return reverse(f"surveys:{name}", args=[campaign.pk, *args])


PROVINCE_WIDE = ["admin_user", "home_affairs_officer", "leader", "appraiser", "council_member"]


@pytest.mark.parametrize("who", PROVINCE_WIDE)
def test_province_wide_roles_see_every_page(client, request, answered, unit_b, who, english):
    client.force_login(request.getfixturevalue(who))
    page = client.get(url("results_campaign", answered))
    assert page.status_code == 200
    assert unit_b.name in page.content.decode()
    assert "By procedure" in page.content.decode()
    assert client.get(url("results_ranking", answered)).status_code == 200
    assert client.get(url("results_unit", answered, unit_b.pk)).status_code == 200


def test_the_campaign_page_states_the_method_and_the_flags(client, admin_user, answered, english):
    client.force_login(admin_user)
    html = client.get(url("results_campaign", answered)).content.decode()
    assert "Element and overall index" in html
    assert "Mean of the indices below it" in html
    assert "insufficient sample" in html
    assert "under quota" in html
    assert "<svg" in html
    assert "<title" in html
    assert 'style="' not in html  # CSP: no inline style attributes


def test_figures_are_shown_when_the_sample_suffices(client, admin_user, sufficient, english):
    client.force_login(admin_user)
    html = client.get(url("results_campaign", sufficient)).content.decode()
    assert re.search(r"Overall index</dt><dd><strong>100[.,]00 %</strong>", html)
    assert "insufficient sample" not in html
    ranking = client.get(url("results_ranking", sufficient)).content.decode()
    assert "Sở Tư pháp" in ranking


def test_a_focal_point_sees_the_province_and_their_own_scorecard(
    client, focal_point, answered, unit_a, unit_b, english
):
    client.force_login(focal_point)
    page = client.get(url("results_campaign", answered))
    assert page.status_code == 200
    html = page.content.decode()
    assert unit_b.name not in html  # no other unit, no unit table
    assert url("results_ranking", answered) not in html
    assert "By procedure" not in html  # a procedure answered in one unit would disclose it
    assert client.get(url("results_unit", answered, unit_a.pk)).status_code == 200


def test_a_focal_point_gets_404_for_other_units_and_the_ranking(
    client, focal_point, unit_leader, answered, unit_b
):
    for user in (focal_point, unit_leader):
        client.force_login(user)
        assert client.get(url("results_unit", answered, unit_b.pk)).status_code == 404
        assert client.get(url("results_ranking", answered)).status_code == 404
        assert client.get(url("results_report", answered)).status_code == 404


def test_a_unit_not_surveyed_or_unknown_is_404(client, admin_user, answered, home_affairs):
    client.force_login(admin_user)
    assert client.get(url("results_unit", answered, home_affairs.pk)).status_code == 404
    assert client.get(url("results_unit", answered, 999999)).status_code == 404
    assert client.get(reverse("surveys:results_campaign", args=[999999])).status_code == 404


def test_people_outside_the_campaign_get_404(client, no_role_user, answered, commune):
    from cchc.accounts.roles import Role
    from cchc.accounts.tests.factories import make_user

    stranger = make_user("xa", roles=[(Role.FOCAL_POINT, commune)])
    for user in (no_role_user, stranger):
        client.force_login(user)
        assert client.get(url("results_campaign", answered)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, answered):
    page = client.get(url("results_campaign", answered))
    assert page.status_code == 302
    assert "login" in page["Location"]


def test_the_scorecard_compares_with_the_province_and_shows_the_trend(
    client, admin_user, unit_a, english
):
    import datetime

    from ..models import CampaignStatus

    old = make_campaign(
        units=[unit_a],
        code="nam-2025",
        status=CampaignStatus.CLOSED,
        starts_on=datetime.date(2025, 10, 1),
        ends_on=datetime.date(2025, 12, 31),
        min_n=1,
    )
    new = make_campaign(old.version, [unit_a], code="nam-2026", min_n=1)
    for campaign in (old, new):
        target = CampaignUnit.objects.get(campaign=campaign, unit=unit_a)
        submit_response(target, full_answers(), channel="paper")
    client.force_login(admin_user)
    html = client.get(url("results_unit", new, unit_a.pk)).content.decode()
    assert "Compared with the province" in html
    assert "Across campaigns" in html
    assert old.name in html
    assert "polyline" in html  # the trend line has two points
    assert 'style="' not in html


def test_the_trend_adds_other_questionnaires_on_request(client, admin_user, unit_a, english):
    import datetime

    from ..models import CampaignStatus
    from .factories import make_version

    other = make_campaign(
        make_version("khac"),
        [unit_a],
        code="phieu-khac",
        status=CampaignStatus.CLOSED,
        starts_on=datetime.date(2025, 10, 1),
        ends_on=datetime.date(2025, 12, 31),
        min_n=1,
    )
    new = make_campaign(units=[unit_a], code="nam-2026", min_n=1)
    for campaign in (other, new):
        target = CampaignUnit.objects.get(campaign=campaign, unit=unit_a)
        submit_response(target, full_answers(), channel="paper")
    client.force_login(admin_user)
    same = client.get(url("results_unit", new, unit_a.pk)).content.decode()
    assert other.name not in same
    assert "Include campaigns run with other questionnaires" in same
    every = client.get(url("results_unit", new, unit_a.pk) + "?all=1").content.decode()
    assert other.name in every
    assert "polyline" in every


def test_exports_follow_the_same_rules(client, focal_point, outsider, answered, unit_a):
    client.force_login(focal_point)
    assert client.get(url("results_export", answered, "xlsx")).status_code == 200
    assert client.get(url("results_export", answered, "pdf")).status_code == 404
    assert client.get(url("responses_export", answered, "csv")).status_code == 200
    other = answered.surveyed_units.exclude(unit=unit_a).first().unit_id
    own = client.get(url("responses_export", answered, "csv") + f"?unit={unit_a.pk}")
    assert own.status_code == 200
    assert (
        client.get(url("responses_export", answered, "csv") + f"?unit={other}").status_code == 404
    )
    assert client.get(url("responses_export", answered, "csv") + "?unit=x").status_code == 404


def test_raw_responses_are_not_for_province_wide_readers(client, leader, appraiser, answered):
    for user in (leader, appraiser):
        client.force_login(user)
        assert client.get(url("responses_export", answered, "csv")).status_code == 404
        assert client.get(url("results_export", answered, "csv")).status_code == 200


def test_a_focal_point_exports_only_their_own_units_rows(
    client, focal_point, answered, unit_a, unit_b
):
    client.force_login(focal_point)
    body = client.get(url("responses_export", answered, "csv")).content.decode("utf-8-sig")
    assert body.count(f",{unit_a.code},") == 3
    assert f",{unit_b.code}," not in body
    units = client.get(url("results_export", answered, "csv")).content.decode("utf-8-sig")
    assert unit_a.name in units
    assert unit_b.name not in units


def test_the_report_downloads_for_the_secretariat(client, home_affairs_officer, answered):
    client.force_login(home_affairs_officer)
    page = client.get(url("results_report", answered))
    assert page.status_code == 200
    assert page["Content-Disposition"].startswith("attachment")
    assert page.content[:2] == b"PK"


def test_a_level_of_one_other_unit_is_not_shown_to_a_unit(
    client, focal_point, admin_user, answered, english
):
    client.force_login(focal_point)
    html = client.get(url("results_campaign", answered)).content.decode()
    assert "District-level unit" not in html  # the district level is Châu Đốc alone
    assert "A level made of a single unit other than yours is not shown." in html
    client.force_login(admin_user)
    assert "District-level unit" in client.get(url("results_campaign", answered)).content.decode()


def test_weights_are_shown_to_province_wide_roles_only(
    client, admin_user, focal_point, unit_a, unit_b, english
):
    campaign = make_campaign(units=[unit_a, unit_b], min_n=1, weighted=True, code="w")
    campaign.surveyed_units.filter(unit=unit_b).update(population=4321)
    client.force_login(admin_user)
    html = client.get(url("results_campaign", campaign)).content.decode()
    assert "Weights of the units (population N)" in html
    assert "4321" in html
    assert "weighted by each unit" in html
    client.force_login(focal_point)
    html = client.get(url("results_campaign", campaign)).content.decode()
    assert "weighted by each unit" in html  # the method is stated to everyone
    assert "4321" not in html


def _queries(client, address: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def test_page_queries_do_not_grow_with_units_or_responses(client, admin_user, province, unit_a):
    from cchc.units.models import Unit
    from cchc.units.tests.factories import make_unit

    campaign = make_campaign(units=[unit_a], min_n=1, code="q")
    submit_response(campaign.surveyed_units.get(unit=unit_a), full_answers(), channel="paper")
    client.force_login(admin_user)
    pages = [url(name, campaign) for name in ("results_campaign", "results_ranking")]
    pages.append(url("results_unit", campaign, unit_a.pk))
    few = [_queries(client, page) for page in pages]
    for i in range(8):
        unit = make_unit(f"Xã {i}", kind=Unit.Kind.COMMUNE, parent=province)
        target = CampaignUnit.objects.create(campaign=campaign, unit=unit, quota=5)
        for _ in range(3):
            submit_response(target, full_answers(), channel="paper")
    assert [_queries(client, page) for page in pages] == few
