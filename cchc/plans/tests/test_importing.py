"""Importing a plan annex as officials write it: preview with problems, then all or nothing."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from openpyxl.styles import Font

from cchc.core.models import AuditEvent
from cchc.plans import services
from cchc.plans.importing import (
    AnnexPreview,
    apply_annex,
    parse_annex,
    parse_deadline,
    split_units,
    unit_key,
)
from cchc.plans.models import Assignment, ReformArea, Task
from cchc.units.models import Unit
from cchc.units.tests.factories import make_unit

from .factories import make_plan, make_task

pytestmark = pytest.mark.django_db


D = datetime.date
FILE = "phu-luc.xlsx"
HEADER = ("STT", "Nội dung nhiệm vụ", "Cơ quan thực hiện", None, "Sản phẩm", "Thời gian hoàn thành")
TASKS = [
    # row 8 onwards; the lead unit of tasks 1 and 2 is merged down (C8:C9)
    ("1", "Theo dõi, kiểm tra, đôn đốc thực hiện Kế hoạch CCHC", "Sở Nội vụ",
     "Các sở, ban, ngành tỉnh; UBND các huyện, thị xã, thành phố", "Văn bản đôn đốc",
     "Thường xuyên"),
    (2, "Xây dựng Kế hoạch kiểm tra công tác CCHC năm 2024", None,
     "Sở Tư pháp, Văn phòng UBND tỉnh", "Kế hoạch kiểm tra", "Quý I/2024"),
    (3, "Ban hành Kế hoạch CCHC năm 2024 của cơ quan, đơn vị",
     "Các sở, ban, ngành tỉnh; UBND các huyện, thị xã, thành phố", "Sở Nội vụ",
     "Kế hoạch CCHC", "Tháng 01/2024"),
    "II. CẢI CÁCH THỂ CHẾ",
    (4, "Rà soát, hệ thống hóa văn bản quy phạm pháp luật", "SỞ TƯ PHÁP", "Các sở, ban, ngành",
     "Báo cáo rà soát", "Trước 30/6/2024"),
    (5, "Báo cáo tình hình thi hành pháp luật", "UBND các huyện, thị xã, thành phố", "Sở Tư pháp",
     "Báo cáo", "Hằng quý"),
    ("VIII", "CÔNG TÁC THÔNG TIN, TUYÊN TRUYỀN"),
    (6, "Tuyên truyền về cải cách hành chính trên địa bàn", "UBND TP Châu Đốc",
     "Sở Thông tin và Truyền thông", "Tin, bài", "6 tháng đầu năm 2024"),
    (7, "Số hoá hồ sơ di tích", "Sở Văn hoá, Thể thao và Du lịch", None, None, "Trong năm 2024"),
]  # fmt: skip


def annex_xlsx(tasks: list | None = None, *, header: tuple = HEADER) -> bytes:
    """An annex as officials write it: titles, a two-row header, merged areas and units."""
    workbook = Workbook()
    sheet = workbook.active
    bold = Font(bold=True)
    sheet.append(["PHỤ LỤC"])
    sheet.append(["NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2024"])
    sheet.append(["(Kèm theo Kế hoạch số 120/KH-UBND ngày 05/01/2024 của UBND tỉnh)"])
    for row in (1, 2, 3):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
        sheet.cell(row, 1).font = bold
    sheet.append(list(header))
    sheet.append([None, None, "Chủ trì", "Phối hợp", None, None])
    for column in (1, 2, 5, 6):
        sheet.merge_cells(start_row=4, start_column=column, end_row=5, end_column=column)
    sheet.merge_cells("C4:D4")
    sheet.append([f"({n})" for n in range(1, 7)])
    sheet.append(["I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH"])
    sheet.merge_cells("B7:F7")
    sheet["A7"].font = sheet["B7"].font = bold
    for task in TASKS if tasks is None else tasks:
        sheet.append(_cells(task))
        row = sheet.max_row
        if isinstance(task, str):
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
            sheet.cell(row, 1).font = bold
        elif len(task) == 2:
            sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=6)
            sheet.cell(row, 1).font = bold
    if tasks is None:
        sheet.merge_cells("C8:C9")
    sheet.append([])
    sheet.append(["Ghi chú: các cơ quan báo cáo kết quả về Sở Nội vụ."])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cells(task: str | tuple) -> list:
    return [task] if isinstance(task, str) else list(task)


def upload(content: bytes, name: str = FILE) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.fixture
def units(province, home_affairs, unit_a, district, home_affairs_officer) -> dict[str, Unit]:
    office = make_unit("Văn phòng Ủy ban nhân dân tỉnh An Giang", parent=province, code="VP")
    culture = make_unit(
        "Sở Văn hóa, Thể thao và Du lịch tỉnh An Giang", parent=province, code="SVHTTDL"
    )
    return {"SNV": home_affairs, "STP": unit_a, "884": district, "VP": office, "VH": culture}


@pytest.fixture
def plan(units, home_affairs_officer, province):
    plan = make_plan(
        number="120/KH-UBND", issuing_unit=province, by=home_affairs_officer, title="CCHC 2024"
    )
    services.seed_default_areas(plan, by=home_affairs_officer)
    return plan


def _summary(preview: AnnexPreview) -> list[tuple]:
    return [
        (
            r.row,
            r.code,
            r.area,
            r.lead_unit,
            r.scope,
            r.coordinating_units,
            r.unmatched_units,
            r.deadline_kind,
            r.deadline,
            r.recurrence,
            r.deadline_text,
        )
        for r in preview.rows
    ]


def test_preview_reads_areas_merged_units_and_free_text_deadlines(plan, units):
    preview = parse_annex(upload(annex_xlsx()), plan=plan)
    assert preview.problems == []
    snv, stp, vp = "Sở Nội vụ tỉnh An Giang", "Sở Tư pháp tỉnh An Giang", units["VP"].name
    assert _summary(preview) == [
        (8, "1", "I", snv, "lead", [], [], "throughout", None, "", "Thường xuyên"),
        (9, "2", "I", snv, "lead", [stp, vp], [], "date", D(2024, 3, 31), "", "Quý I/2024"),
        (10, "3", "I", snv, "all", [], [], "date", D(2024, 1, 31), "", "Tháng 01/2024"),
        (12, "4", "II", stp, "lead", [], [], "date", D(2024, 6, 30), "", "Trước 30/6/2024"),
        (13, "5", "II", snv, "all_local", [stp], [], "recurring", None, "quarterly", "Hằng quý"),
        (
            15,
            "6",
            "VIII",
            "Thành phố Châu Đốc",
            "lead",
            [],
            ["Sở Thông tin và Truyền thông"],
            "date",
            D(2024, 6, 30),
            "",
            "6 tháng đầu năm 2024",
        ),
        (16, "7", "VIII", units["VH"].name, "lead", [], [], "date", D(2024, 12, 31), "",
         "Trong năm 2024"),
    ]  # fmt: skip
    first = preview.rows[0]
    assert (first.content, first.expected_output) == (
        "Theo dõi, kiểm tra, đôn đốc thực hiện Kế hoạch CCHC",
        "Văn bản đôn đốc",
    )
    assert first.coordinating_text == "Các sở, ban, ngành tỉnh; UBND các huyện, thị xã, thành phố"


def test_preview_matches_areas_and_proposes_the_missing_one(plan):
    preview = parse_annex(upload(annex_xlsx()), plan=plan)
    existing = {a.code: a.pk for a in plan.areas.all()}
    assert [(a.code, a.name, a.area_id) for a in preview.areas] == [
        ("I", "Công tác chỉ đạo, điều hành CCHC", existing["I"]),
        ("II", "Cải cách thể chế", existing["II"]),
        ("VIII", "CÔNG TÁC THÔNG TIN, TUYÊN TRUYỀN", None),
    ]
    assert [(a.code, a.position) for a in preview.areas_to_create] == [("VIII", 8)]


def test_preview_survives_the_session_round_trip(plan):
    preview = parse_annex(upload(annex_xlsx()), plan=plan)
    data = preview.to_dict()
    assert AnnexPreview.from_dict(data) == preview
    assert len(preview.sha256) == 64


def test_confirm_creates_every_area_and_task_with_assignments(plan, units, home_affairs_officer):
    preview = parse_annex(upload(annex_xlsx()), plan=plan)
    stored = AnnexPreview.from_dict(preview.to_dict())
    tasks = apply_annex(stored, plan=plan, by=home_affairs_officer, sha256=preview.sha256)
    assert [t.code for t in tasks] == ["1", "2", "3", "4", "5", "6", "7"]
    assert ReformArea.objects.get(plan=plan, code="VIII").name == "CÔNG TÁC THÔNG TIN, TUYÊN TRUYỀN"
    task = Task.objects.get(plan=plan, code="2")
    assert (task.lead_unit, task.deadline, task.deadline_text) == (
        units["SNV"],
        D(2024, 3, 31),
        "Quý I/2024",
    )
    assert set(task.coordinating_units.all()) == {units["STP"], units["VP"]}
    assert Assignment.objects.filter(task=task).count() == 3
    # Task 5 goes to every district-level unit (one here), once a quarter.
    assert Task.objects.get(plan=plan, code="5").assignments.count() == 4
    event = AuditEvent.objects.get(verb="plan.annex_imported")
    assert event.data == {"file": FILE, "sha256": preview.sha256, "tasks": 7}


def test_confirm_with_another_file_is_refused(plan, home_affairs_officer):
    preview = parse_annex(upload(annex_xlsx()), plan=plan)
    with pytest.raises(ValidationError, match="not the file that was previewed"):
        apply_annex(preview, plan=plan, by=home_affairs_officer, sha256="0" * 64)
    assert Task.objects.filter(plan=plan).count() == 0


def test_confirm_is_all_or_nothing(plan, units, home_affairs_officer):
    preview = parse_annex(upload(annex_xlsx()), plan=plan)
    make_task(plan=plan, code="6", unit=units["STP"], by=home_affairs_officer)  # taken meanwhile
    with pytest.raises(ValidationError, match="Row 15"):
        apply_annex(preview, plan=plan, by=home_affairs_officer)
    assert list(Task.objects.filter(plan=plan).values_list("code", flat=True)) == ["6"]
    assert not ReformArea.objects.filter(plan=plan, code="VIII").exists()


def _problems(content: bytes, plan, name: str = FILE) -> list[tuple]:
    preview = parse_annex(upload(content, name), plan=plan)
    return [(p.file, p.row, p.column, p.reason) for p in preview.problems]


BAD_ROWS = [
    (
        "unknown lead unit",
        (1, "Nhiệm vụ", "Sở Không Có", None, None, "Quý I/2024"),
        (8, "C (Lead unit)", "Unknown lead unit “Sở Không Có”."),
    ),
    (
        "missing content",
        (1, None, "Sở Nội vụ", None, None, "Quý I/2024"),
        (8, "B (Task)", "The task's content is missing."),
    ),
    (
        "unparseable deadline",
        (1, "Nhiệm vụ", "Sở Nội vụ", None, None, "Khi có văn bản hướng dẫn"),
        (8, "F (Deadline)", "Cannot read the deadline “Khi có văn bản hướng dẫn”."),
    ),
    (
        "deadline outside the plan",
        (1, "Nhiệm vụ", "Sở Nội vụ", None, None, "Quý I/2025"),
        (
            8,
            "F (Deadline)",
            "The deadline 31/03/2025 is outside the plan's period (01/01/2024 to 31/12/2024).",
        ),
    ),
    (
        "missing lead unit",
        (1, "Nhiệm vụ", None, None, None, "Quý I/2024"),
        (8, "C (Lead unit)", "The lead unit is missing."),
    ),
]


@pytest.mark.parametrize(
    ("row", "expected"), [case[1:] for case in BAD_ROWS], ids=[c[0] for c in BAD_ROWS]
)
def test_bad_row_is_reported_by_row_and_column(plan, home_affairs_officer, row, expected):
    content = annex_xlsx([row, (2, "Nhiệm vụ khác", "Sở Tư pháp", None, None, "Quý II/2024")])
    assert _problems(content, plan) == [(FILE, *expected)]
    preview = parse_annex(upload(content), plan=plan)
    with pytest.raises(ValidationError):
        apply_annex(preview, plan=plan, by=home_affairs_officer)
    assert Task.objects.count() == 0


def test_duplicate_number_is_reported_on_the_later_row(plan):
    rows = [
        (1, "A", "Sở Nội vụ", None, None, "Quý I/2024"),
        (1, "B", "Sở Nội vụ", None, None, "Quý I/2024"),
    ]
    assert _problems(annex_xlsx(rows), plan) == [
        (FILE, 9, "A (No. (STT))", "The number 1 is also used on row 8.")
    ]


def test_number_already_in_the_plan_is_reported(plan, units, home_affairs_officer):
    make_task(plan=plan, code="1", unit=units["STP"], by=home_affairs_officer)
    rows = [(1, "A", "Sở Nội vụ", None, None, "Quý I/2024")]
    assert _problems(annex_xlsx(rows), plan) == [
        (FILE, 8, "A (No. (STT))", "The plan already has a task numbered 1.")
    ]


def test_missing_columns_are_named(plan):
    header = ("STT", "Nội dung nhiệm vụ", "Cơ quan thực hiện", None, "Sản phẩm", "Ghi chú")
    assert _problems(annex_xlsx(header=header), plan) == [
        (FILE, 4, "Deadline", "A required column is missing.")
    ]


def test_a_file_that_is_not_xlsx_is_refused_by_content(plan):
    assert _problems(b"%PDF-1.4 not a spreadsheet", plan) == [
        (FILE, None, "", "this type of file is not accepted here (allowed: .xlsx).")
    ]


def test_a_zip_bomb_is_refused(plan):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 20_000_000)
    assert _problems(buffer.getvalue(), plan) == [
        (FILE, None, "", "the file is compressed suspiciously densely (a ZIP bomb?).")
    ]


def test_too_many_rows_are_refused(plan):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for n in range(5_001):
        sheet.append([n])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert _problems(buffer.getvalue(), plan) == [
        (FILE, None, "", "The file has more than 5,000 rows; split it into several files.")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thường xuyên", ("throughout", None, "", None)),
        ("Thường xuyên (khi văn bản có hiệu lực)", ("throughout", None, "", None)),
        ("30/6/2024", ("date", D(2024, 6, 30), "", None)),
        ("Trước 30/6/2024", ("date", D(2024, 6, 30), "", None)),
        ("Chậm nhất ngày 30/6/2024", ("date", D(2024, 6, 30), "", None)),
        ("Quý I/2024", ("date", D(2024, 3, 31), "", None)),
        ("Quý IV/2024", ("date", D(2024, 12, 31), "", None)),
        ("Quý II \u2013 Quý IV/2024", ("date", D(2024, 12, 31), "", None)),
        ("Quý I/2024, thực hiện thường xuyên", ("date", D(2024, 3, 31), "", None)),
        ("Tháng 01/2024", ("date", D(2024, 1, 31), "", None)),
        ("Tháng 02/2024 (điều chỉnh khi phát sinh)", ("date", D(2024, 2, 29), "", None)),
        ("6 tháng đầu năm 2024", ("date", D(2024, 6, 30), "", None)),
        ("Trong năm 2024", ("date", D(2024, 12, 31), "", None)),
        ("Năm 2024", ("date", D(2024, 12, 31), "", None)),
        ("Trong năm", ("date", D(2024, 12, 31), "", None)),
        ("Hằng tháng", ("recurring", None, "monthly", None)),
        ("Hàng tháng", ("recurring", None, "monthly", None)),
        ("Hằng quý", ("recurring", None, "quarterly", None)),
        ("6 tháng", ("recurring", None, "six_monthly", None)),
        ("Hằng năm", ("recurring", None, "yearly", None)),
        ("Chậm nhất ngày 20 của tháng cuối kỳ báo cáo", ("recurring", None, "quarterly", 20)),
        (D(2024, 9, 15), ("date", D(2024, 9, 15), "", None)),
        ("Khi có đề án", None),
        ("31/02/2024", None),
    ],
)
def test_free_text_deadlines(text, expected):
    found = parse_deadline(text, plan_year=2024)
    got = found and (found.kind, found.date, found.recurrence, found.due_day)
    assert got == expected


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Sở Tư pháp tỉnh An Giang", "tu phap"),
        ("SỞ TƯ PHÁP", "tu phap"),
        ("So Tu Phap", "tu phap"),
        ("UBND thành phố Long Xuyên", "long xuyen"),
        ("Ủy ban nhân dân huyện Chợ Mới", "cho moi"),
        ("Thị xã Tân Châu", "tan chau"),
        ("Văn phòng UBND tỉnh", "van phong uy ban nhan dan"),
        ("Sở Văn hoá, Thể thao và Du lịch", "van hoa the thao va du lich"),
        ("UBND tỉnh", "tinh"),
    ],
)
def test_unit_keys_ignore_diacritics_case_tone_placement_and_prefixes(written, key):
    assert unit_key(written) == key


def test_unit_key_is_the_same_for_both_tone_placements():
    assert unit_key("Sở Văn hoá") == unit_key("Sở Văn hóa")


@pytest.mark.parametrize(
    ("text", "groups", "names"),
    [
        ("Các sở, ban, ngành tỉnh", {"all_departments"}, []),
        ("UBND các huyện, thị xã, thành phố", {"all_local"}, []),
        (
            "Các sở, ban, ngành tỉnh; UBND các huyện, thị xã, thành phố",
            {"all_departments", "all_local"},
            [],
        ),
        (
            "Các sở, ban, ngành tỉnh, UBND các huyện, thị xã, thành phố",
            {"all_departments", "all_local"},
            [],
        ),
        ("Sở Tư pháp, Văn phòng UBND tỉnh", set(), ["Sở Tư pháp", "Văn phòng UBND tỉnh"]),
        ("Sở Nội vụ và UBND cấp huyện", {"all_local"}, ["Sở Nội vụ"]),
    ],
)
def test_group_phrases_are_scopes(text, groups, names):
    assert split_units(text) == (groups, names)
