"""The public form at /s/<code>/: answering, errors next to questions, tokens, languages."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from .. import answers, public_form
from ..abuse import abuse_counts
from ..models import CampaignStatus, Response, SurveyToken
from .factories import full_answers, make_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_version_caches() -> None:
    """Primary keys repeat between tests (rolled back): start without cached versions."""
    answers._CACHE.clear()
    public_form._CACHE.clear()


def form_url(target) -> str:
    return reverse("survey_form:form", args=[target.code])


def thanks_url(target) -> str:
    return reverse("survey_form:thanks", args=[target.code])


def posted(**overrides: Any) -> dict[str, Any]:
    """The form's POST data for `full_answers` (a list posts one value per pick)."""
    return full_answers(**overrides)


class Structure(HTMLParser):
    """What the accessibility checks need: labels, form controls, fieldsets and legends."""

    def __init__(self) -> None:
        super().__init__()
        self.label_for: set[str] = set()
        self.controls: list[dict[str, str]] = []
        self.fieldsets = 0
        self.legends_first = 0
        self._after_fieldset = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if self._after_fieldset:
            self.legends_first += tag == "legend"
            self._after_fieldset = False
        if tag == "fieldset":
            self.fieldsets += 1
            self._after_fieldset = True
        elif tag == "label" and a.get("for"):
            self.label_for.add(a["for"])
        elif tag in {"input", "select", "textarea"} and a.get("type") != "hidden":
            self.controls.append({"tag": tag, **a})


def structure(html: str) -> Structure:
    parser = Structure()
    parser.feed(html)
    return parser


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


# --- showing the form -----------------------------------------------------------------------


def test_the_form_shows_each_section_and_question(client, target, english):
    page = client.get(form_url(target))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Sở Tư pháp tỉnh An Giang" in html
    assert '<legend class="section-title">Tiếp cận dịch vụ</legend>' in html
    for code in ("c11", "c12", "e1", "c21", "c22", "e2", "overall", "expect", "gender"):
        assert f'name="{code}"' in html
    assert html.count('type="radio" id="q-c11-') == 5  # satisfaction: five levels
    assert html.count('type="radio" id="q-c21-') == 2  # agree / disagree
    assert html.count('type="checkbox" id="q-expect-') == 3
    assert "Pick at most 2." in html
    assert "Very satisfied" in html
    assert 'inputmode="decimal"' in html  # the age
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="token"' not in html  # no token asked, none given


def test_every_control_has_a_label_and_every_fieldset_a_legend(client, target):
    parsed = structure(client.get(form_url(target)).content.decode())
    assert parsed.controls
    unlabelled = [c for c in parsed.controls if c.get("id") not in parsed.label_for]
    assert unlabelled == []
    assert parsed.fieldsets == parsed.legends_first == 3 + 9  # sections + choice questions


def test_a_conditional_question_says_when_to_answer_it(client, target, english):
    html = client.get(form_url(target)).content.decode()
    assert 'id="q-why-block" data-show-if="overall" data-show-values="1 2"' in html
    assert (
        "Answer only if your answer to question 7 was “Very dissatisfied” or “Dissatisfied”."
        in html
    )
    assert 'aria-describedby="q-why-condition"' in html


