"""The PAR Index API refuses: input (422 with details) and the wrong user (404 for what one
may not see, 403 for what one may not do)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.core.tests.files import make_pdf
from cchc.scoring.models import Round, ScoreSheet

from .api_helpers import API, api_set, open_round, schedule, scores_by_code, send
from .round_helpers import on

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


# Bad input ---------------------------------------------------------------------------


def test_points_over_the_maximum_are_refused_naming_the_field(
    client, home_affairs_officer, focal_point, unit_leader, appraiser, unit_a
):
    criteria_set = api_set()
    with on("self"):
        opened = open_round(client, home_affairs_officer, criteria_set, [unit_a])
        sheet = ScoreSheet.objects.get(round_id=opened["id"])
        client.force_login(focal_point)
        scores = scores_by_code(client, sheet.pk)
        manual = scores["1.1"]["id"]
        response = send(client, "put", f"/scores/{manual}/self", {"entered_points": "7"})
        assert response.status_code == 422
        [detail] = response.json()["error"]["details"]
        assert detail["field"] == "entered_points"
        assert "between 0 and 6" in detail["message"]
        three_places = send(client, "put", f"/scores/{manual}/self", {"entered_points": "1.555"})
        assert three_places.status_code == 422
        # refused by the schema: the field is named by its place in the request
        assert three_places.json()["error"]["details"][0]["field"].endswith("entered_points")
        send(client, "put", f"/scores/{manual}/self", {"entered_points": "5", "note": "x"})
        ratio = {"numerator": "1", "denominator": "1", "note": "x"}
        send(client, "put", f"/scores/{scores['1.2']['id']}/self", ratio)
        client.force_login(unit_leader)
        assert send(client, "post", f"/sheets/{sheet.pk}/submit").status_code == 200
    with on("appraisal_1"):
        client.force_login(home_affairs_officer)
        send(
            client,
            "post",
            f"/rounds/{opened['id']}/appraisers",
            {"area_code": "1", "appraiser_id": appraiser.pk},
        )
        client.force_login(appraiser)
        response = send(client, "put", f"/scores/{manual}/appraisal/1", {"points": "6.5"})
        assert response.status_code == 422
        assert [d["field"] for d in response.json()["error"]["details"]] == ["points"]
        assert send(
            client, "put", f"/scores/{manual}/appraisal/3", {"points": "1"}
        ).status_code == (422)


def test_an_action_after_its_deadline_is_refused_with_the_message(
    client, home_affairs_officer, focal_point, unit_a
):
    criteria_set = api_set()
    with on("self"):
        opened = open_round(client, home_affairs_officer, criteria_set, [unit_a])
    sheet = ScoreSheet.objects.get(round_id=opened["id"])
    manual = sheet.scores.get(criterion__code="1.1")
    with on("appraisal_1"):
        client.force_login(focal_point)
        response = send(client, "put", f"/scores/{manual.pk}/self", {"entered_points": "5"})
        assert response.status_code == 422
        message = (
            "Self-assessment closed on 10/01/2027. Ask the PAR secretariat for an exception "
            "if your unit needs more time."
        )
        assert response.json()["error"]["message"] == message
        assert response.json()["error"]["details"] == [{"field": "", "message": message}]

        client.force_login(home_affairs_officer)
        granted = send(
            client,
            "post",
            f"/rounds/{opened['id']}/exceptions",
            {"unit_id": unit_a.pk, "stage": "self", "until": "2027-01-13", "reason": "Ốm"},
        )
        assert granted.status_code == 201
        client.force_login(focal_point)
        again = send(client, "put", f"/scores/{manual.pk}/self", {"entered_points": "5"})
        assert again.status_code == 200
        detail = client.get(f"{API}/rounds/{opened['id']}").json()
        assert [(e["unit_id"], e["until"]) for e in detail["exceptions"]] == [
            (unit_a.pk, "2027-01-13")
        ]


def test_opening_a_round_refuses_a_schedule_out_of_order(client, home_affairs_officer, unit_a):
    criteria_set = api_set()
    dates = schedule() | {"self_to": "2027-01-20"}
    data = {
        "year": 2026,
        "name": "R",
        "criteria_set_ids": [criteria_set.pk],
        "schedule": dates,
        "unit_ids": [unit_a.pk],
    }
    with on("self"):
        client.force_login(home_affairs_officer)
        response = send(client, "post", "/rounds", data)
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == [
        "schedule.appraisal_1_from"
    ]
    assert not Round.objects.exists()


def test_secretariat_changes_the_schedule_and_the_appraisers(
    client, home_affairs_officer, appraiser, unit_a
):
    criteria_set = api_set()
    with on("self"):
        opened = open_round(client, home_affairs_officer, criteria_set, [unit_a])
        url = f"/rounds/{opened['id']}"
        changed = send(client, "patch", f"{url}/schedule", {"publish_on": "2027-01-31"})
        assert changed.json()["schedule"]["publish_on"] == "2027-01-31"
        bad = send(client, "patch", f"{url}/schedule", {"publish_on": "2027-01-01"})
        assert [d["field"] for d in bad.json()["error"]["details"]] == ["publish_on"]
        added = send(
            client, "post", f"{url}/appraisers", {"area_code": "9", "appraiser_id": appraiser.pk}
        )
        assert [d["field"] for d in added.json()["error"]["details"]] == ["area_code"]
        added = send(
            client, "post", f"{url}/appraisers", {"area_code": "1", "appraiser_id": appraiser.pk}
        )
        removed = client.delete(f"{API}{url}/appraisers/{added.json()['id']}")
        assert removed.status_code == 204
        assert client.get(f"{API}{url}").json()["appraisers"] == []


# The wrong user ----------------------------------------------------------------------


def test_outsider_gets_404_on_another_units_sheet_and_scores(
    client, home_affairs_officer, outsider, unit_a
):
    criteria_set = api_set()
    with on("self"):
        opened = open_round(client, home_affairs_officer, criteria_set, [unit_a])
        sheet = ScoreSheet.objects.get(round_id=opened["id"])
        score = sheet.scores.get(criterion__code="1.1")
        client.force_login(outsider)
        assert client.get(f"{API}/rounds/{opened['id']}").status_code == 200
        assert client.get(f"{API}/rounds/{opened['id']}/sheets").json()["items"] == []
        response = client.get(f"{API}/sheets/{sheet.pk}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
        assert client.get(f"{API}/sheets/{sheet.pk}/scorecard").status_code == 404
        scored = send(client, "put", f"/scores/{score.pk}/self", {"entered_points": "1"})
        assert scored.status_code == 404
        upload = SimpleUploadedFile("x.pdf", make_pdf(), content_type="application/pdf")
        assert client.post(f"{API}/scores/{score.pk}/evidence", {"file": upload}).status_code == 404
    score.refresh_from_db()
    assert score.entered_points is None
    assert not score.evidence.exists()


def test_focal_point_may_not_run_the_round(client, home_affairs_officer, focal_point, unit_a):
    criteria_set = api_set()
    with on("self"):
        opened = open_round(client, home_affairs_officer, criteria_set, [unit_a])
        client.force_login(focal_point)
        url = f"/rounds/{opened['id']}"
        for action in ("compile", "publish"):
            response = send(client, "post", f"{url}/{action}")
            assert response.status_code == 403
            assert response.json()["error"]["code"] == "forbidden"
        assert send(client, "post", f"{url}/approve").status_code == 403
        assert (
            send(client, "patch", f"{url}/schedule", {"publish_on": "2027-02-01"}).status_code
            == 403
        )
        data = {
            "year": 2026,
            "name": "x",
            "criteria_set_ids": [criteria_set.pk],
            "schedule": schedule(),
        }
        assert send(client, "post", "/rounds", data).status_code == 403
    assert Round.objects.get().status == Round.Status.OPEN


def test_results_before_publication_are_hidden_from_units(
    client, home_affairs_officer, focal_point, outsider, unit_a
):
    criteria_set = api_set()
    with on("self"):
        opened = open_round(client, home_affairs_officer, criteria_set, [unit_a])
        results = f"{API}/rounds/{opened['id']}/results"
        provisional = client.get(results).json()
        assert (provisional["published"], len(provisional["lines"])) == (False, 1)
        for person in (outsider, focal_point):
            client.force_login(person)
            assert client.get(results).status_code == 404
