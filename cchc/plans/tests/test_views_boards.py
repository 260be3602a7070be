"""The boards: my assignments, the searchable board, overdue, urging, progress, exports."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from ..models import Assignment, UrgingNotice
from .helpers import assignment_for, current_plan, days

pytestmark = pytest.mark.django_db


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
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 2
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


def test_assignments_of_other_units_are_not_in_the_focal_points_board(
    client, focal_point, unit_a, unit_b
):
    mine = assignment_for(unit_a)
    assignment_for(unit_b, plan=mine.task.plan)
    client.force_login(focal_point)
    response = client.get(reverse("plans:board"))
    assert list(response.context["page"].object_list) == [mine]
    assert Assignment.objects.count() == 2


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
