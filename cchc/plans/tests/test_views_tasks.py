"""The task and assignment pages: create, edit, cancel, and who may see them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.core.models import AuditEvent

from ..models import Task
from .factories import make_area
from .helpers import _date, assignment_for, current_plan, days

pytestmark = pytest.mark.django_db


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
