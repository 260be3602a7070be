"""Exports of the boards: the task status table (XLSX) and the quarterly annex (.docx)."""

from __future__ import annotations

import datetime
import io

import docx
import pytest
from docx.enum.section import WD_ORIENT
from openpyxl import load_workbook

from cchc.plans import services
from cchc.plans.calculations import Status
from cchc.plans.exporting import (
    ANNEX_COLUMNS,
    annex_rows,
    annex_summary,
    quarterly_annex_docx,
    status_columns,
    task_status_xlsx,
)
from cchc.plans.models import Assignment, Task

from .factories import make_plan, make_task, plan_manager

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2024, 7, 15)


@pytest.fixture
def plan(unit_a, unit_b, district):
    plan = make_plan(number="120/KH-UBND", title="Kế hoạch cải cách hành chính năm 2024")
    by = plan_manager()
    first = services.create_area(
        plan, code="I", name="Công tác chỉ đạo, điều hành CCHC", position=1, by=by
    )
    second = services.create_area(plan, code="II", name="Cải cách thể chế", position=2, by=by)
    tasks = [
        ("1", first, unit_a, D(2024, 3, 30), "=1+2 Rà soát thủ tục hành chính"),
        ("2", second, unit_b, D(2024, 6, 30), "Rà soát văn bản quy phạm pháp luật"),
        ("3", second, unit_a, D(2024, 4, 30), "Kiểm tra công tác pháp chế"),
        ("10", second, district, D(2024, 9, 30), "Tuyên truyền cải cách thể chế"),
    ]
    for code, area, unit, deadline, content in tasks:
        make_task(plan=plan, area=area, code=code, unit=unit, deadline=deadline, content=content)
    make_task(
        plan=plan,
        area=first,
        code="4",
        unit=unit_b,
        content="Báo cáo cải cách hành chính hằng quý",
        deadline_kind=Task.DeadlineKind.RECURRING,
        recurrence=Task.Recurrence.QUARTERLY,
        expected_output="Báo cáo quý",
    )
    _complete(plan, "1", D(2024, 3, 25))
    _complete(plan, "3", D(2024, 5, 10))
    return plan


def _complete(plan, code: str, day: datetime.date) -> None:
    Assignment.objects.filter(task__plan=plan, task__code=code).update(
        completed_on=day, progress_percent=100
    )


def _assignments(plan):
    return Assignment.objects.filter(task__plan=plan).with_status(TODAY)


def test_status_xlsx_has_a_bold_frozen_filtered_header_and_one_row_per_assignment(plan):
    sheet = load_workbook(io.BytesIO(task_status_xlsx(_assignments(plan)))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == status_columns()
    assert status_columns()[:4] == ["No.", "Reform area", "Task code", "Task"]
    assert sheet["A1"].font.b is True
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("A2", "A1:L9")
    assert len(rows) == 1 + 8  # four one-off tasks, one quarterly task in four periods


def test_status_xlsx_row_escapes_formulas_and_writes_dates(plan, unit_a):
    sheet = load_workbook(io.BytesIO(task_status_xlsx(_assignments(plan)))).active
    first = [cell.value for cell in sheet[2]]
    assert first == [
        1,
        "I. Công tác chỉ đạo, điều hành CCHC",
        "1",
        "'=1+2 Rà soát thủ tục hành chính",
        unit_a.name,
        "Lead",
        None,  # no period: an empty cell
        datetime.datetime(2024, 3, 30),  # noqa: DTZ001 (a spreadsheet date)
        datetime.datetime(2024, 3, 30),  # noqa: DTZ001 (a spreadsheet date)
        "Completed on time",
        100,
        datetime.datetime(2024, 3, 25),  # noqa: DTZ001
    ]
    assert sheet["H2"].number_format == "DD/MM/YYYY"


def test_status_xlsx_annotates_status_when_the_board_did_not(plan):
    sheet = load_workbook(io.BytesIO(task_status_xlsx(Assignment.objects.all()))).active
    assert sheet.max_row == 9


def test_annex_rows_carry_status_and_area(plan, unit_b):
    rows = annex_rows(_assignments(plan).filter(task__code="2"))
    assert [(r.area_code, r.task_code, r.unit, r.status, r.deadline) for r in rows] == [
        ("II", "2", unit_b.name, Status.OVERDUE, D(2024, 6, 30))
    ]


def test_annex_summary_counts_the_figures(plan):
    rows = [
        r for r in annex_rows(_assignments(plan)) if r.period_label not in ("Q3/2024", "Q4/2024")
    ]
    assert annex_summary(rows) == (
        "Tổng số nhiệm vụ: 6; đến hạn: 5, trong đó hoàn thành đúng hạn: 1, hoàn thành trễ hạn: 1, "
        "chưa hoàn thành quá hạn: 3; chưa đến hạn (trong hạn): 1. "
        "Tỷ lệ hoàn thành nhiệm vụ đến hạn: 40,00%."
    )


def _annex(plan, rows, quarter=2):
    data = quarterly_annex_docx(
        plan=plan, year=2024, quarter=quarter, rows=rows, issued_on=D(2024, 7, 15)
    )
    return docx.Document(io.BytesIO(data))


def test_quarterly_annex_has_the_title_and_a_landscape_table_by_area(plan, unit_a, unit_b):
    document = _annex(plan, annex_rows(_assignments(plan)))
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[0] == "PHỤ LỤC TÌNH HÌNH THỰC HIỆN KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH QUÝ II/2024"
    assert texts[1] == "Kế hoạch số 120/KH-UBND: Kế hoạch cải cách hành chính năm 2024"
    assert texts[2].startswith("Tổng số nhiệm vụ: 6; đến hạn: 5,")
    assert document.sections[0].orientation == WD_ORIENT.LANDSCAPE
    table = document.tables[1]
    assert tuple(c.text for c in table.rows[0].cells) == ANNEX_COLUMNS
    lines = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [line[0] for line in lines] == [
        "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC",
        "1",
        "4",
        "4",
        "II. CẢI CÁCH THỂ CHẾ",
        "2",
        "3",
        "10",
    ]
    assert lines[1][2:] == [
        unit_a.name,
        "",
        "30/03/2024",
        "Hoàn thành đúng hạn (100%)",
        "Hoàn thành ngày 25/03/2024",
    ]
    assert lines[3][2:6] == [
        unit_b.name,
        "Báo cáo quý",
        "Kỳ Q2/2024: 30/06/2024",
        "Chưa hoàn thành, quá hạn (0%)",
    ]


def test_quarterly_annex_leaves_out_other_plans(plan, unit_a):
    other = make_plan(number="7/KH-UBND")
    make_task(plan=other, code="1", unit=unit_a, deadline=D(2024, 5, 31))
    rows = annex_rows(Assignment.objects.with_status(TODAY))
    table = _annex(plan, rows, quarter=1).tables[1]
    # the header, two area rows, tasks 1 and 4 (its Q1 occurrence only), 2, 3 and 10
    assert len(table.rows) == 8
