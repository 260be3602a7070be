"""The campaign's .docx report opens with python-docx and states what it must."""

from __future__ import annotations

import io

import pytest
from docx import Document

from ..documents import campaign_docx, method_text, title
from ..results.indices import CampaignResults
from ..services.responses import submit_response
from .factories import full_answers, make_campaign

pytestmark = pytest.mark.django_db


def text_of(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_the_report_has_title_period_method_sample_and_ranking(unit_a, unit_b, english):
    campaign = make_campaign(units=[unit_a, unit_b], min_n=2, name="Khảo sát SIPAS 2026")
    for unit in (unit_a, unit_a, unit_b):
        submit_response(campaign.surveyed_units.get(unit=unit), full_answers(), channel="paper")
    results = CampaignResults(campaign)
    text = text_of(campaign_docx(results))
    assert title(results) in text
    assert "KHẢO SÁT SIPAS 2026" in text
    assert "từ 01/10/2026 đến 31/12/2026" in text
    assert method_text(results) in text
    assert "MẪU KHẢO SÁT" in text
    assert "Mẫu không đủ" in text  # unit_b: one response, min n 2
    assert "100,00" in text  # unit_a and the province
    assert "Nâng cao thái độ phục vụ" in text  # expectations
    assert unit_a.name in text
    assert unit_b.name in text


def test_a_weighted_report_lists_the_weights(unit_a, unit_b):
    campaign = make_campaign(units=[unit_a, unit_b], min_n=1, weighted=True)
    campaign.surveyed_units.filter(unit=unit_a).update(population=120)
    submit_response(campaign.surveyed_units.get(unit=unit_a), full_answers(), channel="paper")
    text = text_of(campaign_docx(CampaignResults(campaign)))
    assert "Trọng số theo quy mô (N)" in text
    assert "120" in text
