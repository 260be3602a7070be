"""The urging notice as a Word document in the Decree 30/2020 layout."""

from __future__ import annotations

import datetime
import io

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.shared import Length, Pt

from cchc.plans.documents import issuing_bodies, urging_notice_docx
from cchc.plans.models import Assignment, Plan, ReformArea, Task, UrgingNotice
from cchc.reports.decree30 import LAYOUT, OfficialDocument, place_and_date, vietnamese_date
from cchc.units.models import Unit
from cchc.units.tests.factories import make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(province, home_affairs, unit_a, district, home_affairs_officer) -> UrgingNotice:
    plan = Plan.objects.create(
        number="120/KH-UBND",
        title="Kế hoạch cải cách hành chính năm 2024",
        issuing_unit=province,
        signed_on=datetime.date(2024, 1, 5),
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 12, 31),
    )
    area = ReformArea.objects.create(plan=plan, code="II", name="Cải cách thể chế", position=2)
    task = Task.objects.create(
        plan=plan,
        area=area,
        code="12",
        content="Rà soát, hệ thống hóa văn bản quy phạm pháp luật",
        lead_unit=unit_a,
        deadline=datetime.date(2024, 9, 30),
    )
    late = [
        Assignment.objects.create(
            task=task, unit=unit, original_deadline=task.deadline, deadline=task.deadline
        )
        for unit in (unit_a, district)
    ]
    notice = UrgingNotice.objects.create(
        number=3,
        year=2024,
        symbol="SNV-CCHC",
        issued_on=datetime.date(2024, 11, 5),
        place="An Giang",
        issuing_unit=home_affairs,
        subject="",
        body="Thực hiện Kế hoạch số 120/KH-UBND của UBND tỉnh.\n\nĐề nghị các cơ quan khẩn trương.",
        signer_name="Nguyễn Văn An",
        signer_position="KT. Giám đốc\nPhó Giám đốc",
        created_by=home_affairs_officer,
    )
    notice.assignments.set(late)
    return notice


def _open(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def _mm(*lengths: Length) -> list[float]:
    """Lengths in millimetres to 0.1 mm (a .docx stores twentieths of a point)."""
    return [round(length.mm, 1) for length in lengths]


def _texts(document: docx.document.Document) -> list[str]:
    """Every paragraph's text: the body's and those inside tables, in document order."""
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                texts += [p.text for p in cell.paragraphs]
    return texts


def test_urging_notice_has_the_decree_30_header(notice):
    document = _open(urging_notice_docx(notice))
    header = document.tables[0].rows[0].cells
    assert [p.text for p in header[0].paragraphs] == [
        "UBND TỈNH AN GIANG",
        "SỞ NỘI VỤ",
        "",  # the rule under the issuing body
        "Số: 03/SNV-CCHC",
        "V/v đôn đốc thực hiện nhiệm vụ cải cách hành chính",
    ]
    excerpt = header[0].paragraphs[4]
    assert excerpt.style.font.size == Pt(LAYOUT.excerpt_pt)
    assert not excerpt.style.font.bold
    assert [p.text for p in header[1].paragraphs] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "",  # the rule under the motto
        "An Giang, ngày 05 tháng 11 năm 2024",
    ]
    assert header[1].paragraphs[3].style.font.italic is True
    assert header[1].paragraphs[0].style.font.size == Pt(LAYOUT.national_title_pt)


def test_urging_notice_motto_has_a_rule_under_it_that_does_not_narrow_it(notice):
    document = _open(urging_notice_docx(notice))
    motto, rule = document.tables[0].rows[0].cells[1].paragraphs[1:3]
    borders = rule.style.element.pPr.find(docx.oxml.ns.qn("w:pBdr"))
    assert borders.find(docx.oxml.ns.qn("w:bottom")).get(docx.oxml.ns.qn("w:val")) == "single"
    assert rule.text == ""
    assert motto.style.element.pPr.find(docx.oxml.ns.qn("w:pBdr")) is None
    assert motto.style.paragraph_format.left_indent in (None, 0)


def test_urging_notice_subject_body_and_table_of_late_assignments(notice):
    document = _open(urging_notice_docx(notice))
    body = [p.text for p in document.paragraphs if p.text]
    assert body == [
        "Thực hiện Kế hoạch số 120/KH-UBND của UBND tỉnh.",
        "Đề nghị các cơ quan khẩn trương.",
    ]
    table = document.tables[1]
    assert [c.text for c in table.rows[0].cells] == [
        "STT",
        "Mã nhiệm vụ",
        "Nội dung nhiệm vụ",
        "Cơ quan thực hiện",
        "Thời hạn",
        "Số ngày quá hạn",
    ]
    assert [[c.text for c in row.cells] for row in table.rows[1:]] == [
        [
            "1",
            "12",
            "Rà soát, hệ thống hóa văn bản quy phạm pháp luật",
            "Sở Tư pháp tỉnh An Giang",
            "30/09/2024",
            "36",
        ],
        [
            "2",
            "12",
            "Rà soát, hệ thống hóa văn bản quy phạm pháp luật",
            "Thành phố Châu Đốc",
            "30/09/2024",
            "36",
        ],
    ]


