"""Progress reports, extensions and obstacles, with "nothing changed" checks."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.core.models import Attachment

from ..models import ExtensionRequest, Obstacle, ProgressReport
from .helpers import _date, assignment_for, days, pdf

pytestmark = pytest.mark.django_db


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
