"""The public survey API: a unit's form for app and kiosk clients, and anonymous submission."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client

from .. import answers, public_form
from ..abuse import abuse_counts
from ..api._common import router
from ..models import CampaignStatus, Response, SurveyToken
from .factories import full_answers, make_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_version_caches() -> None:
    """Primary keys repeat between tests (rolled back): start without cached versions."""
    answers._CACHE.clear()
    public_form._CACHE.clear()


def form_url(code: str) -> str:
    return f"/api/surveys/public/{code}"


def submit_url(code: str) -> str:
    return f"/api/surveys/public/{code}/responses"


def submit(client: Client, code: str, body: Any, **extra: Any):
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(submit_url(code), data=raw, content_type="application/json", **extra)


def fields(response) -> set[str]:
    return {d["field"] for d in response.json()["error"]["details"]}


# --- the form ----------------------------------------------------------------------------------


def test_the_form_is_public_with_its_questions_choices_and_conditions(client, target, english):
    got = client.get(form_url(target.code))
    assert got.status_code == 200
    form = got.json()
    assert form["unit"] == "Sở Tư pháp tỉnh An Giang"
    assert form["campaign"] == "Khảo sát sipas-2026"
    assert (form["starts_on"], form["ends_on"]) == ("2026-10-01", "2026-12-31")
    assert form["collecting"] is True
    assert form["tokens_required"] is False
    assert [s["code"] for s in form["sections"]] == ["e1", "e2", "other"]
    questions = {q["code"]: q for s in form["sections"] for q in s["questions"]}
    assert list(questions)[:3] == ["c11", "c12", "e1"]
    c11 = questions["c11"]
    assert (c11["kind"], c11["required"], c11["number"]) == ("satisfaction", True, 1)
    assert [c["value"] for c in c11["choices"]] == [1, 2, 3, 4, 5]
    assert c11["choices"][4]["label"] == "Very satisfied"
    assert [c["label"] for c in questions["c21"]["choices"]] == ["Disagree", "Agree"]
    assert questions["why"]["show_if"] == {"question": "overall", "values": [1, 2]}
    assert questions["expect"]["max_picks"] == 2
    assert questions["expect"]["choices"][0] == {
        "value": 1,
        "name": "thai_do",
        "label": "Nâng cao thái độ phục vụ",
    }
    assert (questions["age"]["min_value"], questions["age"]["max_value"]) == ("15.00", "100.00")


def test_a_closed_campaign_form_says_it_is_not_collecting(client, unit_b):
    campaign = make_campaign(units=[unit_b], code="closed", status=CampaignStatus.CLOSED)
    got = client.get(form_url(campaign.surveyed_units.get().code))
    assert got.status_code == 200
    assert got.json()["collecting"] is False


def test_a_draft_campaign_form_and_an_unknown_code_are_not_found(client, unit_b):
    campaign = make_campaign(units=[unit_b], code="draft", status=CampaignStatus.DRAFT)
    assert client.get(form_url(campaign.surveyed_units.get().code)).status_code == 404
    missing = client.get(form_url("nosuchcode"))
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_the_form_takes_few_queries(client, target, django_assert_max_num_queries):
    client.get(form_url(target.code))  # the locked version's layout is cached
    with django_assert_max_num_queries(1):
        assert client.get(form_url(target.code)).status_code == 200


# --- submitting --------------------------------------------------------------------------------


def test_a_valid_submission_is_accepted_without_an_account_or_csrf(target):
    client = Client(enforce_csrf_checks=True)
    sent = submit(client, target.code, {"answers": full_answers()})
    assert sent.status_code == 201
    assert sent.json() == {"accepted": True}
    response = Response.objects.get()
    assert response.channel == "api"
    assert response.entered_by is None
    assert response.answers["c11"] == 5
    assert (response.submitted_hour.minute, response.submitted_hour.second) == (0, 0)


def test_a_submission_takes_few_queries(client, target, django_assert_max_num_queries):
    submit(client, target.code, {"answers": full_answers()})  # warm the version cache
    # unit + insert + response count + answer counts (+ savepoints)
    with django_assert_max_num_queries(6):
        assert submit(client, target.code, {"answers": full_answers()}).status_code == 201


def test_refused_answers_are_a_422_naming_each_question(client, target, english):
    body = {"answers": full_answers(c11=None, c12=7, expect=[1, 2, 3], comment="x" * 201)}
    refused = submit(client, target.code, body)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "invalid"
    assert fields(refused) == {"c11", "c12", "expect", "comment"}
    messages = {d["field"]: d["message"] for d in refused.json()["error"]["details"]}
    assert messages["c11"] == "This question is required."
    assert messages["expect"] == "Pick at most 2."
    assert not Response.objects.exists()


def test_an_unknown_question_is_refused(client, target):
    refused = submit(client, target.code, {"answers": full_answers(bogus=1)})
    assert refused.status_code == 422
    assert fields(refused) == {"bogus"}


def test_html_in_a_text_answer_is_stored_as_plain_text(client, target):
    body = {"answers": full_answers(comment="<b onclick=x()>Tốt</b>")}
    assert submit(client, target.code, body).status_code == 201
    assert Response.objects.get().answers["comment"] == "Tốt"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("not json", "payload"),
        ({"token": ""}, "answers"),
        ({"answers": ["c11", 5]}, "answers"),
        ({"answers": {}, "token": "x" * 65}, "token"),
    ],
)
def test_a_malformed_body_is_a_422(client, target, body, field):
    refused = submit(client, target.code, body)
    assert refused.status_code == 422
    assert field in fields(refused)
    assert not Response.objects.exists()


def test_a_token_is_accepted_once(client, target):
    campaign = target.campaign
    campaign.tokens_required = True
    campaign.save()
    token = SurveyToken.objects.create(campaign=campaign, unit=target.unit)
    body = {"answers": full_answers(), "token": token.code}
    assert submit(client, target.code, {"answers": full_answers()}).status_code == 422
    assert submit(client, target.code, body).status_code == 201
    again = submit(client, target.code, body)
    assert again.status_code == 422
    assert fields(again) == {"token"}
    assert Response.objects.count() == 1


def test_a_procedure_outside_the_campaign_is_refused(client, unit_b):
    procedures = [{"code": "1.001", "name": "Cấp phiếu lý lịch tư pháp"}]
    campaign = make_campaign(units=[unit_b], code="procedures", procedures=procedures)
    code = campaign.surveyed_units.get().code
    form = client.get(form_url(code)).json()
    assert form["procedures"] == procedures
    refused = submit(client, code, {"answers": full_answers(), "procedure_code": "9.9"})
    assert fields(refused) == {"procedure"}
    sent = submit(client, code, {"answers": full_answers(), "procedure_code": "1.001"})
    assert sent.status_code == 201
    assert Response.objects.get().procedure_code == "1.001"


@pytest.mark.parametrize(
    ("status", "ends_on"),
    [
        (CampaignStatus.CLOSED, datetime.date(2026, 12, 31)),
        (CampaignStatus.DRAFT, datetime.date(2026, 12, 31)),
        (CampaignStatus.OPEN, datetime.date(2026, 11, 1)),
    ],
)
def test_a_campaign_not_collecting_refuses_submissions(client, unit_b, status, ends_on):
    campaign = make_campaign(units=[unit_b], code="not-now", status=status, ends_on=ends_on)
    refused = submit(client, campaign.surveyed_units.get().code, {"answers": full_answers()})
    assert refused.status_code == 422
    assert fields(refused) == {"campaign"}
    assert not Response.objects.exists()


def test_an_unknown_code_is_a_404(client, target):
    assert submit(client, "nosuchcode", {"answers": full_answers()}).status_code == 404


# --- abuse ------------------------------------------------------------------------------------


def test_the_honeypot_pretends_success_and_stores_nothing(client, target):
    sent = submit(client, target.code, {"answers": full_answers(), "website": "spam"})
    assert sent.status_code == 201
    assert sent.json() == {"accepted": True}
    assert not Response.objects.exists()
    assert abuse_counts(target.campaign)["honeypot"] == 1


def test_too_many_submissions_from_one_client_are_a_429(settings, target, english):
    settings.SURVEY_RATE_LIMIT = "3/60"
    client = Client(REMOTE_ADDR="192.0.2.10")
    for _ in range(3):
        assert submit(client, target.code, {"answers": full_answers()}).status_code == 201
    refused = submit(client, target.code, {"answers": full_answers()})
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["error"]["code"] == "rate_limited"
    assert Response.objects.count() == 3
    assert abuse_counts(target.campaign)["rate_limited"] == 1
    other = Client(REMOTE_ADDR="192.0.2.11")
    assert submit(other, target.code, {"answers": full_answers()}).status_code == 201


def test_an_oversized_body_is_a_413_before_it_is_read(client, target, english):
    body = {"answers": full_answers(comment="x" * 40_000)}
    refused = submit(client, target.code, body)
    assert refused.status_code == 413
    assert refused.json()["error"] == {
        "code": "too_large",
        "message": "The answers sent are too large.",
        "details": [],
    }
    assert not Response.objects.exists()
    assert abuse_counts(target.campaign)["too_large"] == 1


def test_the_oversized_body_is_not_read(client, settings, target):
    # Reading a body over DATA_UPLOAD_MAX_MEMORY_SIZE would be a 400 (RequestDataTooBig).
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    body = {"answers": full_answers(comment="x" * 40_000)}
    assert submit(client, target.code, body).status_code == 413


def test_the_operations_need_no_account_and_are_named():
    operations = {
        op.operation_id: op
        for path_view in router.path_operations.values()
        for op in path_view.operations
        if op.operation_id in {"surveys_public_form", "surveys_public_submit"}
    }
    assert set(operations) == {"surveys_public_form", "surveys_public_submit"}
    assert all(op.auth_callbacks == [] for op in operations.values())
    extra = operations["surveys_public_submit"].openapi_extra
    assert "answers" in extra["requestBody"]["content"]["application/json"]["schema"]["properties"]
