"""Journey of a satisfaction survey: a respondent on a phone answers through the link printed
on their receipt (one-time token), the secretariat sees the count rise and the unit's index.

The questionnaire is `make_version` of the surveys tests: c11, c12 (satisfaction criteria of
element e1, required), c21 (agree/disagree) and c22 (five levels) criteria of element e2,
overall (required), why (required when overall is 1 or 2), expect, gender, age, comment.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal as D
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cchc.surveys import calculations as calc
from cchc.surveys.models import AGREE, Campaign, CampaignUnit, Response, SurveyToken
from cchc.surveys.services import tokens
from cchc.surveys.services.responses import submit_response
from cchc.surveys.tests.factories import full_answers, make_campaign, make_version

from .conftest import log_in

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "vi-VN",
}

# Two paper forms already entered, then what the respondent gives in the browser.
SEEDED = [
    full_answers(),  # c11 5, c12 4, c21 agree, c22 4, overall 4
    full_answers(c11=2, c12=3, c21=1, c22=5, overall=2, why="Phải chờ lâu"),
]
IN_BROWSER = {"c11": 4, "c12": 3, "c21": AGREE, "c22": 2, "overall": 5, "expect": [1]}


def overall_index(answer_sets: Sequence[dict[str, Any]]) -> D:
    """The overall index by the default method, computed from the answers themselves with the
    pure functions: mean of the elements, each the mean of its criteria (exact until the end)."""
    exact = calc.Options(min_n=1, places=None)

    def column(code: str) -> list[Any]:
        return [answers.get(code) for answers in answer_sets]

    agreeing = [None if v is None else v == AGREE for v in column("c21")]
    e1 = calc.mean_of(
        [
            calc.satisfaction_index(column("c11"), exact),
            calc.satisfaction_index(column("c12"), exact),
        ],
        exact,
    )
    e2 = calc.mean_of(
        [
            calc.assessment_index(agreeing, calc.AssessmentScale.AGREE_DISAGREE, exact),
            calc.assessment_index(column("c22"), calc.AssessmentScale.FIVE_LEVEL, exact),
        ],
        exact,
    )
    value = calc.mean_of([e1, e2], calc.Options(min_n=1)).value
    assert value is not None
    return value


def percent(number: D) -> str:
    """As the pages show an index: two decimals, a decimal comma (in English too)."""
    return f"{number:.2f} %".replace(".", ",")


def open_campaign(units: Sequence[Any], code: str, **fields: Any) -> Campaign:
    """An open campaign around today (the browser tests run on the real clock); min n 1."""
    today = timezone.localdate()
    return make_campaign(
        make_version(f"{code}-form"),
        units,
        code=code,
        starts_on=today - datetime.timedelta(days=20),
        ends_on=today + datetime.timedelta(days=20),
        quota=5,
        min_n=1,
        **fields,
    )


@pytest.fixture
def phone(browser, live_server) -> Iterator[Any]:
    """A phone-sized page (360 x 740, touch) with JavaScript."""
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def fits(page) -> None:
    """No horizontal scrolling at the phone's width."""
    width, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"{page.url} scrolls sideways: {width} px wide in {inner} px"


def tap(page, question: str, value: int) -> None:
    """Tap the option `value` of `question` by its label, as a thumb does."""
    page.locator(f"label[for='q-{question}-{value}']").tap()
    expect(page.locator(f"#q-{question}-{value}")).to_be_checked()


def send(page) -> None:
    page.get_by_role("button", name="Send my answers").click()


def received(page, unit_name: str):
    """The 'Received' cell of a unit's row on the campaign dashboard."""
    row = page.locator("table.campaign-quota tbody tr").filter(
        has=page.get_by_role("rowheader", name=unit_name)
    )
    return row.locator("td").nth(3)


def qr_codes_serve(page, code: str) -> None:
    """The QR codes of the unit's link, as signed-in staff fetch them (PNG and SVG)."""
    png = page.request.get(f"/s/{code}/qr.png")
    assert (png.status, png.headers["content-type"]) == (200, "image/png")
    assert png.body().startswith(b"\x89PNG\r\n\x1a\n")
    svg = page.request.get(f"/s/{code}/qr.svg")
    assert (svg.status, svg.headers["content-type"]) == (200, "image/svg+xml")
    assert b"<svg" in svg.body()


def error_next_to_c12(phone) -> None:
    """The skipped question 2 (c12): in the summary above the form (focused, linking to the
    question) and inside the question's fieldset, tied to its options by aria-describedby."""
    summary = phone.get_by_role("alert").filter(has_text="Please check your answers")
    expect(summary).to_be_focused()
    expect(phone.locator("#error-summary ~ form.survey")).to_have_count(1)
    expect(summary.get_by_role("link")).to_have_count(1)
    expect(summary.get_by_role("link")).to_have_attribute("href", "#q-c12-1")
    expect(summary.get_by_role("link")).to_have_text("Question 2: This question is required.")
    question = phone.get_by_role("group", name=re.compile(r"^2\. Câu hỏi c12"))
    error = question.locator(".error-message")
    expect(error).to_have_text(re.compile(r"This question is required\.\s*$"))
    expect(error).to_have_id("q-c12-error")
    options = question.get_by_role("radio")
    expect(options).to_have_count(5)
    for option in options.all():
        expect(option).to_have_attribute("aria-describedby", re.compile(r"\bq-c12-error\b"))
        expect(option).to_have_attribute("aria-invalid", "true")
    expect(phone.locator(".error-message")).to_have_count(1)  # no other question is flagged


