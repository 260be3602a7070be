"""Staff entry API: responses, invalidation, duplicates, paper entry and imports."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.accounts.roles import Role
from cchc.accounts.tests.factories import make_user

from .. import answers
from ..models import Channel, Response
from ..services.responses import submit_response
from .factories import full_answers, make_campaign

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def _fresh_specs() -> None:
    """Primary keys repeat between tests (rolled back): read each version's rules afresh."""
    answers._CACHE.clear()


API = "/api/surveys"


@pytest.fixture
def other(campaign, unit_b):
    return campaign.surveyed_units.get(unit=unit_b)


@pytest.fixture
def double(unit_a):
    campaign = make_campaign(units=[unit_a], code="double", double_entry=True)
    return campaign.surveyed_units.get(unit=unit_a)


@pytest.fixture
def colleague(unit_a):
    return make_user("colleague", roles=[(Role.FOCAL_POINT, unit_a)])


def post_json(client, path: str, data: dict) -> object:
    return client.post(f"{API}{path}", data, content_type="application/json")


def test_listing_responses(client, campaign, target, other, home_affairs_officer, focal_point):
    mine = submit_response(target, full_answers(), channel="web")
    theirs = submit_response(other, full_answers(), channel="web")
    client.force_login(home_affairs_officer)
    body = client.get(f"{API}/campaigns/{campaign.pk}/responses").json()
    assert body["count"] == 2
    assert [r["id"] for r in body["items"]] == [theirs.pk, mine.pk]
    assert body["items"][1]["unit_code"] == "STP"
    assert body["items"][1]["answers"]["expect"] == [1, 3]
    filtered = client.get(f"{API}/campaigns/{campaign.pk}/responses?unit_id={other.unit_id}")
    assert [r["id"] for r in filtered.json()["items"]] == [theirs.pk]
    client.force_login(focal_point)
    body = client.get(f"{API}/campaigns/{campaign.pk}/responses").json()
    assert [r["id"] for r in body["items"]] == [mine.pk]


def test_listing_is_refused_to_roles_without_a_unit(client, campaign, leader, no_role_user):
    client.force_login(leader)
    assert client.get(f"{API}/campaigns/{campaign.pk}/responses").status_code == 403
    client.force_login(no_role_user)
    assert client.get(f"{API}/campaigns/{campaign.pk}/responses").status_code == 404


def test_one_response_and_its_invalidation(client, target, home_affairs_officer, focal_point):
    response = submit_response(target, full_answers(), channel="web")
    client.force_login(focal_point)
    assert client.get(f"{API}/responses/{response.pk}").json()["is_valid"] is True
    refused = post_json(client, f"/responses/{response.pk}/invalidate", {"reason": "x"})
    assert refused.status_code == 403
    client.force_login(home_affairs_officer)
    empty = post_json(client, f"/responses/{response.pk}/invalidate", {"reason": " "})
    assert empty.status_code == 422
    assert empty.json()["error"]["details"] == [
        {"field": "reason", "message": "Give the reason for invalidating this response."}
    ]
    done = post_json(client, f"/responses/{response.pk}/invalidate", {"reason": "Phiếu thử"})
    assert done.status_code == 200
    assert (done.json()["is_valid"], done.json()["invalid_reason"]) == (False, "Phiếu thử")
    assert done.json()["invalidated_by"] == str(home_affairs_officer)


def test_another_units_response_is_404(client, other, focal_point):
    response = submit_response(other, full_answers(), channel="web")
    client.force_login(focal_point)
    assert client.get(f"{API}/responses/{response.pk}").status_code == 404
    refused = post_json(client, f"/responses/{response.pk}/invalidate", {"reason": "x"})
    assert refused.status_code == 404


def test_duplicates(client, campaign, target, home_affairs_officer, focal_point):
    a = submit_response(target, full_answers(), channel="web")
    b = submit_response(target, full_answers(), channel="web")
    client.force_login(home_affairs_officer)
    body = client.get(f"{API}/campaigns/{campaign.pk}/responses/duplicates").json()
    assert [(g["count"], g["response_ids"], g["unit_id"]) for g in body] == [
        (2, [a.pk, b.pk], target.unit_id)
    ]
    client.force_login(focal_point)
    assert client.get(f"{API}/campaigns/{campaign.pk}/responses/duplicates").status_code == 403


def test_single_paper_entry(client, campaign, target, focal_point):
    client.force_login(focal_point)
    payload = {"unit_id": target.unit_id, "serial": "P-1", "answers": full_answers()}
    done = post_json(client, f"/campaigns/{campaign.pk}/paper", payload)
    assert done.status_code == 201
    response = Response.objects.get()
    assert done.json() == {
        "status": "entered",
        "unit_id": target.unit_id,
        "serial": "P-1",
        "entry_no": None,
        "response_id": response.pk,
    }
    assert (response.channel, response.entered_by) == (Channel.PAPER, focal_point)
    again = post_json(client, f"/campaigns/{campaign.pk}/paper", payload)
    assert again.status_code == 422
    assert again.json()["error"]["details"][0]["field"] == "serial"


