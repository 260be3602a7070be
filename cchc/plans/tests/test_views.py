"""The plan pages: happy path, bad input and wrong user, with "nothing changed" checks."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.core.models import Attachment, AuditEvent

from ..models import (
    Assignment,
    ExtensionRequest,
    Obstacle,
    Plan,
    ProgressReport,
    Task,
    UrgingNotice,
)
from .factories import make_area, make_plan
from .helpers import assignment_for, current_plan, days, pdf

pytestmark = pytest.mark.django_db


def _date(d) -> str:
    return d.strftime("%d/%m/%Y")


# Plans -------------------------------------------------------------------------------


def _plan_data(province, **extra) -> dict:
    return {
        "number": "12/KH-UBND",
        "title": "Kế hoạch cải cách hành chính năm 2025",
        "issuing_unit": province.pk,
        "signed_on": "20/12/2024",
        "period_start": "01/01/2025",
        "period_end": "31/12/2025",
        "progress_rule": "reported",
        "remind_days_before": "7, 1",
        "remind_on_due_day": "on",
        "remind_overdue_every": 7,
        "escalate_after_days": 14,
        **extra,
    }


def test_secretariat_creates_plan(client, home_affairs_officer, province):
    client.force_login(home_affairs_officer)
    response = client.post(reverse("plans:plan-create"), _plan_data(province))
    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == plan.get_absolute_url()
    assert (plan.number, plan.period_end.isoformat()) == ("12/KH-UBND", "2025-12-31")
    assert plan.remind_days_before == [7, 1]


def test_plan_period_ending_before_it_starts_is_refused(client, home_affairs_officer, province):
    client.force_login(home_affairs_officer)
    data = _plan_data(province, period_end="31/12/2024", remind_days_before="7, x")
    response = client.post(reverse("plans:plan-create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "period_end" in form.errors
    assert "remind_days_before" in form.errors
    assert not Plan.objects.exists()


def test_focal_point_may_not_create_plan(client, focal_point, province):
    client.force_login(focal_point)
    response = client.post(reverse("plans:plan-create"), _plan_data(province))
    assert response.status_code == 403
    assert not Plan.objects.exists()


def test_plan_detail_shows_areas_tasks_counts_and_chart(client, leader, unit_a):
    overdue = assignment_for(unit_a, due_in=-3)
    client.force_login(leader)
    response = client.get(overdue.task.plan.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert overdue.task.area.name in html
    assert overdue.task.get_absolute_url() in html
    assert "<svg" in html
    assert "<title" in html
    [block] = response.context["blocks"]
    assert block.counts["overdue"] == 1


def test_plan_document_upload_links_download(client, home_affairs_officer):
    plan = current_plan()
    client.force_login(home_affairs_officer)
    url = reverse("plans:plan-document", args=[plan.pk])
    response = client.post(url, {"file": pdf("ke-hoach.pdf")})
    plan.refresh_from_db()
    assert response.status_code == 302
    assert plan.document.original_name == "ke-hoach.pdf"
    page = client.get(plan.get_absolute_url()).content.decode()
    assert reverse("core:attachment-download", args=[plan.document_id]) in page


def test_area_with_a_taken_code_is_refused(client, home_affairs_officer):
    plan = current_plan()
    make_area(plan, code="II")
    client.force_login(home_affairs_officer)
    url = reverse("plans:area-create", args=[plan.pk])
    response = client.post(url, {"code": "II", "name": "Trùng", "position": 2})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert plan.areas.count() == 1


# Tasks -------------------------------------------------------------------------------


def _task_data(area, lead, **extra) -> dict:
    return {
        "area": area.pk,
        "code": "5",
        "content": "Rà soát thủ tục hành chính",
        "lead_unit": lead.pk,
        "scope": "lead",
        "deadline_kind": "date",
        "deadline": _date(days(60)),
        "priority": "normal",
        "weight": "1",
        "is_real": "unknown",
        **extra,
    }


def test_task_for_selected_units_fans_out(client, home_affairs_officer, unit_a, unit_b):
    plan = current_plan()
    area = make_area(plan)
    client.force_login(home_affairs_officer)
    data = _task_data(area, unit_a, scope="selected", selected_units=[unit_a.pk, unit_b.pk])
    response = client.post(reverse("plans:task-create", args=[plan.pk]), data)
    task = Task.objects.get()
    assert response.status_code == 302
    assert sorted(task.assignments.values_list("unit__code", flat=True)) == ["STP", "SYT"]


def test_task_needs_its_deadline_and_units(client, home_affairs_officer, unit_a):
    plan = current_plan()
    area = make_area(plan)
    client.force_login(home_affairs_officer)
    data = _task_data(area, unit_a, deadline="", scope="selected")
    response = client.post(reverse("plans:task-create", args=[plan.pk]), data)
    errors = response.context["form"].errors
    assert response.status_code == 200
    assert {"deadline", "selected_units"} <= set(errors)
    assert not Task.objects.exists()


def test_task_deadline_outside_the_plan_is_tied_to_the_field(client, home_affairs_officer, unit_a):
    plan = current_plan()
    area = make_area(plan)
    client.force_login(home_affairs_officer)
    data = _task_data(area, unit_a, deadline=_date(days(4000)))
    response = client.post(reverse("plans:task-create", args=[plan.pk]), data)
    assert "deadline" in response.context["form"].errors
    assert not Task.objects.exists()


def test_task_edit_and_cancel(client, home_affairs_officer, unit_a):
    assignment = assignment_for(unit_a)
    task = assignment.task
    client.force_login(home_affairs_officer)
    data = {
        "area": task.area_id,
        "content": "Nội dung mới",
        "priority": "high",
        "weight": "2",
        "is_real": "unknown",
    }
    assert client.post(reverse("plans:task-edit", args=[task.pk]), data).status_code == 302
    response = client.post(reverse("plans:task-cancel", args=[task.pk]), {"reason": "Trùng"})
    task.refresh_from_db()
    assert response.status_code == 302
    assert (task.content, task.priority, task.cancel_reason) == ("Nội dung mới", "high", "Trùng")


def test_task_cancel_needs_a_reason(client, home_affairs_officer, unit_a):
    task = assignment_for(unit_a).task
    client.force_login(home_affairs_officer)
    response = client.post(reverse("plans:task-cancel", args=[task.pk]), {"reason": ""})
    task.refresh_from_db()
    assert response.status_code == 200
    assert task.cancelled_at is None


def test_focal_point_may_not_cancel_a_task(client, focal_point, unit_a):
    task = assignment_for(unit_a).task
    client.force_login(focal_point)
    response = client.post(reverse("plans:task-cancel", args=[task.pk]), {"reason": "x"})
    task.refresh_from_db()
    assert response.status_code == 403
    assert task.cancelled_at is None


def test_outsider_sees_neither_task_nor_assignment(client, outsider, unit_a):
    assignment = assignment_for(unit_a)
    client.force_login(outsider)
    assert client.get(assignment.task.get_absolute_url()).status_code == 404
    assert client.get(assignment.get_absolute_url()).status_code == 404


def test_task_timeline_merges_events_in_date_order(
    client, home_affairs_officer, focal_point, unit_a
):
    from .. import services

    assignment = assignment_for(unit_a, due_in=-2)
    services.save_progress_report(assignment, percent=40, work_done="Đã họp", by=focal_point)
    services.request_extension(
        assignment, requested_deadline=days(20), reason="Chờ ý kiến", by=focal_point
    )
    services.issue_urging_notice(
        [assignment], subject="Đôn đốc", body="Khẩn trương", signer_name="A",
        signer_position="Giám đốc", by=home_affairs_officer,
    )  # fmt: skip
    client.force_login(home_affairs_officer)
    response = client.get(assignment.task.get_absolute_url())
    timeline = response.context["timeline"]
    kinds = [e.kind for e in timeline]
    assert [e.at for e in timeline] == sorted(e.at for e in timeline)
    assert {"report", "extension", "urging", "history"} <= set(kinds)
    assert kinds.index("report") < kinds.index("extension") < kinds.index("urging")


# Assignments and reports -------------------------------------------------------------


def test_report_submit_accept_completes_on_time(
    client, focal_point, unit_leader, home_affairs_officer, unit_a
):
    assignment = assignment_for(unit_a, due_in=10)
    client.force_login(focal_point)
    data = {"percent": 100, "work_done": "Đã ban hành", "is_completion": "on"}
    data["files"] = [pdf("a.pdf"), pdf("b.pdf")]
    response = client.post(reverse("plans:report-create", args=[assignment.pk]), data)
    report = ProgressReport.objects.get()
    assert response.status_code == 302
    assert Attachment.objects.for_object(report).count() == 2
    client.force_login(unit_leader)
    client.post(reverse("plans:report-submit", args=[report.pk]))
    client.force_login(home_affairs_officer)
    client.post(reverse("plans:report-accept", args=[report.pk]), {"comment": "Đạt"})
    assignment.refresh_from_db()
    assert assignment.status == "on_time"
    page = client.get(assignment.get_absolute_url()).content.decode()
    assert "a.pdf" in page
    assert "b.pdf" in page


def test_completion_report_below_100_is_refused(client, focal_point, unit_a):
    assignment = assignment_for(unit_a)
    client.force_login(focal_point)
    data = {"percent": 80, "work_done": "Gần xong", "is_completion": "on"}
    response = client.post(reverse("plans:report-create", args=[assignment.pk]), data)
    assert response.status_code == 200
    assert "percent" in response.context["form"].errors
    assert not ProgressReport.objects.exists()


def test_focal_point_may_not_submit(client, focal_point, unit_a):
    from .. import services

    assignment = assignment_for(unit_a)
    report = services.save_progress_report(assignment, percent=5, work_done="x", by=focal_point)
    client.force_login(focal_point)
    response = client.post(reverse("plans:report-submit", args=[report.pk]))
    report.refresh_from_db()
    assert response.status_code == 403
    assert report.status == ProgressReport.Status.DRAFT


def test_outsider_may_not_report(client, outsider, unit_a):
    assignment = assignment_for(unit_a)
    client.force_login(outsider)
    url = reverse("plans:report-create", args=[assignment.pk])
    assert client.post(url, {"percent": 5, "work_done": "x"}).status_code == 404
    assert not ProgressReport.objects.exists()


def test_return_needs_a_comment(client, focal_point, unit_leader, home_affairs_officer, unit_a):
    from .. import services

    assignment = assignment_for(unit_a)
    report = services.save_progress_report(assignment, percent=5, work_done="x", by=focal_point)
    services.submit_progress_report(report, by=unit_leader)
    client.force_login(home_affairs_officer)
    url = reverse("plans:report-return", args=[report.pk])
    assert client.post(url, {"comment": ""}).status_code == 200
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED
    assert client.post(url, {"comment": "Bổ sung minh chứng"}).status_code == 302
    report.refresh_from_db()
    assert (report.status, report.review_comment) == ("returned", "Bổ sung minh chứng")


def test_extension_request_and_approval_move_the_deadline(
    client, focal_point, home_affairs_officer, unit_a
):
    assignment = assignment_for(unit_a, due_in=5)
    original = assignment.deadline
    client.force_login(focal_point)
    url = reverse("plans:extension-request", args=[assignment.pk])
    bad = client.post(url, {"requested_deadline": _date(original), "reason": "x"})
    assert "requested_deadline" in bad.context["form"].errors
    client.post(url, {"requested_deadline": _date(days(40)), "reason": "Chờ hướng dẫn"})
    extension = ExtensionRequest.objects.get()
    client.force_login(home_affairs_officer)
    decide = reverse("plans:extension-decide", args=[extension.pk])
    response = client.post(decide, {"decision": "approve", "approved_deadline": "", "note": ""})
    assignment.refresh_from_db()
    assert response.status_code == 302
    assert (assignment.original_deadline, assignment.deadline) == (original, days(40))


def test_focal_point_may_not_decide_an_extension(client, focal_point, unit_a):
    from .. import services

    assignment = assignment_for(unit_a, due_in=5)
    extension = services.request_extension(
        assignment, requested_deadline=days(30), reason="x", by=focal_point
    )
    client.force_login(focal_point)
    url = reverse("plans:extension-decide", args=[extension.pk])
    assert client.post(url, {"decision": "approve"}).status_code == 403
    extension.refresh_from_db()
    assert extension.status == ExtensionRequest.Status.PENDING


def test_obstacle_raised_then_answered(client, focal_point, home_affairs_officer, unit_a, province):
    assignment = assignment_for(unit_a)
    client.force_login(focal_point)
    data = {"kind": "obstacle", "text": "Thiếu kinh phí", "answer_unit": province.pk}
    data["answer_due"] = _date(days(10))
    response = client.post(reverse("plans:obstacle-create", args=[assignment.pk]), data)
    obstacle = Obstacle.objects.get()
    assert response.status_code == 302
    client.force_login(home_affairs_officer)
    url = reverse("plans:obstacle-answer", args=[obstacle.pk])
    assert client.post(url, {"answer": ""}).status_code == 200
    client.post(url, {"answer": "Đã bố trí"})
    obstacle.refresh_from_db()
    assert obstacle.answer == "Đã bố trí"


def test_outsider_may_not_answer(client, outsider, focal_point, unit_a):
    from .. import services

    assignment = assignment_for(unit_a)
    obstacle = services.raise_obstacle(
        assignment, kind="obstacle", text="x", answer_unit=unit_a, answer_due=days(5),
        by=focal_point,
    )  # fmt: skip
    client.force_login(outsider)
    url = reverse("plans:obstacle-answer", args=[obstacle.pk])
    assert client.post(url, {"answer": "y"}).status_code == 404
    obstacle.refresh_from_db()
    assert obstacle.answered_at is None


def test_assignment_shows_reported_and_computed_progress(client, leader, unit_a):
    parent = assignment_for(unit_a, due_in=30)
    assignment_for(unit_a, due_in=20, plan=parent.task.plan, parent=parent.task)
    client.force_login(leader)
    response = client.get(parent.get_absolute_url())
    assert response.context["show_computed"] is True
    assert response.context["computed_percent"] == 0


# Boards ------------------------------------------------------------------------------


def test_my_assignments_lists_open_ones_first(client, focal_point, unit_a, unit_b):
    later = assignment_for(unit_a, due_in=30)
    sooner = assignment_for(unit_a, due_in=3)
    assignment_for(unit_b, due_in=1)
    client.force_login(focal_point)
    response = client.get(reverse("plans:my-assignments"))
    assert list(response.context["page"].object_list) == [sooner, later]


def test_board_searches_without_diacritics_and_filters_status(client, leader, unit_a):
    wanted = assignment_for(unit_a, due_in=-5, content="Số hóa hồ sơ thủ tục hành chính")
    assignment_for(unit_a, due_in=10, plan=wanted.task.plan, content="Tập huấn công chức")
    client.force_login(leader)
    url = reverse("plans:board")
    response = client.get(url, {"q": "so hoa ho so"})
    assert list(response.context["page"].object_list) == [wanted]
    response = client.get(url, {"status": "overdue"})
    assert list(response.context["page"].object_list) == [wanted]


def test_board_htmx_returns_the_results_partial(client, leader, unit_a):
    assignment_for(unit_a)
    client.force_login(leader)
    response = client.get(reverse("plans:board"), {"q": "ra soat"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "board/export.xlsx?q=ra+soat" in html


def test_board_query_count_is_bounded(
    client, leader, unit_a, unit_b, django_assert_max_num_queries
):
    plan = current_plan()
    for i in range(12):
        assignment_for(unit_a if i % 2 else unit_b, due_in=i - 6, plan=plan)
    client.force_login(leader)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("plans:board"))
    assert response.context["page"].paginator.count == 12


def test_overdue_board_groups_by_unit_with_days(client, home_affairs_officer, unit_a, unit_b):
    plan = current_plan()
    late = assignment_for(unit_a, due_in=-4, plan=plan)
    assignment_for(unit_b, due_in=-1, plan=plan)
    assignment_for(unit_a, due_in=3, plan=plan)
    client.force_login(home_affairs_officer)
    response = client.get(reverse("plans:overdue-board"))
    groups = {
        g.unit.code: [(r.assignment, r.days) for r in g.rows] for g in response.context["groups"]
    }
    assert groups["STP"] == [(late, 4)]
    assert len(groups["SYT"]) == 1


def test_overdue_board_pages_rows_and_counts_each_units_total(
    client, home_affairs_officer, unit_a, monkeypatch
):
    from cchc.plans.views import boards

    plan = current_plan()
    for i in range(3):
        assignment_for(unit_a, due_in=-1 - i, plan=plan)
    client.force_login(home_affairs_officer)
    url = reverse("plans:overdue-board")
    monkeypatch.setattr(boards, "OVERDUE_PAGE_SIZE", 2)  # a page size, not behaviour
    first, second = client.get(url), client.get(url, {"page": 2})
    assert [(g.total, len(g.rows)) for g in first.context["groups"]] == [(3, 2)]
    assert [(g.total, len(g.rows)) for g in second.context["groups"]] == [(3, 1)]
    assert [r.days for r in first.context["groups"][0].rows] == [3, 2]


def test_overdue_board_query_count_is_bounded(
    client, home_affairs_officer, unit_a, unit_b, django_assert_max_num_queries
):
    plan = current_plan()
    for i in range(10):
        assignment_for(unit_a if i % 2 else unit_b, due_in=-1 - i, plan=plan)
    client.force_login(home_affairs_officer)
    with django_assert_max_num_queries(12):
        client.get(reverse("plans:overdue-board"))


def test_secretariat_sends_an_urging_notice(client, home_affairs_officer, unit_a):
    late = assignment_for(unit_a, due_in=-4)
    client.force_login(home_affairs_officer)
    url = reverse("plans:urging-create")
    form_page = client.get(url, {"assignments": [late.pk]})
    assert "đôn đốc" in form_page.context["form"].initial["subject"]
    data = {
        "assignments": [late.pk],
        "subject": "V/v đôn đốc",
        "body": "Đề nghị khẩn trương hoàn thành",
        "signer_name": "Nguyễn Văn A",
        "signer_position": "Giám đốc",
        "place": "An Giang",
        "issued_on": "",
    }
    response = client.post(url, data)
    notice = UrgingNotice.objects.get()
    assert response["Location"] == reverse("plans:urging-detail", args=[notice.pk])
    detail = client.get(response["Location"]).content.decode()
    assert reverse("core:attachment-download", args=[notice.document_id]) in detail


def test_urging_needs_a_late_assignment(client, home_affairs_officer, unit_a):
    on_time = assignment_for(unit_a, due_in=10)
    client.force_login(home_affairs_officer)
    data = {"assignments": [on_time.pk], "subject": "x", "body": "y"}
    data |= {"signer_name": "A", "signer_position": "B", "place": "An Giang"}
    response = client.post(reverse("plans:urging-create"), data)
    assert response.status_code == 200
    assert "assignments" in response.context["form"].errors
    assert not UrgingNotice.objects.exists()


def test_focal_point_may_not_urge(client, focal_point, unit_a):
    late = assignment_for(unit_a, due_in=-4)
    client.force_login(focal_point)
    response = client.post(reverse("plans:urging-create"), {"assignments": [late.pk]})
    assert response.status_code == 403
    assert not UrgingNotice.objects.exists()


def test_progress_page_has_charts_and_figures(
    client, leader, unit_a, django_assert_max_num_queries
):
    plan = current_plan()
    assignment_for(unit_a, due_in=-4, plan=plan)
    assignment_for(unit_a, due_in=4, plan=plan)
    client.force_login(leader)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("plans:progress"), {"plan": plan.pk})
    html = response.content.decode()
    assert html.count("<svg") == 2
    [unit_row] = response.context["progress"].units
    assert (unit_row.figures.overdue, unit_row.figures.within_term) == (1, 1)


def test_calendar_shows_the_month_and_links(client, focal_point, unit_a):
    assignment = assignment_for(unit_a, due_in=0)
    client.force_login(focal_point)
    month = assignment.deadline.strftime("%Y-%m")
    response = client.get(reverse("plans:calendar"), {"month": month})
    assert assignment.get_absolute_url() in response.content.decode()
    assert [d.date for d in response.context["month"].busy_days] == [assignment.deadline]
    fallback = client.get(reverse("plans:calendar"), {"month": "2024-13"})
    assert fallback.status_code == 200


def test_home_page_lists_plan_work(client, home_affairs_officer, focal_point, unit_leader, unit_a):
    from .. import services

    assignment = assignment_for(unit_a, due_in=5)
    report = services.save_progress_report(assignment, percent=5, work_done="x", by=focal_point)
    services.submit_progress_report(report, by=unit_leader)
    client.force_login(home_affairs_officer)
    texts = [i.text for i in client.get(reverse("core:home")).context["todo"].items]
    assert "Progress reports waiting for review" in texts
    client.force_login(focal_point)
    texts = [i.text for i in client.get(reverse("core:home")).context["todo"].items]
    assert "Your units' assignments due within 14 days" in texts


def test_assignment_cancel_by_secretariat_only(client, home_affairs_officer, focal_point, unit_a):
    assignment = assignment_for(unit_a)
    url = reverse("plans:assignment-cancel", args=[assignment.pk])
    client.force_login(focal_point)
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(home_affairs_officer)
    assert client.post(url, {"reason": "Đơn vị sáp nhập"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.cancel_reason == "Đơn vị sáp nhập"
    assert AuditEvent.objects.filter(verb="assignment.cancelled").count() == 1


def test_plan_list_is_served_to_everyone_logged_in(client, no_role_user):
    current_plan()
    client.force_login(no_role_user)
    response = client.get(reverse("plans:plan-list"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []


def test_annex_preview_without_upload_redirects(client, home_affairs_officer):
    plan = current_plan()
    client.force_login(home_affairs_officer)
    response = client.get(reverse("plans:annex-preview", args=[plan.pk]))
    assert response["Location"] == reverse("plans:annex-import", args=[plan.pk])


def test_assignments_of_other_units_are_not_in_the_focal_points_board(
    client, focal_point, unit_a, unit_b
):
    mine = assignment_for(unit_a)
    assignment_for(unit_b, plan=mine.task.plan)
    client.force_login(focal_point)
    response = client.get(reverse("plans:board"))
    assert list(response.context["page"].object_list) == [mine]
    assert Assignment.objects.count() == 2


# Annex import ------------------------------------------------------------------------


def _annex(lead: str, content: str = "Rà soát văn bản quy phạm pháp luật") -> SimpleUploadedFile:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    header = ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp"]
    sheet.append([*header, "Sản phẩm", "Thời gian hoàn thành"])
    sheet.append(["II", "CẢI CÁCH THỂ CHẾ"])
    task = [1, content, lead, None, "Báo cáo"]
    sheet.append([*task, "Trước 30/6/2024"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("phu-luc.xlsx", buffer.getvalue())


def test_annex_bad_row_then_fixed_file_imports_all(client, home_affairs_officer, unit_a):
    plan = make_plan()
    client.force_login(home_affairs_officer)
    url = reverse("plans:annex-import", args=[plan.pk])
    response = client.post(url, {"file": _annex("Sở Không Có Thật")})
    assert response["Location"] == reverse("plans:annex-preview", args=[plan.pk])
    preview = client.get(response["Location"])
    assert preview.context["preview"].problems
    assert "Sở Không Có Thật" in preview.content.decode()
    confirm = reverse("plans:annex-confirm", args=[plan.pk])
    client.post(confirm)
    assert not Task.objects.exists()
    client.post(url, {"file": _annex("Sở Tư pháp")})
    preview = client.get(reverse("plans:annex-preview", args=[plan.pk]))
    assert preview.context["preview"].problems == []
    assert not Task.objects.exists()  # nothing saved before confirming
    sha256 = preview.context["preview"].sha256
    assert client.post(confirm, {"sha256": sha256})["Location"] == plan.get_absolute_url()
    task = Task.objects.get()
    assert task.assignments.get().unit == unit_a


def test_annex_confirm_refuses_a_file_other_than_the_one_previewed(
    client, home_affairs_officer, unit_a
):
    plan = make_plan()
    client.force_login(home_affairs_officer)
    url = reverse("plans:annex-import", args=[plan.pk])
    client.post(url, {"file": _annex("Sở Tư pháp")})
    seen = client.get(reverse("plans:annex-preview", args=[plan.pk])).context["preview"].sha256
    other = _annex("Sở Tư pháp", "Tập huấn kỹ năng")  # another tab uploads another file
    client.post(url, {"file": other})
    assert client.get(reverse("plans:annex-preview", args=[plan.pk])).context["preview"].ok
    response = client.post(reverse("plans:annex-confirm", args=[plan.pk]), {"sha256": seen})
    assert response["Location"] == reverse("plans:annex-preview", args=[plan.pk])
    assert not Task.objects.exists()


def test_focal_point_may_not_import_an_annex(client, focal_point, unit_a):
    plan = make_plan()
    client.force_login(focal_point)
    url = reverse("plans:annex-import", args=[plan.pk])
    assert client.post(url, {"file": _annex("Sở Tư pháp")}).status_code == 403
    assert not Task.objects.exists()


def test_board_exports_follow_the_filters(client, leader, unit_a):
    from openpyxl import load_workbook

    plan = current_plan()
    wanted = assignment_for(unit_a, due_in=-5, plan=plan, content="Số hóa hồ sơ")
    assignment_for(unit_a, due_in=5, plan=plan, content="Tập huấn")
    client.force_login(leader)
    response = client.get(reverse("plans:board-export"), {"q": "so hoa"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert any(wanted.task.content in t for t in texts)
    assert not any("Tập huấn" in t for t in texts)
    today = days(0)
    query = {"plan": plan.pk, "year": today.year, "quarter": (today.month - 1) // 3 + 1}
    annex = client.get(reverse("plans:board-annex"), query)
    assert annex.status_code == 200
    assert annex.content[:2] == b"PK"


def test_quarterly_annex_needs_a_plan(client, leader):
    client.force_login(leader)
    assert client.get(reverse("plans:board-annex")).status_code == 404