def test_the_form_opens_no_session_and_keeps_no_address(target):
    client = Client(REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Probe/1.0")
    client.get(form_url(target))
    client.post(form_url(target), posted())
    assert "sessionid" not in client.cookies
    assert not Session.objects.exists()
    stored = str(list(Response.objects.values()))
    assert "203.0.113.9" not in stored
    assert "Probe" not in stored


def test_an_unknown_code_is_not_found(client, target):
    assert client.get(reverse("survey_form:form", args=["nosuchcode"])).status_code == 404
    assert client.get(reverse("survey_form:thanks", args=["nosuchcode"])).status_code == 404


def test_the_code_may_be_typed_in_capitals(client, target):
    assert client.get(reverse("survey_form:form", args=[target.code.upper()])).status_code == 200


# --- answering --------------------------------------------------------------------------------


def test_a_valid_submission_is_stored_to_the_hour_and_thanked(target, english):
    client = Client(enforce_csrf_checks=True)
    token = csrf_token(client.get(form_url(target)).content.decode())
    sent = client.post(form_url(target), {**posted(), "csrfmiddlewaretoken": token})
    assert sent.status_code == 302
    assert sent["Location"] == thanks_url(target)
    response = Response.objects.get()
    assert response.channel == "web"
    assert response.unit_id == target.unit_id
    assert response.answers["expect"] == [1, 3]
    assert response.answers["comment"] == "Cán bộ nhiệt tình"
    assert (response.submitted_hour.minute, response.submitted_hour.second) == (0, 0)
    thanks = client.get(sent["Location"])
    assert thanks.status_code == 200
    assert "Thank you for your answers" in thanks.content.decode()


def test_without_the_csrf_token_nothing_is_stored(target):
    client = Client(enforce_csrf_checks=True)
    assert client.post(form_url(target), posted()).status_code == 403
    assert not Response.objects.exists()


def test_mistakes_are_shown_next_to_their_questions_and_nothing_is_saved(client, target, english):
    page = client.post(
        form_url(target), posted(c11=None, c12=7, expect=[1, 2, 3], comment="x" * 201, age=41)
    )
    assert page.status_code == 200
    assert not Response.objects.exists()
    html = page.content.decode()
    assert 'id="error-summary"' in html
    expected = {
        "c11": ("q-c11-1", "This question is required."),
        "c12": ("q-c12-1", "“7” is not one of the answers"),
        "expect": ("q-expect-1", "Pick at most 2."),
        "comment": ("q-comment", "At most 200 characters (this answer has 201)."),
    }
    for code, (anchor, message) in expected.items():
        assert f'<a href="#{anchor}">' in html  # the summary links to the field
        error = re.search(rf'<p class="error-message" id="q-{code}-error">(.*?)</p>', html, re.S)
        assert message in error.group(1)
        assert re.search(rf'id="{anchor}"[^>]*aria-describedby="[^"]*q-{code}-error"', html)
        assert re.search(rf'id="{anchor}"[^>]*aria-invalid="true"', html)
    assert html.count('aria-invalid="true"') == 5 + 5 + 3 + 1  # every option of c11, c12, expect
    assert "<title>Error: Khảo sát sipas-2026</title>" in html


def test_the_answers_are_kept_when_the_form_comes_back(client, target):
    html = client.post(form_url(target), posted(c11=None, age="41", gender=2)).content.decode()
    assert re.search(r'id="q-c12-4"[^>]*checked', html)
    assert re.search(r'id="q-expect-1"[^>]*checked', html)
    assert re.search(r'id="q-expect-3"[^>]*checked', html)
    assert not re.search(r'id="q-expect-2"[^>]*checked', html)
    assert re.search(r'id="q-gender-2"[^>]*checked', html)
    assert 'id="q-age" name="age" value="41"' in html
    assert "Cán bộ nhiệt tình</textarea>" in html
    assert not re.search(r'id="q-c11-\d"[^>]*checked', html)


def test_html_in_a_text_answer_is_escaped_when_shown_again(client, target):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    html = client.post(form_url(target), posted(c11=None, comment=attack)).content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_a_procedure_can_be_chosen_when_the_campaign_lists_them(client, unit_b, english):
    procedures = [{"code": "1.001", "name": "Cấp phiếu lý lịch tư pháp"}]
    campaign = make_campaign(units=[unit_b], code="with-procedures", procedures=procedures)
    target = campaign.surveyed_units.get()
    html = client.get(form_url(target)).content.decode()
    assert '<option value="1.001">Cấp phiếu lý lịch tư pháp</option>' in html
    refused = client.post(form_url(target), {**posted(), "procedure": "9.999"}).content.decode()
    assert 'id="procedure-error"' in refused
    assert "This procedure is not part of the survey." in refused
    assert client.post(form_url(target), {**posted(), "procedure": "1.001"}).status_code == 302
    assert Response.objects.get().procedure_code == "1.001"


# --- one-time tokens ----------------------------------------------------------------------------


def test_a_token_from_the_link_is_carried_hidden_and_accepted_once(client, target, english):
    campaign = target.campaign
    campaign.tokens_required = True
    campaign.save()
    token = SurveyToken.objects.create(campaign=campaign, unit=target.unit)
    html = client.get(f"{form_url(target)}?t={token.code}").content.decode()
    assert f'<input type="hidden" name="token" value="{token.code}">' in html
    assert 'id="token"' not in html  # not shown: it came with the link
    data = {**posted(), "token": token.code, "t_link": "1"}
    assert client.post(form_url(target), data).status_code == 302
    again = client.post(form_url(target), data)
    assert again.status_code == 200
    html = again.content.decode()
    assert "This code is not valid or has already been used." in html
    assert re.search(r'id="token"[^>]*aria-describedby="token-hint token-error"', html)
    assert '<a href="#token">' in html
    assert Response.objects.count() == 1


def test_a_required_token_is_asked_for(client, target, english):
    campaign = target.campaign
    campaign.tokens_required = True
    campaign.save()
    html = client.get(form_url(target)).content.decode()
    assert '<label for="token" class="question-text">Code on your receipt' in html
    refused = client.post(form_url(target), posted()).content.decode()
    assert "Enter the code printed on your receipt." in refused
    assert not Response.objects.exists()


# --- abuse ------------------------------------------------------------------------------------


def test_the_honeypot_pretends_success_and_stores_nothing(client, target):
    sent = client.post(form_url(target), {**posted(), "website": "http://spam.example"})
    assert sent.status_code == 302
    assert sent["Location"] == thanks_url(target)
    assert not Response.objects.exists()
    assert abuse_counts(target.campaign)["honeypot"] == 1


def test_the_honeypot_is_hidden_from_people(client, target):
    html = client.get(form_url(target)).content.decode()
    assert re.search(
        r'<div class="hp" aria-hidden="true">\s*<label for="hp-website">.*?'
        r'<input type="text" id="hp-website" name="website" value="" autocomplete="off" '
        r'tabindex="-1">',
        html,
        re.S,
    )


def test_too_many_submissions_from_one_client_are_refused(settings, target, campaign, english):
    settings.SURVEY_RATE_LIMIT = "2/600"
    client = Client(REMOTE_ADDR="198.51.100.7")
    assert client.post(form_url(target), posted()).status_code == 302
    assert client.post(form_url(target), posted(c11=None)).status_code == 200  # counted too
    refused = client.post(form_url(target), posted())
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 600
    assert "Too many answers were sent from this connection." in refused.content.decode()
    assert Response.objects.count() == 1
    other_unit = campaign.surveyed_units.exclude(pk=target.pk).first()
    assert client.post(form_url(other_unit), posted()).status_code == 302
    neighbour = Client(REMOTE_ADDR="198.51.100.8")
    assert neighbour.post(form_url(target), posted()).status_code == 302
    assert abuse_counts(campaign)["rate_limited"] == 1


def test_an_oversized_submission_is_refused_before_it_is_read(client, target, english):
    refused = client.post(form_url(target), posted(comment="x" * 40_000))
    assert refused.status_code == 413
    assert "The answers sent are too large." in refused.content.decode()
    assert not Response.objects.exists()


def test_the_oversized_body_is_not_read(client, settings, target):
    # Reading a body over DATA_UPLOAD_MAX_MEMORY_SIZE would be a 400 (RequestDataTooBig).
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    assert client.post(form_url(target), posted(comment="x" * 40_000)).status_code == 413


def test_the_size_limit_is_a_setting(client, settings, target):
    settings.SURVEY_MAX_BODY = 600
    assert client.post(form_url(target), posted(comment="x" * 150)).status_code == 413
    settings.SURVEY_MAX_BODY = 32 * 1024
    assert client.post(form_url(target), posted(comment="x" * 150)).status_code == 302


# --- campaigns not collecting ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "ends_on", "reason"),
    [
        (CampaignStatus.DRAFT, datetime.date(2026, 12, 31), "This survey has not started yet."),
        (CampaignStatus.CLOSED, datetime.date(2026, 12, 31), "This survey has ended."),
        (CampaignStatus.OPEN, datetime.date(2026, 11, 1), "This survey has ended."),
    ],
)
def test_a_survey_not_collecting_says_so(client, unit_b, english, status, ends_on, reason):
    campaign = make_campaign(units=[unit_b], code="other", status=status, ends_on=ends_on)
    target = campaign.surveyed_units.get()
    page = client.get(form_url(target))
    assert page.status_code == 200
    html = page.content.decode()
    assert "This survey is not collecting answers" in html
    assert reason in html
    assert 'name="c11"' not in html
    client.post(form_url(target), posted())
    assert not Response.objects.exists()


# --- language -------------------------------------------------------------------------------


def test_vietnamese_first_with_an_english_switch_that_needs_no_javascript(client, target):
    url = f"{form_url(target)}?t=abc"
    html = client.get(url).content.decode()
    assert '<html lang="vi">' in html
    assert "Chuyển đến nội dung chính" in html
    assert f'<form class="lang-switch" action="{reverse("set_language")}" method="post">' in html
    switched = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert switched.status_code == 302
    assert switched["Location"] == url
    html = client.get(url).content.decode()
    assert '<html lang="en">' in html
    assert "Skip to content" in html
    assert "Very satisfied" in html
    assert not Session.objects.exists()