def test_urging_notice_recipients_and_signer(notice):
    document = _open(urging_notice_docx(notice))
    recipients, signer = document.tables[-1].rows[0].cells
    assert [p.text for p in recipients.paragraphs] == [
        "Nơi nhận:",
        "- Sở Tư pháp tỉnh An Giang;",
        "- Thành phố Châu Đốc;",
        "- Lưu: VT, CCHC.",
    ]
    heading = recipients.paragraphs[0].style.font
    assert (heading.bold, heading.italic, heading.size) == (True, True, Pt(12))
    assert [p.text for p in signer.paragraphs] == ["KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", "Nguyễn Văn An"]


def test_urging_notice_page_is_a4_portrait_with_layout_margins_and_font(notice):
    document = _open(urging_notice_docx(notice))
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert _mm(section.page_width, section.page_height) == [210, 297]
    assert _mm(section.top_margin, section.bottom_margin) == [
        LAYOUT.margin_top_mm,
        LAYOUT.margin_bottom_mm,
    ]
    assert _mm(section.left_margin, section.right_margin) == [
        LAYOUT.margin_left_mm,
        LAYOUT.margin_right_mm,
    ]
    assert LAYOUT.margin_left_mm == 30
    normal = document.styles["Normal"].font
    assert (normal.name, normal.size) == ("Times New Roman", Pt(14))
    assert document.styles["Decree30 Body"].paragraph_format.alignment == 3  # justified


def test_subject_of_the_notice_replaces_the_default(notice):
    notice.subject = "V/v đôn đốc báo cáo cải cách hành chính quý III/2024"
    document = _open(urging_notice_docx(notice))
    assert "V/v đôn đốc báo cáo cải cách hành chính quý III/2024" in _texts(document)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2024, 11, 5), "ngày 05 tháng 11 năm 2024"),
        (datetime.date(2022, 10, 18), "ngày 18 tháng 10 năm 2022"),
        (datetime.date(2024, 1, 9), "ngày 09 tháng 01 năm 2024"),
        (datetime.date(2024, 2, 29), "ngày 29 tháng 02 năm 2024"),
        (datetime.date(2024, 3, 15), "ngày 15 tháng 3 năm 2024"),
    ],
)
def test_vietnamese_date_pads_days_below_10_and_months_1_and_2(day, expected):
    assert vietnamese_date(day) == expected


def test_place_and_date():
    assert place_and_date("An Giang", datetime.date(2022, 10, 18)) == (
        "An Giang, ngày 18 tháng 10 năm 2022"
    )


def test_issuing_bodies_of_a_people_committee_have_no_superior(province, district, home_affairs):
    assert issuing_bodies(province) == ("", "ỦY BAN NHÂN DÂN TỈNH AN GIANG")
    assert issuing_bodies(district) == ("", "ỦY BAN NHÂN DÂN THÀNH PHỐ CHÂU ĐỐC")
    assert issuing_bodies(home_affairs) == ("UBND TỈNH AN GIANG", "SỞ NỘI VỤ")
    lone = make_unit("Công an tỉnh An Giang", kind=Unit.Kind.DEPARTMENT, parent=None)
    assert issuing_bodies(lone) == ("", "CÔNG AN TỈNH AN GIANG")


def test_landscape_document_swaps_the_page():
    document = OfficialDocument(
        superior_body="",
        issuing_body="SỞ NỘI VỤ",
        number_symbol="",
        place="An Giang",
        date=datetime.date(2024, 4, 10),
        doc_type="Phụ lục",
        subject="Tình hình thực hiện",
        body_paragraphs=[],
        recipients=["Lưu: VT"],
        signer_position="Giám đốc",
        signer_name="Nguyễn Văn An",
        landscape=True,
    )
    opened = _open(document.to_docx())
    section = opened.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert _mm(section.page_width, section.page_height) == [297, 210]
    assert opened.paragraphs[0].text == "PHỤ LỤC"
    assert [p.text for p in opened.tables[0].rows[0].cells[0].paragraphs] == ["SỞ NỘI VỤ", ""]
