"""Reading and writing criteria sets: the officials' workbook."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from cchc.scoring.sets_io import read_tree, read_xlsx, write_xlsx
from cchc.scoring.sets_io.files import check_file
from cchc.scoring.sets_io.tree import SetInvalid
from cchc.scoring.sets_io.xlsx_reader import number_text

from .factories import make_small_tree
from .set_helpers import _reasons

pytestmark = pytest.mark.usefixtures("english")

HEADER = ["STT", "Lĩnh vực/tiêu chí", "Điểm tối đa", "Hướng dẫn chấm", "Tài liệu kiểm chứng"]


# --- the workbook -------------------------------------------------------------------------


def _workbook(
    rows: list[list[Any]],
    *,
    above: list[list[Any]] | None = None,
    header: list[str] | None = None,
    bands: list[list[Any]] | None = None,
    info: list[list[Any]] | None = None,
) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Bộ tiêu chí"
    for row in [*(above or []), header or HEADER, *rows]:
        sheet.append(row)
    if bands is not None:
        extra = workbook.create_sheet("Xếp loại")
        for row in bands:
            extra.append(row)
    if info is not None:
        extra = workbook.create_sheet("Thông tin")
        for row in info:
            extra.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def _read(buffer: io.BytesIO, **overrides: Any):
    set_file = read_xlsx(buffer, file="bo.xlsx")
    return check_file(set_file, {"year": 2025, "group": "departments", "name": "Thử", **overrides})


SIMPLE_ROWS = [
    ["1", "Lĩnh vực A", 10, "", ""],
    ["1.1", "Tiêu chí a", 6, "Hướng dẫn", "Báo cáo"],
    ["1.2", "Tiêu chí b", 4, "", ""],
]


def test_a_workbook_with_a_title_block_and_only_the_required_columns():
    buffer = _workbook(SIMPLE_ROWS, above=[["BỘ TIÊU CHÍ CHỈ SỐ CCHC NĂM 2025"], []])

    spec = _read(buffer)

    area = spec.criteria[0]
    assert (area.code, area.max_points, area.method) == ("1", Decimal("10.00"), "")
    first = area.children[0]
    assert (first.code, first.name, first.max_points) == ("1.1", "Tiêu chí a", Decimal("6.00"))
    assert (first.guidance, first.evidence_required) == ("Hướng dẫn", "Báo cáo")
    assert (first.source, first.kind, first.method, first.params) == (
        "self_assessment",
        "normal",
        "manual",
        {},
    )
    assert first.allows_not_applicable is False


def test_headers_without_diacritics_or_in_english_are_recognised():
    buffer = _workbook(
        SIMPLE_ROWS,
        header=["No.", "Linh vuc / tieu chi", "DIEM TOI DA", "Scoring guidance", "Evidence"],
    )

    assert _read(buffer).criteria[0].children[1].code == "1.2"


def test_the_extra_columns_take_vietnamese_words():
    header = [*HEADER, "Nguồn", "Loại", "Phương pháp", "Tham số", "Được không áp dụng"]
    rows = [
        ["1", "A", 6, "", "", "", "", "", "", ""],
        ["1.1", "x", 2, "", "", "Điều tra XHH", "Chấm điểm", "Điều tra", "", "Không"],
        ["1.2", "y", 4, "", "", "Tự đánh giá", "", "Tỷ lệ", '{"threshold": "80"}', "Có"],
        ["1.3", "z", 1, "", "", "", "Điểm thưởng", "Nhập điểm", "", ""],
        ["1.4", "w", 2, "", "", "", "Điểm trừ", "", "", ""],
    ]

    spec = _read(_workbook(rows, header=header))

    leaves = [
        (n.source, n.kind, n.method, n.params, n.allows_not_applicable)
        for n in spec.criteria[0].children
    ]
    assert leaves == [
        ("survey", "normal", "survey", {}, False),
        ("self_assessment", "normal", "ratio", {"threshold": "80"}, True),
        ("self_assessment", "bonus", "manual", {}, False),
        ("self_assessment", "penalty", "manual", {}, False),
    ]


def test_roman_areas_number_their_criteria_within_the_area():
    rows = [
        ["I", "Lĩnh vực I", 3, "", ""],
        ["1", "Tiêu chí", 3, "", ""],
        ["1.1", "Tiêu chí thành phần", 1, "", ""],
        ["1.2.", "Tiêu chí thành phần", 2, "", ""],
        ["II", "Lĩnh vực II", 2, "", ""],
        ["II.1", "Viết đầy đủ", 2, "", ""],
    ]

    spec = _read(_workbook(rows))

    assert [(n.code, depth) for n, depth in spec.nodes()] == [
        ("I", 1),
        ("I.1", 2),
        ("I.1.1", 3),
        ("I.1.2", 3),
        ("II", 1),
        ("II.1", 2),
    ]


def test_total_and_column_number_rows_are_skipped():
    rows = [["(1)", "(2)", "(3)", "(4)", "(5)"], *SIMPLE_ROWS, ["", "Tổng cộng", 10, "", ""]]

    spec = _read(_workbook(rows))

    assert [n.code for n, _depth in spec.nodes()] == ["1", "1.1", "1.2"]


def test_decimal_commas_and_numbers_as_text_are_read():
    rows = [["1", "A", "2,5", "", ""], ["1.1", "a", "2.5", "", ""]]

    assert _read(_workbook(rows)).criteria[0].max_points == Decimal("2.50")


def _problems(buffer: io.BytesIO, **overrides: Any) -> list[tuple[int | None, str, str]]:
    with pytest.raises(SetInvalid) as caught:
        _read(buffer, **overrides)
    return _reasons(caught.value.problems)


def test_points_that_are_not_a_number_are_reported_at_row_and_column():
    rows = [*SIMPLE_ROWS[:2], ["1.2", "Tiêu chí b", "bốn", "", ""]]

    assert _problems(_workbook(rows)) == [(4, "C (Điểm tối đa)", "Must be a number.")]


def test_sums_that_do_not_add_up_are_reported_on_the_parent_row():
    rows = [*SIMPLE_ROWS[:2], ["1.2", "Tiêu chí b", 3, "", ""]]

    assert _problems(_workbook(rows)) == [
        (2, "C (Điểm tối đa)", "The sub-criteria of 1 add up to 9.00 but 1 has 10.00.")
    ]


def test_an_unknown_method_is_reported():
    header = [*HEADER, "Phương pháp"]
    rows = [["1", "A", 1, "", "", ""], ["1.1", "a", 1, "", "", "đoán"]]

    assert _problems(_workbook(rows, header=header)) == [
        (3, "F (Phương pháp)", "Unknown scoring method “đoán”.")
    ]


def test_bad_json_in_the_parameters_is_reported_once():
    header = [*HEADER, "Phương pháp", "Tham số"]
    rows = [["1", "A", 1, "", "", "", ""], ["1.1", "a", 1, "", "", "Lựa chọn", "{options: 1"]]

    problems = _problems(_workbook(rows, header=header))

    assert len(problems) == 1
    row, column, reason = problems[0]
    assert (row, column) == (3, "G (Tham số)")
    assert reason.startswith("Bad JSON in the parameters: ")


def test_structure_problems_of_the_numbering():
    rows = [
        ["1", "A", 2, "", ""],
        ["1.1", "a", 1, "", ""],
        ["1.1", "again", 1, "", ""],
        ["", "no number", 1, "", ""],
        ["3.1", "orphan", 1, "", ""],
        ["1.1.1.1", "too deep", 1, "", ""],
    ]

    problems = _problems(_workbook(rows))

    assert problems == [
        (4, "A (STT)", "The STT 1.1 is also used on row 3."),
        (5, "A (STT)", "The STT is missing."),
        (6, "A (STT)", "There is no row 3 above this one."),
        (7, "A (STT)", "There is no row 1.1.1 above this one."),
        (2, "C (Điểm tối đa)", "The sub-criteria of 1 add up to 1.00 but 1 has 2.00."),
    ]


def test_a_fourth_level_is_refused_on_its_row():
    rows = [
        ["1", "A", 1, "", ""],
        ["1.1", "a", 1, "", ""],
        ["1.1.1", "b", 1, "", ""],
        ["1.1.1.1", "c", 1, "", ""],
    ]

    assert _problems(_workbook(rows)) == [
        (5, "A (STT)", "Too many levels: a set has areas, criteria and sub-criteria (3 levels).")
    ]


def test_a_workbook_without_the_header_row_is_refused():
    buffer = _workbook([["1", "A", 1]], header=["Mã", "Tên", "Điểm"])

    assert _problems(buffer) == [
        (
            None,
            "Bộ tiêu chí",
            "The header row (No. | Area / criterion | Maximum points | Scoring guidance | "
            "Required evidence) is not in the first 20 rows.",
        )
    ]


def test_a_missing_required_column_is_named():
    buffer = _workbook([["1", "A", 1, ""]], header=[*HEADER[:3], "Tài liệu kiểm chứng"])

    assert _problems(buffer) == [(1, "Scoring guidance", "A required column is missing.")]


def test_an_empty_sheet_is_refused():
    workbook = Workbook()
    buffer = io.BytesIO()
    workbook.save(buffer)

    problems = _problems(buffer)

    assert problems == [(None, "Sheet", "The sheet is empty.")]


def test_bands_and_information_sheets_are_read():
    buffer = _workbook(
        SIMPLE_ROWS,
        bands=[["Xếp loại", "Từ (%)"], ["Tốt", 80], ["Khá", "70"], [None, None], ["Yếu", 0]],
        info=[
            ["Năm đánh giá", 2024],
            ["Nhóm đơn vị", "Cấp huyện"],
            ["Tên bộ tiêu chí", "Bộ tiêu chí huyện"],
            ["Căn cứ", "Quyết định 1/QĐ-UBND"],
            ["Làm tròn", "Cắt bỏ"],
            ["Giới hạn điểm tối đa", "Không"],
            ["Ghi chú", "Dòng 1\nDòng 2"],
        ],
    )
    set_file = read_xlsx(buffer, file="bo.xlsx")

    spec = check_file(set_file)

    assert (spec.year, spec.group, spec.name) == (2024, "districts", "Bộ tiêu chí huyện")
    assert (spec.legal_basis, spec.rounding, spec.cap_at_maximum, spec.notes) == (
        "Quyết định 1/QĐ-UBND",
        "down",
        False,
        "Dòng 1\nDòng 2",
    )
    assert spec.bands == [("Tốt", Decimal("80.00")), ("Khá", Decimal("70.00")), ("Yếu", 0)]


def test_form_values_replace_the_information_sheet():
    buffer = _workbook(SIMPLE_ROWS, info=[["Năm", 2024], ["Nhóm", "districts"], ["Tên", "A"]])

    spec = check_file(read_xlsx(buffer, file="bo.xlsx"), {"year": 2026, "name": "B"})

    assert (spec.year, spec.group, spec.name) == (2026, "districts", "B")


def test_problems_in_the_bands_and_information_sheets_name_the_sheet_and_row():
    buffer = _workbook(
        SIMPLE_ROWS,
        bands=[["Xếp loại", "Từ (%)"], ["Tốt", "cao"]],
        info=[["Năm", "năm nay"], ["Nhóm", "departments"], ["Tên", "A"], ["Màu", "đỏ"]],
    )

    with pytest.raises(SetInvalid) as caught:
        check_file(read_xlsx(buffer, file="bo.xlsx"))

    assert _reasons(caught.value.problems) == [
        (4, "Thông tin", "Unknown item “Màu”."),
        (1, "Thông tin: Year assessed", "Must be a year between 1990 and 2100."),
        (2, "Xếp loại: From (%)", "Must be a number."),
    ]


def test_export_writes_the_three_sheets_with_a_frozen_bold_header():
    tree = make_small_tree(legal_basis="Quyết định 123/QĐ-UBND", notes="=cmd")
    data = write_xlsx(tree)

    workbook = load_workbook(io.BytesIO(data))

    assert workbook.sheetnames == ["Criteria", "Bands", "Information"]
    sheet = workbook["Criteria"]
    assert sheet.freeze_panes == "A5"
    assert [c.value for c in sheet[4]] == [
        "No.",
        "Area / criterion",
        "Maximum points",
        "Scoring guidance",
        "Required evidence",
        "Source",
        "Kind",
        "Method",
        "Parameters",
        "May be not applicable",
    ]
    assert sheet["A4"].font.b
    assert [c.value for c in sheet[5]][:3] == ["1", "Chỉ đạo, điều hành CCHC", 10]
    assert sheet["A5"].font.b
    assert not sheet["A6"].font.b
    assert [c.value for c in sheet[7]][5:] == [
        "Self-assessment",
        "Scored",
        "Choice",
        '{"options": [{"key": "on_time", "label": "Đúng hạn", "points": "2"}, '
        '{"key": "late", "label": "Chậm", "points": "1"}, '
        '{"key": "none", "label": "Không ban hành", "points": "0"}, '
        '{"key": "na", "label": "Không áp dụng", "not_applicable": true}]}',
        "Yes",
    ]
    assert [c.value for c in sheet[17]][1:3] == ["Total", 20]
    assert workbook["Information"]["B7"].value == "'=cmd"


def test_export_then_read_gives_the_same_tree():
    tree = make_small_tree(legal_basis="QĐ 1", notes="- ghi chú\n- thứ hai", rounding="down")
    tree["criteria"][0]["guidance"] = "=SUM(A1)  giữ nguyên  "

    first, problems = read_tree(tree)
    again = check_file(read_xlsx(io.BytesIO(write_xlsx(tree)), file="x.xlsx"))

    assert problems == []
    assert again == first


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (None, ""),
        (3, "3"),
        (2.5, "2.5"),
        (0.35, "0.35"),
        ("2,25", "2.25"),
        (" 90 % ", "90"),
        (Decimal("1.50"), "1.50"),
    ],
)
def test_number_cells_become_exact_text(raw, text):
    assert number_text(raw) == text