def test_respondent_on_a_phone_and_the_secretariat_figures(
    page, phone, home_affairs_officer, unit_a, unit_b, password
):
    campaign = open_campaign([unit_a, unit_b], "sipas-e2e", tokens_required=True)
    target = CampaignUnit.objects.get(campaign=campaign, unit=unit_a)
    for answers in SEEDED:
        submit_response(target, answers, channel="paper", by=home_affairs_officer)
    (token,) = tokens.generate_tokens(campaign, count=1, unit=unit_a, by=home_affairs_officer)
    link = tokens.short_link(target.code, token.code)
    stored = Response.objects.filter(campaign=campaign, unit=unit_a)

    # The secretariat's dashboard before: the two paper forms; the QR codes of the link serve.
    log_in(page, home_affairs_officer.username, password)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(f"/surveys/campaigns/{campaign.pk}/")
    expect(received(page, unit_a.name)).to_have_text("2")
    qr_codes_serve(page, target.code)

    # The respondent opens the link from the receipt, in Vietnamese, and switches to English.
    phone.goto(link)
    expect(phone.locator("html")).to_have_attribute("lang", "vi")
    expect(phone.get_by_role("heading", level=1)).to_have_text(campaign.name)
    fits(phone)
    phone.get_by_role("button", name="English").click()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.locator("input[type=hidden][name=token]")).to_have_value(token.code)
    expect(phone.locator("#token")).to_have_count(0)

    # Answers, but skips c12 (required); "why" stays hidden for a satisfied respondent.
    tap(phone, "c11", IN_BROWSER["c11"])
    tap(phone, "c21", IN_BROWSER["c21"])
    tap(phone, "c22", IN_BROWSER["c22"])
    tap(phone, "overall", IN_BROWSER["overall"])
    expect(phone.locator("#q-why-block")).to_be_hidden()
    tap(phone, "expect", 1)
    phone.get_by_label(re.compile("Câu hỏi age")).fill("30")
    send(phone)

    error_next_to_c12(phone)
    expect(phone.locator(f"#q-c11-{IN_BROWSER['c11']}")).to_be_checked()  # answers kept
    expect(phone.locator("#q-age")).to_have_value("30")
    assert stored.count() == 2
    fits(phone)

    # Fixed and sent: the thank-you page; the response and the spent token are stored.
    tap(phone, "c12", IN_BROWSER["c12"])
    send(phone)
    expect(phone).to_have_url(re.compile(rf"/s/{target.code}/thanks/$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you for your answers")
    fits(phone)
    assert stored.count() == 3
    assert SurveyToken.objects.get(pk=token.pk).used_hour is not None

    # The same link again: the token is refused and nothing more is stored.
    phone.goto(link)
    for code in ("c11", "c12", "overall"):
        tap(phone, code, 4)
    send(phone)
    token_error = phone.locator("#token-error")
    expect(token_error).to_contain_text("This code is not valid or has already been used.")
    expect(phone.get_by_label(re.compile("Code on your receipt"))).to_have_attribute(
        "aria-describedby", re.compile(r"\btoken-error\b")
    )
    expect(phone.get_by_role("alert")).to_contain_text("Code on your receipt")
    fits(phone)
    assert stored.count() == 3

    # The secretariat sees the count rise and the unit's index on the results pages.
    page.reload()
    expect(received(page, unit_a.name)).to_have_text("3")
    expected = percent(overall_index([*SEEDED, IN_BROWSER]))
    assert expected != percent(overall_index(SEEDED))  # the new answers move the index
    page.get_by_role("link", name="Results", exact=True).click()
    units = page.get_by_role("table", name="Indices by unit")
    row = units.get_by_role("row").filter(has=page.get_by_role("link", name=unit_a.name))
    expect(row.locator("td").nth(0)).to_have_text("3 / 5")
    expect(row.locator("td").nth(1)).to_have_text(expected)
    row.get_by_role("link", name=unit_a.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Scorecard: {unit_a.name}")
    facts = page.locator("#summary-heading + dl")
    expect(facts).to_contain_text("3 / 5")
    expect(facts.locator("dd").nth(1)).to_have_text(expected)


def test_form_works_without_javascript(browser, live_server, unit_a):
    campaign = open_campaign([unit_a], "sipas-e2e-nojs")
    target = CampaignUnit.objects.get(campaign=campaign)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, **PHONE)
    context.set_default_timeout(10_000)
    phone = context.new_page()
    phone.goto(f"/s/{target.code}/")
    phone.get_by_role("button", name="English").click()
    # Without JavaScript the conditional question shows, with a note saying when to answer.
    expect(phone.locator("#q-why-condition")).to_be_visible()
    for code, value in (("c11", 2), ("c12", 1), ("overall", 2)):
        phone.locator(f"label[for='q-{code}-{value}']").click()
    send(phone)
    why = phone.locator("#q-why-block")
    expect(why.locator(".error-message")).to_have_text(re.compile(r"This question is required\."))
    expect(phone.locator("#q-overall-2")).to_be_checked()
    phone.locator("#q-why").fill("Hồ sơ bị trả lại hai lần")
    send(phone)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you for your answers")
    (response,) = Response.objects.filter(campaign=campaign)
    assert response.answers["why"] == "Hồ sơ bị trả lại hai lần"
    assert response.channel == "web"
    context.close()
