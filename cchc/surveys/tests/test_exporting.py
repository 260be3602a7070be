"""Exports: indices (XLSX, CSV) and the anonymised raw responses (CSV, XLSX)."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from ..exporting import (
    indices_xlsx,
    responses_csv,
    responses_header,
    responses_xlsx,
    units_csv,
)
from ..models import Campaign, Response
from ..results.indices import CampaignResults
from ..services.responses import invalidate_response, submit_response
from .factories import full_answers, make_campaign

pytestmark = pytest.mark.django_db

DANGEROUS = ['=HYPERLINK("http://x","y")', "+1", "-1", "@x"]


@pytest.fixture
def small(unit_a, unit_b) -> Campaign:
    return make_campaign(units=[unit_a, unit_b], min_n=2)


def submit(campaign, unit, **answers) -> Response:
    target = campaign.surveyed_units.get(unit=unit)
    return submit_response(target, full_answers(**answers), channel="paper")


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_raw_responses_neutralise_formulas_in_every_text_cell(small, unit_a):
    for text in DANGEROUS:
        submit(small, unit_a, comment=text)
    rows = csv_rows(responses_csv(small, Response.objects.filter(campaign=small)))
    comment = rows[0].index("comment")
    assert sorted(row[comment] for row in rows[1:]) == sorted(f"'{t}" for t in DANGEROUS)
    book = load_workbook(io.BytesIO(responses_xlsx(small, Response.objects.all())))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    written = sorted(row[header.index("comment")] for row in sheet.iter_rows(2, values_only=True))
    assert written == sorted(f"'{t}" for t in DANGEROUS)


def test_raw_responses_have_one_column_per_question_with_names(small, unit_a, english):
    submit(small, unit_a, expect=[1, 3], gender=2, age=41)
    rows = csv_rows(responses_csv(small, Response.objects.all()))
    header, row = rows
    assert header[:5] == ["Campaign", "Unit code", "Procedure", "Channel", "Hour"]
    assert header[5:] == [
        "c11", "c12", "e1", "c21", "c22", "e2", "overall", "why", "expect", "gender", "age",
        "comment",
    ]  # fmt: skip
    got = dict(zip(header, row, strict=True))
    assert got["Campaign"] == small.code
    assert got["Unit code"] == unit_a.code
    assert got["Channel"] == "paper"
    assert got["Hour"] == "2026-11-28 09:00"
    assert got["expect"] == "thai_do nang_luc"  # space-separated choice names
    assert got["gender"] == "nu"
    assert got["c11"] == "5"
    assert got["why"] == ""
    named = csv_rows(responses_csv(small, Response.objects.all(), labels=True))[1]
    labelled = dict(zip(header, named, strict=True))
    assert labelled["expect"] == "Nâng cao thái độ phục vụ Nâng cao năng lực công chức"
    assert labelled["c11"] == "Very satisfied"


def test_numbers_and_hours_are_typed_in_xlsx(small, unit_a):
    submit(small, unit_a, age=41)
    sheet = load_workbook(io.BytesIO(responses_xlsx(small, Response.objects.all()))).worksheets[0]
    header = [c.value for c in sheet[1]]
    row = next(sheet.iter_rows(2, values_only=True))
    assert row[header.index("age")] == 41
    # the local hour, as a spreadsheet date-time (without a zone: spreadsheets have none)
    assert row[4] == datetime.datetime(2026, 11, 28, 9, 0)  # noqa: DTZ001


def test_invalid_responses_are_left_out_unless_asked(small, unit_a, home_affairs_officer, english):
    submit(small, unit_a)
    dropped = submit(small, unit_a, c11=1)
    invalidate_response(dropped, reason="=Phiếu thử", by=home_affairs_officer)
    assert len(csv_rows(responses_csv(small, Response.objects.all()))) == 2
    rows = csv_rows(responses_csv(small, Response.objects.all(), include_invalid=True))
    header = rows[0]
    assert header == responses_header(small, include_invalid=True)
    assert header[5:7] == ["Valid", "Reason for invalidation"]
    valid, reason = header.index("Valid"), header.index("Reason for invalidation")
    reasons = {row[valid]: row[reason] for row in rows[1:]}
    assert reasons == {"yes": "", "no": "'=Phiếu thử"}


def test_indices_xlsx_has_a_sheet_per_level_and_numbers(small, unit_a, unit_b, english):
    for _ in range(2):
        submit(small, unit_a)
    submit(small, unit_b)
    results = CampaignResults(small)
    book = load_workbook(io.BytesIO(indices_xlsx(results, results.units)))
    assert book.sheetnames == [
        "Province", "Levels", "Procedures", "Units", "Criteria", "Expectations", "Method",
    ]  # fmt: skip
    units = {row[1]: row for row in book["Units"].iter_rows(2, values_only=True)}
    a, b = units[unit_a.name], units[unit_b.name]
    assert a[2] == 2  # responses, a number
    assert a[3] == 30  # target
    assert a[4] == 100  # overall, a number
    assert a[-1] == "under quota"
    assert b[4] is None  # one response < min n 2: no figure
    assert b[-1] == "insufficient sample; under quota"
    criteria = list(book["Criteria"].iter_rows(2, values_only=True))
    c11 = next(r for r in criteria if r[:4] == ("unit", unit_a.name, "e1", "c11"))
    assert c11[5] == 100
    assert c11[8] == 2
    assert isinstance(c11[6], float)
    method = book["Method"]["A2"].value
    assert method == results.method_statement


def test_weighted_indices_export_the_weights(unit_a, unit_b, english):
    campaign = make_campaign(units=[unit_a, unit_b], min_n=1, weighted=True)
    campaign.surveyed_units.filter(unit=unit_a).update(population=300)
    submit(campaign, unit_a)
    results = CampaignResults(campaign)
    book = load_workbook(io.BytesIO(indices_xlsx(results, results.units)))
    weights = {row[0]: row[1:] for row in book["Weights"].iter_rows(2, values_only=True)}
    assert weights[unit_a.name] == (300, 1)
    assert weights[unit_b.name] == (None, None)


def test_the_unit_csv_neutralises_unit_names(unit_a, province):
    from cchc.units.tests.factories import make_unit

    evil = make_unit("=cmd|' /C calc'!A0", parent=province)
    campaign = make_campaign(units=[unit_a, evil], min_n=1)
    results = CampaignResults(campaign)
    rows = csv_rows(units_csv(results, results.units))
    names = {row[1] for row in rows[1:]}
    assert "'=cmd|' /C calc'!A0" in names
