"""The .docx report of a campaign in the Decree 30/2020 layout (`cchc.reports.decree30`).

Title, period, method statement, sample, the province's indices (elements and criteria with
n and interval), the levels, the units' indices in rank order, expectations and, when the
campaign is weighted, the weights. The text of an official document is Vietnamese whatever
the interface language: its fixed phrases are not translated and the method statement is
rendered in Vietnamese.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone, translation

from cchc.reports.decree30 import Block, OfficialDocument, Table
from cchc.scoring.documents import vn_number

from .calculations import Result
from .results.figures import GroupResult
from .results.indices import CampaignResults, method_statement
from .results.ranking import ranking

INSUFFICIENT = "Mẫu không đủ"
UNDER_QUOTA = "Dưới chỉ tiêu"


def title(results: CampaignResults) -> str:
    return f"KẾT QUẢ KHẢO SÁT SỰ HÀI LÒNG: {results.campaign.name}".upper()


def period(results: CampaignResults) -> str:
    campaign = results.campaign
    return f"Thời gian khảo sát: từ {campaign.starts_on:%d/%m/%Y} đến {campaign.ends_on:%d/%m/%Y}."


def method_text(results: CampaignResults) -> str:
    with translation.override("vi"):
        return method_statement(results.campaign)


def _figure(result: Result | None, group: GroupResult) -> str:
    if result is None or not group.shows(result):
        return INSUFFICIENT
    return vn_number(result.value)


def _interval(result: Result, group: GroupResult) -> str:
    if result.low is None or result.high is None or _figure(result, group) == INSUFFICIENT:
        return "-"
    return f"{vn_number(result.low)} - {vn_number(result.high)}"


def _note(group: GroupResult) -> str:
    notes = [INSUFFICIENT] if group.insufficient else []
    if group.under_quota:
        notes.append(UNDER_QUOTA)
    return "; ".join(notes)


def sample_table(results: CampaignResults) -> Table:
    rows = [
        [
            u.label,
            "-" if u.target is None else str(u.target),
            str(u.responses),
            _note(u),
        ]
        for u in results.units
    ]
    rows.append(["Toàn tỉnh", "", str(results.province.responses), ""])
    return Table(
        columns=["Đơn vị", "Chỉ tiêu", "Số phiếu hợp lệ", "Ghi chú"],
        rows=rows,
        widths_mm=(80, 25, 30, 40),
    )


def province_table(group: GroupResult) -> Table:
    rows = []
    for element in group.elements:
        rows.append([f"Yếu tố: {element.title}", _figure(element.result, group),
                     str(element.result.n), _interval(element.result, group)])  # fmt: skip
        for c in element.criteria:
            rows.append([f"{c.code}. {c.text}", _figure(c.result, group), str(c.result.n),
                         _interval(c.result, group)])  # fmt: skip
    rows.append(["Chỉ số hài lòng chung", _figure(group.overall, group), str(group.overall.n),
                 _interval(group.overall, group)])  # fmt: skip
    return Table(
        columns=["Yếu tố, tiêu chí", "Chỉ số (%)", "Số trả lời hợp lệ", "Khoảng tin cậy 95 %"],
        rows=rows,
        widths_mm=(95, 25, 25, 35),
    )


def _groups_table(first: str, groups: list[tuple[str, GroupResult]], results) -> Table:
    elements = [e.code for e in results.structure.elements]
    rows = [
        [
            lead,
            g.label,
            str(g.responses),
            _figure(g.overall, g),
            *(_figure(e.result, g) for e in g.elements),
        ]
        for lead, g in groups
    ]
    return Table(
        columns=[first, "Đơn vị, cấp", "Số phiếu", "Chỉ số chung (%)", *elements],
        rows=rows,
        widths_mm=(15, 70, 20, 25, *([18] * len(elements))),
    )


def expectation_blocks(group: GroupResult) -> list[Block]:
    blocks: list[Block] = []
    for question in group.expectations:
        blocks.append(f"{question.text} (số người trả lời: {question.respondents})")
        rows = [[item.label, _figure(item.result, group)] for item in question.shares]
        blocks.append(Table(columns=["Mong đợi", "Tỷ lệ (%)"], rows=rows, widths_mm=(120, 30)))
    return blocks


def weight_blocks(group: GroupResult) -> list[Block]:
    weighting = group.weighting
    if weighting is None:
        return []
    rows = [
        [w.unit_name, "-" if w.population is None else str(w.population),
         "-" if w.percent is None else vn_number(w.percent)]
        for w in weighting.weights
    ]  # fmt: skip
    return [
        "Trọng số theo quy mô (N) của từng đơn vị:",
        Table(columns=["Đơn vị", "Quy mô N", "Trọng số (%)"], rows=rows, widths_mm=(90, 30, 30)),
    ]


def report_blocks(results: CampaignResults) -> list[Block]:
    province = results.province
    lines = ranking(results)
    blocks: list[Block] = [
        period(results),
        f"Phương pháp tính: {method_text(results)}",
        "I. MẪU KHẢO SÁT",
        sample_table(results),
        "II. CHỈ SỐ HÀI LÒNG TOÀN TỈNH",
        province_table(province),
        "III. CHỈ SỐ THEO CẤP",
        _groups_table("STT", [(str(i), g) for i, g in enumerate(results.levels, 1)], results),
        "IV. CHỈ SỐ VÀ XẾP HẠNG CÁC ĐƠN VỊ",
        _groups_table(
            "Thứ hạng",
            [("" if line.rank is None else str(line.rank), line.group) for line in lines],
            results,
        ),
        "V. MONG ĐỢI CỦA NGƯỜI DÂN, TỔ CHỨC",
        *expectation_blocks(province),
        *weight_blocks(province),
    ]
    return blocks


def campaign_docx(results: CampaignResults, *, issued_on: datetime.date | None = None) -> bytes:
    """The campaign's results report (.docx, portrait)."""
    document = OfficialDocument(
        superior_body=f"ỦY BAN NHÂN DÂN TỈNH {settings.PROVINCE_NAME}".upper(),
        issuing_body="SỞ NỘI VỤ",
        number_symbol="",
        place=settings.PROVINCE_NAME,
        date=issued_on or timezone.localdate(),
        doc_type="BÁO CÁO",
        subject=title(results),
        body_paragraphs=report_blocks(results),
        recipients=[],
        signer_position="",
        signer_name="",
    )
    return document.to_docx()