def test_paper_entry_errors_name_the_questions(client, campaign, target, focal_point):
    client.force_login(focal_point)
    payload = {"unit_id": target.unit_id, "serial": "P-1", "answers": full_answers(c11=7)}
    refused = post_json(client, f"/campaigns/{campaign.pk}/paper", payload)
    assert refused.status_code == 422
    assert [d["field"] for d in refused.json()["error"]["details"]] == ["c11"]
    assert not Response.objects.exists()


def test_paper_entry_for_another_unit_is_403(client, campaign, target, outsider):
    client.force_login(outsider)
    payload = {"unit_id": target.unit_id, "serial": "P-1", "answers": full_answers()}
    assert post_json(client, f"/campaigns/{campaign.pk}/paper", payload).status_code == 403
    assert not Response.objects.exists()


def test_double_entry_compare_and_settle(client, double, focal_point, colleague):
    campaign = double.campaign
    payload = {"unit_id": double.unit_id, "serial": "A7", "answers": full_answers()}
    client.force_login(focal_point)
    first = post_json(client, f"/campaigns/{campaign.pk}/paper", payload).json()
    assert (first["status"], first["entry_no"]) == ("waiting", 1)
    compare = f"{API}/campaigns/{campaign.pk}/paper/compare?unit_id={double.unit_id}&serial=A7"
    assert client.get(compare).status_code == 422  # blind until the second typing
    same_person = post_json(client, f"/campaigns/{campaign.pk}/paper", payload)
    assert same_person.json()["error"]["details"] == [
        {"field": "serial", "message": "The second entry must be made by someone else."}
    ]
    client.force_login(colleague)
    payload["answers"] = full_answers(c12=2)
    second = post_json(client, f"/campaigns/{campaign.pk}/paper", payload).json()
    assert (second["status"], second["entry_no"]) == ("differs", 2)
    pending = client.get(f"{API}/campaigns/{campaign.pk}/paper/pending").json()
    assert [(p["serial"], p["status"]) for p in pending] == [("A7", "differs")]
    lines = client.get(compare).json()["lines"]
    assert [(x["code"], x["first_value"], x["second_value"]) for x in lines if not x["same"]] == [
        ("c12", 4, 2)
    ]
    settle = {"unit_id": double.unit_id, "serial": "A7", "choices": {"c12": 1}}
    done = post_json(client, f"/campaigns/{campaign.pk}/paper/settle", settle)
    assert done.status_code == 201
    assert done.json()["answers"]["c12"] == 4
    assert (done.json()["entered_by"], done.json()["verified_by"]) == (
        str(focal_point),
        str(colleague),
    )


def test_compare_for_another_unit_is_403(client, campaign, unit_b, outsider, focal_point):
    client.force_login(focal_point)
    compare = f"{API}/campaigns/{campaign.pk}/paper/compare?unit_id={unit_b.pk}&serial=A7"
    assert client.get(compare).status_code == 403


def kobo(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("kobo.csv", ("\ufeff" + text).encode(), content_type="text/csv")


def test_import(client, campaign, home_affairs_officer):
    client.force_login(home_affairs_officer)
    upload = kobo("don_vi;g/c11;g/c12;g/overall;_uuid\nSTP;5;4;4;a\nSYT;3;3;3;b\n")
    done = client.post(f"{API}/campaigns/{campaign.pk}/responses/import", {"file": upload})
    assert done.status_code == 201
    body = done.json()
    assert (body["imported"], body["by_unit"]) == (2, {"STP": 1, "SYT": 1})
    assert body["ignored_columns"] == [{"name": "_uuid", "reason": "KoboToolbox information"}]
    assert Response.objects.filter(import_batch=body["batch"]).count() == 2


def test_a_refused_import_is_422_with_the_problems_by_row(client, campaign, home_affairs_officer):
    client.force_login(home_affairs_officer)
    upload = kobo("unit,c11,c12,overall\nSTP,5,4,4\nSTP,7,4,4\n")
    refused = client.post(f"{API}/campaigns/{campaign.pk}/responses/import", {"file": upload})
    assert refused.status_code == 422
    details = refused.json()["error"]["details"]
    assert [(d["file"], d["row"], d["column"]) for d in details] == [("kobo.csv", 3, "c11")]
    assert details[0]["reason"].startswith("“7” is not one of the answers")
    assert not Response.objects.exists()


def test_import_by_a_role_without_a_unit_is_403(client, campaign, council_member):
    client.force_login(council_member)
    upload = kobo("unit,c11,c12,overall\nSTP,5,4,4\n")
    refused = client.post(f"{API}/campaigns/{campaign.pk}/responses/import", {"file": upload})
    assert refused.status_code == 403
