"""The plans API: same services and rules as the pages; one JSON error shape."""

from __future__ import annotations

import json

import pytest

from ..models import Plan, ProgressReport, Task, UrgingNotice
from .factories import make_area
from .helpers import assignment_for, current_plan, days

pytestmark = pytest.mark.django_db


def post(client, url: str, data: dict | None = None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_manager_creates_plan_and_areas(client, home_affairs_officer, province):
    client.force_login(home_affairs_officer)
    data = {
        "number": "5/KH-UBND",
        "title": "Kế hoạch CCHC 2025",
        "issuing_unit_id": province.pk,
        "signed_on": "2024-12-20",
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
    }
    response = post(client, "/api/plans", data)
    plan = Plan.objects.get()
    assert response.status_code == 201
    assert response.json()["number"] == "5/KH-UBND"
    area = post(client, f"/api/plans/{plan.pk}/areas", {"code": "II", "name": "Thể chế"})
    assert area.status_code == 201
    listed = client.get(f"/api/plans/{plan.pk}/areas").json()
    assert [a["code"] for a in listed] == ["II"]


def test_plan_with_a_bad_period_is_refused_with_field_details(
    client, home_affairs_officer, province
):
    client.force_login(home_affairs_officer)
    data = {
        "number": "5/KH-UBND",
        "title": "x",
        "issuing_unit_id": province.pk,
        "signed_on": "2024-12-20",
        "period_start": "2025-01-01",
        "period_end": "2024-01-01",
    }
    response = post(client, "/api/plans", data)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"
    assert not Plan.objects.exists()


def test_focal_point_may_not_create_plan(client, focal_point, province):
    client.force_login(focal_point)
    response = post(client, "/api/plans", {"number": "x"})
    assert response.status_code in (403, 422)
    assert not Plan.objects.exists()


def test_task_create_fans_out_and_cancel(client, home_affairs_officer, unit_a, unit_b):
    plan = current_plan()
    area = make_area(plan)
    client.force_login(home_affairs_officer)
    data = {
        "area_id": area.pk,
        "code": "7",
        "content": "Số hóa kết quả giải quyết thủ tục",
        "lead_unit_id": unit_a.pk,
        "scope": "selected",
        "selected_unit_ids": [unit_a.pk, unit_b.pk],
        "deadline": days(30).isoformat(),
    }
    response = post(client, f"/api/plans/{plan.pk}/tasks", data)
    task = Task.objects.get()
    assert response.status_code == 201
    assert task.assignments.count() == 2
    cancelled = post(client, f"/api/plans/tasks/{task.pk}/cancel", {"reason": "Trùng"})
    assert cancelled.json()["cancelled"] is True


def test_task_without_deadline_is_refused(client, home_affairs_officer, unit_a):
    plan = current_plan()
    area = make_area(plan)
    client.force_login(home_affairs_officer)
    data = {"area_id": area.pk, "code": "7", "content": "x", "lead_unit_id": unit_a.pk}
    response = post(client, f"/api/plans/{plan.pk}/tasks", data)
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["deadline"]
    assert not Task.objects.exists()


def test_assignment_list_filters_status_and_overdue_with_labels(client, leader, unit_a):
    plan = current_plan()
    late = assignment_for(unit_a, due_in=-3, plan=plan)
    assignment_for(unit_a, due_in=3, plan=plan)
    client.force_login(leader)
    rows = client.get("/api/plans/assignments", {"status": "overdue"}).json()["items"]
    assert [(r["id"], r["status"], r["status_label"]) for r in rows] == [
        (late.pk, "overdue", "Not completed, overdue")
    ]
    rows = client.get("/api/plans/assignments", {"overdue": "false"}).json()["items"]
    assert [r["status"] for r in rows] == ["within_term"]
    bad = client.get("/api/plans/assignments", {"status": "done"})
    assert bad.status_code == 422


def test_outsider_cannot_read_an_assignment(client, outsider, unit_a):
    assignment = assignment_for(unit_a)
    client.force_login(outsider)
    response = client.get(f"/api/plans/assignments/{assignment.pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert client.get("/api/plans/assignments").json()["items"] == []


def test_report_flow_through_the_api(
    client, focal_point, unit_leader, home_affairs_officer, unit_a
):
    assignment = assignment_for(unit_a, due_in=5)
    client.force_login(focal_point)
    data = {"percent": 100, "work_done": "Hoàn thành", "is_completion": True}
    created = post(client, f"/api/plans/assignments/{assignment.pk}/reports", data)
    report_id = created.json()["id"]
    assert created.status_code == 201
    assert post(client, f"/api/plans/reports/{report_id}/submit").status_code == 403
    client.force_login(unit_leader)
    assert post(client, f"/api/plans/reports/{report_id}/submit").json()["status"] == "submitted"
    client.force_login(home_affairs_officer)
    accepted = post(client, f"/api/plans/reports/{report_id}/accept", {"comment": "Đạt"})
    assert accepted.json()["status"] == "accepted"
    got = client.get(f"/api/plans/assignments/{assignment.pk}").json()
    assert got["status"] == "on_time"


def test_return_without_comment_is_refused(
    client, focal_point, unit_leader, home_affairs_officer, unit_a
):
    from .. import services

    assignment = assignment_for(unit_a)
    report = services.save_progress_report(assignment, percent=5, work_done="x", by=focal_point)
    services.submit_progress_report(report, by=unit_leader)
    client.force_login(home_affairs_officer)
    response = post(client, f"/api/plans/reports/{report.pk}/return", {"comment": ""})
    report.refresh_from_db()
    assert response.status_code == 422
    assert report.status == ProgressReport.Status.SUBMITTED


def test_extension_and_decision(client, focal_point, home_affairs_officer, unit_a):
    assignment = assignment_for(unit_a, due_in=5)
    client.force_login(focal_point)
    url = f"/api/plans/assignments/{assignment.pk}/extensions"
    asked = post(client, url, {"requested_deadline": days(30).isoformat(), "reason": "Chờ"})
    assert asked.status_code == 201
    client.force_login(home_affairs_officer)
    decided = post(client, f"/api/plans/extensions/{asked.json()['id']}/decide", {"approve": True})
    assert decided.json()["approved_deadline"] == days(30).isoformat()


def test_obstacle_and_answer(client, focal_point, home_affairs_officer, unit_a, province):
    assignment = assignment_for(unit_a)
    client.force_login(focal_point)
    data = {"kind": "obstacle", "text": "Thiếu người", "answer_unit_id": province.pk}
    data["answer_due"] = days(7).isoformat()
    raised = post(client, f"/api/plans/assignments/{assignment.pk}/obstacles", data)
    assert raised.status_code == 201
    answer_url = f"/api/plans/obstacles/{raised.json()['id']}/answer"
    assert post(client, answer_url, {"answer": "x"}).status_code == 403
    client.force_login(home_affairs_officer)
    assert post(client, answer_url, {"answer": "Đã bổ sung"}).json()["answer"] == "Đã bổ sung"


def test_urging_create_list_get(client, home_affairs_officer, focal_point, unit_a):
    late = assignment_for(unit_a, due_in=-2)
    client.force_login(home_affairs_officer)
    data = {
        "assignment_ids": [late.pk],
        "subject": "Đôn đốc",
        "body": "Khẩn trương",
        "signer_name": "A",
        "signer_position": "Giám đốc",
    }
    created = post(client, "/api/plans/urging", data)
    assert created.status_code == 201
    assert created.json()["assignment_ids"] == [late.pk]
    client.force_login(focal_point)
    listed = client.get("/api/plans/urging").json()["items"]
    assert [n["id"] for n in listed] == [UrgingNotice.objects.get().pk]


def test_urging_unknown_assignment_is_404(client, home_affairs_officer):
    client.force_login(home_affairs_officer)
    data = {"assignment_ids": [999], "subject": "x", "body": "y", "signer_name": "A"}
    data["signer_position"] = "B"
    assert post(client, "/api/plans/urging", data).status_code == 404
    assert not UrgingNotice.objects.exists()


def test_task_list_searches_without_diacritics(client, leader, unit_a):
    wanted = assignment_for(unit_a, content="Số hóa hồ sơ").task
    assignment_for(unit_a, plan=wanted.plan, content="Tập huấn")
    client.force_login(leader)
    rows = client.get("/api/plans/tasks", {"q": "so hoa"}).json()["items"]
    assert [r["id"] for r in rows] == [wanted.pk]


def test_openapi_documents_every_plans_operation(client, leader):
    client.force_login(leader)
    schema = client.get("/api/openapi.json").json()
    ids = {op["operationId"] for methods in schema["paths"].values() for op in methods.values()}
    assert {
        "plan_list", "plan_get", "plan_create", "area_list", "area_create", "task_list",
        "task_get", "task_create", "task_cancel", "assignment_list", "assignment_get",
        "report_list", "report_create", "report_submit", "report_accept", "report_return",
        "extension_create", "extension_decide", "urging_list", "urging_create", "urging_get",
        "obstacle_create", "obstacle_answer",
    } <= ids  # fmt: skip
