"""Results documents: the decision annex (.docx, Decree 30/2020 layout) and the PDF
scorecard (fpdf2 with the Roboto font of `font-roboto`: Vietnamese text comes back)."""

from __future__ import annotations

import datetime
import io
import re
import shutil
import subprocess
from decimal import Decimal as D

import docx
import pytest
from django.utils import timezone

from cchc.scoring import results
from cchc.scoring.documents import annex_table, ranking_docx, scorecard_pdf, vn_number
from cchc.scoring.models import Publication, Round, ScoreSheet
from cchc.units.models import Unit

from .test_results import build_round, scored

VIETNAMESE = "Chỉ số cải cách hành chính – Sở Tư pháp – Ủy ban nhân dân"  # noqa: RUF001 (the brief's test sentence)
AREAS = [
    {"code": "I", "name": "Công tác chỉ đạo", "points": "9", "maximum": "10", "index": "90.00"},
    {"code": "II", "name": "Thủ tục hành chính", "points": "8", "maximum": "10", "index": "80.00"},
]


def _round() -> Round:
    return Round(pk=7, year=2026, name="Chỉ số CCHC năm 2026")


def _line(unit_id: int, name: str, rank: int, index: str, band: str) -> results.Line:
    return results.Line(
        unit_id=unit_id,
        unit_name=name,
        group="departments",
        rank=rank,
        self_total=D(20),
        appraised_total=D(index) / 5,
        maximum=D(20),
        index=D(index),
        band=band,
        areas=[results.AreaFigure.of(a) for a in AREAS],
        sheet_id=unit_id,
    )


def _ranking(publication: Publication | None = None) -> results.Ranking:
    lines = [
        _line(1, "Sở Tư pháp tỉnh An Giang", 1, "85.00", "Tốt"),
        _line(2, "Sở Y tế tỉnh An Giang", 1, "85.00", "Tốt"),
        _line(3, "Sở Xây dựng tỉnh An Giang", 3, "60.00", "Trung bình"),
    ]
    columns = [results.AreaColumn(a["code"], a["name"]) for a in AREAS]
    group = results.GroupRanking("departments", "Departments and agencies", columns, lines)
    return results.Ranking(_round(), [group], publication, [publication] if publication else [])


def _publication(revision: int = 1, reason: str = "") -> Publication:
    moment = datetime.datetime(2027, 1, 22, 9, tzinfo=datetime.UTC)
    return Publication(round=_round(), revision=revision, reason=reason, published_at=moment)


def _texts(document) -> list[str]:
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                texts += [p.text for p in cell.paragraphs]
    return texts


# --- the annex ----------------------------------------------------------------------------


def test_vietnamese_numbers_use_a_decimal_comma():
    assert (vn_number(D("85")), vn_number(D("60.5")), vn_number(None)) == ("85,00", "60,50", "-")


def test_annex_table_has_the_ranking_and_the_area_indices():
    table = annex_table(_ranking().groups[0])
    assert list(table.columns) == [
        "Thứ hạng",
        "Cơ quan, đơn vị",
        "Điểm tự đánh giá",
        "Điểm thẩm định",
        "Điểm tối đa",
        "Chỉ số CCHC (%)",
        "Xếp loại",
        "Lĩnh vực I (%)",
        "Lĩnh vực II (%)",
    ]
    assert list(table.rows[0]) == [
        "1",
        "Sở Tư pháp tỉnh An Giang",
        "20,00",
        "17,00",
        "20,00",
        "85,00",
        "Tốt",
        "90,00",
        "80,00",
    ]
    assert [row[0] for row in table.rows] == ["1", "1", "3"]


def test_annex_docx_opens_with_its_title_and_one_table_per_group():
    content = ranking_docx(_ranking(_publication()), issued_on=datetime.date(2027, 1, 26))
    document = docx.Document(io.BytesIO(content))
    texts = _texts(document)
    assert "ỦY BAN NHÂN DÂN TỈNH AN GIANG" in texts
    assert "PHỤ LỤC" in texts
    assert "KẾT QUẢ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2026" in texts
    assert "I. CÁC SỞ, BAN, NGÀNH" in texts
    ranking_tables = [t for t in document.tables if t.rows[0].cells[0].text == "Thứ hạng"]
    assert len(ranking_tables) == 1
    rows = [[c.text for c in row.cells] for row in ranking_tables[0].rows]
    assert rows[1][:7] == [
        "1",
        "Sở Tư pháp tỉnh An Giang",
        "20,00",
        "17,00",
        "20,00",
        "85,00",
        "Tốt",
    ]
    assert rows[3][1] == "Sở Xây dựng tỉnh An Giang"
    assert "Các lĩnh vực: I: Công tác chỉ đạo; II: Thủ tục hành chính." in texts
    assert document.sections[0].page_width > document.sections[0].page_height  # landscape


