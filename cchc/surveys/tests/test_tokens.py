"""One-time tokens: issuing (who, how many, audited with counts only), the CSV and PDF
sheets, counts per unit, and that a token is never linked to the response that used it."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cchc.core.models import AuditEvent

from ..models import SurveyToken
from ..services.campaigns import close_campaign
from ..services.responses import submit_response
from ..services.tokens import (
    generate_tokens,
    token_batches,
    token_sheet_csv,
    token_sheet_pdf,
    token_stats,
    visible_tokens,
)
from .factories import full_answers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(english):
    """Headings and labels are asserted as their English msgids."""


def test_the_secretariat_issues_a_batch(home_affairs_officer, campaign, unit_a):
    issued = generate_tokens(
        campaign, count=25, unit=unit_a, batch="Tháng 11", by=home_affairs_officer
    )
    assert len(issued) == 25
    assert len({t.code for t in issued}) == 25
    stored = SurveyToken.objects.filter(campaign=campaign, unit=unit_a, batch="Tháng 11")
    assert stored.count() == 25
    event = AuditEvent.objects.get(verb="tokens.generated")
    assert event.data == {"count": 25, "unit": "STP", "batch": "Tháng 11"}
    assert not any(t.code in str(event.data) + str(event.changes) for t in issued)


def test_a_batch_gets_a_default_label(home_affairs_officer, campaign):
    issued = generate_tokens(campaign, count=1, by=home_affairs_officer)
    assert issued[0].batch == "20261128-090000"  # the pinned clock
    assert issued[0].unit is None


def test_a_focal_point_issues_for_their_own_unit_only(focal_point, campaign, unit_a, unit_b):
    assert len(generate_tokens(campaign, count=3, unit=unit_a, by=focal_point)) == 3
    for other in (unit_b, None):
        with pytest.raises(PermissionDenied):
            generate_tokens(campaign, count=3, unit=other, by=focal_point)
    assert SurveyToken.objects.count() == 3


@pytest.mark.parametrize("count", [0, 5001, -3])
def test_the_count_is_between_1_and_5000(home_affairs_officer, campaign, count):
    with pytest.raises(ValidationError) as refused:
        generate_tokens(campaign, count=count, by=home_affairs_officer)
    assert set(refused.value.message_dict) == {"count"}
    assert not SurveyToken.objects.exists()
    assert not AuditEvent.objects.filter(verb="tokens.generated").exists()


def test_no_tokens_for_a_unit_outside_the_campaign_or_a_closed_campaign(
    home_affairs_officer, campaign, commune
):
    with pytest.raises(ValidationError) as refused:
        generate_tokens(campaign, count=2, unit=commune, by=home_affairs_officer)
    assert set(refused.value.message_dict) == {"unit"}
    close_campaign(campaign, by=home_affairs_officer)
    with pytest.raises(ValidationError) as refused:
        generate_tokens(campaign, count=2, by=home_affairs_officer)
    assert set(refused.value.message_dict) == {"campaign"}
    assert not SurveyToken.objects.exists()


def test_counts_per_unit_and_batch(home_affairs_officer, campaign, target, unit_a, unit_b):
    mine = generate_tokens(campaign, count=4, unit=unit_a, batch="b1", by=home_affairs_officer)
    generate_tokens(campaign, count=2, unit=unit_b, batch="b1", by=home_affairs_officer)
    generate_tokens(campaign, count=1, batch="b2", by=home_affairs_officer)
    submit_response(target, full_answers(), channel="web", token=mine[0].code)
    submit_response(target, full_answers(), channel="web", token=mine[1].code)
    stats = [(s.unit_name, s.issued, s.used, s.unused) for s in token_stats(campaign.tokens.all())]
    assert stats == [
        ("Sở Tư pháp tỉnh An Giang", 4, 2, 2),
        ("Sở Y tế tỉnh An Giang", 2, 0, 2),
        ("Any unit of the campaign", 1, 0, 1),
    ]
    batches = {(b.batch, b.unit_id): b.issued for b in token_batches(campaign.tokens.all())}
    assert batches == {("b1", unit_a.pk): 4, ("b1", unit_b.pk): 2, ("b2", None): 1}


def test_a_used_token_keeps_no_link_to_the_response(home_affairs_officer, campaign, target):
    token = generate_tokens(campaign, count=1, unit=target.unit, by=home_affairs_officer)[0]
    response = submit_response(target, full_answers(), channel="web", token=token.code)
    token.refresh_from_db()
    assert token.used_hour == response.submitted_hour  # only the hour is kept
    assert token.code not in str(response.answers)
    assert {f.name for f in SurveyToken._meta.get_fields()} == {
        "id",
        "campaign",
        "unit",
        "code",
        "batch",
        "created_at",
        "used_hour",
    }


def test_what_a_focal_point_sees(focal_point, home_affairs_officer, campaign, unit_a, unit_b):
    generate_tokens(campaign, count=2, unit=unit_a, by=home_affairs_officer)
    generate_tokens(campaign, count=3, unit=unit_b, by=home_affairs_officer)
    generate_tokens(campaign, count=1, by=home_affairs_officer)
    assert {t.unit_id for t in visible_tokens(focal_point, campaign)} == {unit_a.pk}
    assert visible_tokens(home_affairs_officer, campaign).count() == 6


def test_the_csv_sheet(home_affairs_officer, campaign, target):
    generate_tokens(campaign, count=3, unit=target.unit, batch="=cmd", by=home_affairs_officer)
    generate_tokens(campaign, count=1, batch="=cmd", by=home_affairs_officer)
    found = campaign.tokens.select_related("unit")
    listed = sorted(found, key=lambda t: (t.unit_id is None, t.code))
    content = token_sheet_csv(listed, base_url="https://cchc.example")
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == ["Token", "Unit", "Link", "Batch"]
    first = listed[0]
    assert rows[1] == [
        first.code,
        "Sở Tư pháp tỉnh An Giang",
        f"https://cchc.example/s/{target.code}/?t={first.code}",
        "'=cmd",  # formula injection neutralised
    ]
    assert rows[4][1:3] == ["", ""]  # a token for any unit has no link of its own
    assert len(rows) == 5


@pytest.mark.parametrize("qr", [True, False])
def test_the_pdf_sheet(home_affairs_officer, campaign, target, qr):
    issued = generate_tokens(campaign, count=30, unit=target.unit, by=home_affairs_officer)
    content = token_sheet_pdf(issued, title=campaign.name, base_url="https://cchc.example", qr=qr)
    assert content.startswith(b"%PDF")
    assert content.count(b"/Type /Page\n") == 2  # 24 slips a page
    if qr:
        assert content.count(b"/Subtype /Image") == 30
    else:
        assert b"/Subtype /Image" not in content


def test_an_empty_pdf_sheet_says_so():
    content = token_sheet_pdf([], title="Khảo sát")
    assert content.startswith(b"%PDF")
