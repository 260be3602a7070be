"""Journeys of reform plans: import an annex, report, submit, accept; urge a late unit."""

from __future__ import annotations

import datetime
import io
import re

from django.utils import timezone
from openpyxl import Workbook
from playwright.sync_api import expect

from cchc.plans import services
from cchc.plans.models import Assignment, Plan, Task

from .conftest import log_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = [
    "STT",
    "Nội dung nhiệm vụ",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Sản phẩm",
    "Thời gian hoàn thành",
]
GOOD_TASK = "Rà soát, công bố danh mục thủ tục hành chính được chuẩn hóa"


def make_plan(by, province, *, days_back: int = 60) -> Plan:
    today = timezone.localdate()
    plan = services.create_plan(
        number="99/KH-UBND",
        title="Kế hoạch cải cách hành chính (thử nghiệm)",
        issuing_unit=province,
        signed_on=today - datetime.timedelta(days=days_back),
        period_start=today - datetime.timedelta(days=days_back),
        period_end=today + datetime.timedelta(days=200),
        by=by,
    )
    services.seed_default_areas(plan, by=by)
    return plan


def annex(lead_of_second_task: str, deadline: datetime.date) -> dict[str, object]:
    """A plan annex as officials write it: an area heading row, numbered tasks."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC"])
    sheet.merge_cells(start_row=2, start_column=2, end_row=2, end_column=6)
    sheet.append(
        [
            1,
            "Xây dựng kế hoạch kiểm tra công tác cải cách hành chính",
            "Sở Nội vụ",
            "Sở Tư pháp",
            "Kế hoạch",
            deadline.strftime("%d/%m/%Y"),
        ]
    )
    sheet.append(
        [2, GOOD_TASK, lead_of_second_task, "", "Quyết định công bố", deadline.strftime("%d/%m/%Y")]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return {"name": "phu-luc.xlsx", "mimeType": XLSX, "buffer": buffer.getvalue()}


def test_annex_import_then_report_submit_accept_completes_on_time(
    page, province, home_affairs, unit_a, home_affairs_officer, focal_point, unit_leader, password
):
    plan = make_plan(home_affairs_officer, province)
    deadline = timezone.localdate() + datetime.timedelta(days=30)

    # The secretariat uploads the annex with a lead unit nobody knows: the preview shows
    # the problem by row and column, and nothing is saved.
    log_in(page, home_affairs_officer.username, password)
    page.goto(f"/plans/{plan.pk}/annex/")
    page.set_input_files("#id_file", annex("Sở Không Có Thật", deadline))
    page.locator("form.card button[type=submit]").click()
    problems = page.locator(".problems tbody tr")
    expect(problems).to_have_count(1)
    expect(problems.first.locator("td").nth(1)).to_have_text("4")  # row
    expect(problems.first.locator("td").nth(2)).to_have_text(re.compile(r"^C\b"))  # lead unit
    expect(problems.first).to_contain_text("Sở Không Có Thật")
    expect(page.locator("form[action$='/annex/confirm/']")).to_have_count(0)
    assert not Task.objects.filter(plan=plan).exists()

    # Fixed file: preview, confirm, the tasks exist.
    page.goto(f"/plans/{plan.pk}/annex/")
    page.set_input_files("#id_file", annex("Sở Tư pháp", deadline))
    page.locator("form.card button[type=submit]").click()
    expect(page.locator(".problems")).to_have_count(0)
    page.locator("form[action$='/annex/confirm/'] button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text(plan.number)
    assert Task.objects.filter(plan=plan).count() == 2
    assignment = Assignment.objects.get(task__plan=plan, task__content=GOOD_TASK, unit=unit_a)
    assert assignment.deadline == deadline
    page.context.clear_cookies()

    # The focal point reports completion with an evidence file.
    log_in(page, focal_point.username, password)
    page.goto(f"/plans/assignments/{assignment.pk}/reports/new/")
    page.fill("#id_percent", "100")
    page.fill("#id_work_done", "Đã ban hành quyết định công bố danh mục thủ tục hành chính.")
    page.check("#id_is_completion")
    page.set_input_files(
        "#id_files", {"name": "quyet-dinh.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("a", has_text="quyet-dinh.pdf")).to_be_visible()
    page.context.clear_cookies()

    # The head of unit submits it; the secretariat accepts it.
    log_in(page, unit_leader.username, password)
    page.goto(assignment.get_absolute_url())
    page.locator("form[action$='/submit/'] button").click()
    expect(page.locator("form[action$='/submit/']")).to_have_count(0)
    page.context.clear_cookies()

    log_in(page, home_affairs_officer.username, password)
    page.goto(assignment.get_absolute_url())
    page.locator("form[action$='/accept/'] button").click()
    expect(page.locator("h1 [data-status]")).to_have_attribute("data-status", "on_time")
    assignment.refresh_from_db()
    assert assignment.completed_on == timezone.localdate()


def test_overdue_unit_is_urged_and_sees_it_in_the_bell(
    page, province, home_affairs, unit_a, home_affairs_officer, focal_point, password
):
    plan = make_plan(home_affairs_officer, province)
    task = services.create_task(
        plan,
        area=plan.areas.first(),
        code="1",
        content="Báo cáo kết quả rà soát văn bản quy phạm pháp luật",
        lead_unit=unit_a,
        deadline_kind=Task.DeadlineKind.DATE,
        deadline=timezone.localdate() - datetime.timedelta(days=10),
        by=home_affairs_officer,
    )
    assignment = task.assignments.get()

    log_in(page, home_affairs_officer.username, password)
    page.goto("/plans/overdue/")
    page.check(f"#pick-{assignment.pk}")
    page.locator("form[action$='/urging/new/'] button[type=submit]").click()
    page.fill("#id_signer_name", "Nguyễn Văn Giám Đốc")
    page.fill("#id_signer_position", "Giám đốc Sở Nội vụ")
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("SNV-CCHC")
    assert assignment.urging_notices.count() == 1
    page.context.clear_cookies()

    log_in(page, focal_point.username, password)
    expect(page.locator("#bell .bell-count")).to_have_text("1")
    page.locator("#bell").click()
    notices = page.locator("ul.todo li")
    expect(notices).to_have_count(1)
    expect(notices.first).to_contain_text("V/v đôn đốc")