def test_annex_of_a_revision_says_so_and_a_draft_is_marked():
    revised = docx.Document(
        io.BytesIO(ranking_docx(_ranking(_publication(2, "Sửa điểm tiêu chí II.1"))))
    )
    assert "Điều chỉnh lần 1 (ngày 22/01/2027): Sửa điểm tiêu chí II.1" in _texts(revised)
    draft = docx.Document(io.BytesIO(ranking_docx(_ranking(None))))
    assert "DỰ THẢO: kết quả tạm tính, chưa công bố." in _texts(draft)


@pytest.mark.django_db
def test_annex_of_a_published_round(unit_a, home_affairs_officer, council_member):
    r = build_round(
        {unit_a: scored("5", "4", "8")}, secretariat=home_affairs_officer, council=council_member
    )
    document = docx.Document(io.BytesIO(ranking_docx(results.ranking(r))))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Thứ hạng")
    assert [c.text for c in table.rows[1].cells][:6] == [
        "1",
        "Sở Tư pháp tỉnh An Giang",
        "20,00",
        "17,00",
        "20,00",
        "85,00",
    ]


# --- the PDF scorecard --------------------------------------------------------------------


def _card(unit_name: str = "Sở Tư pháp tỉnh An Giang") -> results.Scorecard:
    unit = Unit(pk=1, name=unit_name, kind=Unit.Kind.DEPARTMENT)
    sheet = ScoreSheet(pk=1, unit=unit, round=_round(), status=ScoreSheet.Status.FINAL)
    line = _line(1, unit_name, 1, "85.00", "Tốt")
    lost = [
        results.LostItem(
            code="II.1",
            name="Công khai thủ tục hành chính đúng hạn",
            area_code="II",
            maximum=D(10),
            points=D(8),
            lost=D(2),
            comments=["Thiếu tài liệu kiểm chứng"],
            explanation="",
            score_id=1,
        )
    ]
    comparison = [
        results.Comparison("I", "Công tác chỉ đạo", D(90), D(80), D(9), D(8)),
        results.Comparison("", "", D(85), D("82.5"), D(17), D("16.5")),
    ]
    group = _ranking().groups[0]
    return results.Scorecard(
        sheet=sheet,
        line=line,
        group_label="Sở, ban, ngành",
        publication=_publication(),
        bands=[("Tốt", D(80)), ("Khá", D(65))],
        lost=lost,
        last_year=comparison,
        last_round=Round(year=2025, name="2025"),
        distribution=group,
    )


def _pdf_text(content: bytes) -> str:
    """The text pdftotext reads back, white space collapsed (cells wrap their lines)."""
    done = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
    return " ".join(done.stdout.decode().split())


def test_scorecard_pdf_is_a_short_a4_pdf():
    content = scorecard_pdf(_card())
    assert content.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", content)) in (1, 2)
    assert b"/MediaBox [0 0 595.28 841.89]" in content


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_scorecard_pdf_text_keeps_the_vietnamese_letters(english):
    text = _pdf_text(scorecard_pdf(_card(VIETNAMESE)))
    assert VIETNAMESE in text
    assert "Công khai thủ tục hành chính đúng hạn" in text
    assert "Thiếu tài liệu kiểm chứng" in text
    assert "Tốt" in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
@pytest.mark.django_db
def test_scorecard_pdf_of_a_real_sheet(unit_a, home_affairs_officer, council_member, english):
    r = build_round(
        {unit_a: scored("5", "4", "8")}, secretariat=home_affairs_officer, council=council_member
    )
    with timezone.override("Asia/Ho_Chi_Minh"):
        card = results.scorecard(r.sheets.get(), home_affairs_officer)
        text = _pdf_text(scorecard_pdf(card))
    assert "Sở Tư pháp tỉnh An Giang" in text
    assert "Published: revision 1 of 22/01/2027" in text
    assert "Cải cách thủ tục hành chính" in text
