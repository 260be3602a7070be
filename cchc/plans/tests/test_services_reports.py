"""The progress report services: draft, submit, accept or return; on time or late."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.core.models import Attachment, Notification
from cchc.plans import services
from cchc.plans.calculations import Status
from cchc.plans.models import ProgressReport
from cchc.plans.tests.factories import make_plan, make_task
from cchc.plans.tests.services_helpers import UTC, D, draft, events, pdf, submitted

# --- progress reports ---------------------------------------------------------------------


def test_focal_point_saves_draft_with_evidence(assignment, focal_point, outsider):
    report = draft(assignment, focal_point, files=[pdf()])
    assert report.status == ProgressReport.Status.DRAFT
    (attachment,) = Attachment.objects.for_object(report)
    assert attachment.can_view(focal_point) is True
    assert attachment.can_view(outsider) is False
    assignment.refresh_from_db()
    assert assignment.progress_percent == 0


def test_rewriting_a_draft_keeps_one_report(assignment, focal_point):
    report = draft(assignment, focal_point)
    draft(assignment, focal_point, report=report, percent=60)
    assert ProgressReport.objects.get().percent == 60


def test_completion_report_must_be_at_100(assignment, focal_point):
    with pytest.raises(ValidationError) as error:
        draft(assignment, focal_point, percent=90, is_completion=True)
    assert list(error.value.message_dict) == ["percent"]
    assert ProgressReport.objects.count() == 0


def test_bad_evidence_file_saves_nothing(assignment, focal_point):
    with pytest.raises(ValidationError) as error:
        draft(assignment, focal_point, files=[SimpleUploadedFile("x.pdf", b"not a pdf at all")])
    assert list(error.value.message_dict) == ["files"]
    assert ProgressReport.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_outsider_cannot_report(assignment, outsider):
    with pytest.raises(PermissionDenied):
        draft(assignment, outsider)
    assert ProgressReport.objects.count() == 0
    assert events("report.saved") == 0


def test_unit_leader_submits_and_secretariat_is_told(
    assignment, focal_point, unit_leader, home_affairs_officer
):
    report = submitted(assignment, focal_point, unit_leader)
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED
    assert report.submitted_by == unit_leader
    notification = Notification.objects.get()
    assert notification.recipient == home_affairs_officer
    assert notification.verb == "report.submitted"


def test_focal_point_cannot_submit(assignment, focal_point, home_affairs_officer):
    report = draft(assignment, focal_point)
    with pytest.raises(PermissionDenied):
        services.submit_progress_report(report, by=focal_point)
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.DRAFT
    assert Notification.objects.count() == 0
    assert events("report.submitted") == 0


def test_accepting_progress_sets_percent(
    assignment, focal_point, unit_leader, home_affairs_officer
):
    report = submitted(assignment, focal_point, unit_leader, percent=40)
    services.accept_progress_report(report, comment="Tốt", by=home_affairs_officer)
    assignment.refresh_from_db()
    assert (assignment.progress_percent, assignment.completed_on) == (40, None)
    assert Notification.objects.filter(recipient=focal_point, verb="report.accepted").count() == 1


def test_unit_leader_cannot_accept_own_report(assignment, focal_point, unit_leader):
    report = submitted(assignment, focal_point, unit_leader)
    with pytest.raises(PermissionDenied):
        services.accept_progress_report(report, by=unit_leader)
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED
    assert events("report.accepted") == 0


def test_only_submitted_reports_are_reviewed(assignment, focal_point, home_affairs_officer):
    report = draft(assignment, focal_point)
    with pytest.raises(ValidationError):
        services.accept_progress_report(report, by=home_affairs_officer)
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.DRAFT


def _completion_submitted_at(moment, home_affairs_officer, province, unit_a, focal, leader):
    plan = make_plan(
        by=home_affairs_officer,
        issuing_unit=province,
        period_start=D(2099, 1, 1),
        period_end=D(2099, 12, 31),
    )
    task = make_task(plan=plan, unit=unit_a, deadline=D(2099, 6, 30), by=home_affairs_officer)
    assignment = task.assignments.get()
    with time_machine.travel(moment, tick=False):
        report = draft(assignment, focal, percent=100, is_completion=True)
        services.submit_progress_report(report, by=leader)
    services.accept_progress_report(report, by=home_affairs_officer)
    assignment.refresh_from_db()
    return assignment


def test_completion_at_2359_local_on_the_deadline_is_on_time(
    home_affairs_officer, province, unit_a, focal_point, unit_leader
):
    moment = datetime.datetime(2099, 6, 30, 16, 59, tzinfo=UTC)  # 23:59 in Hồ Chí Minh City
    assignment = _completion_submitted_at(
        moment, home_affairs_officer, province, unit_a, focal_point, unit_leader
    )
    assert assignment.completed_on == D(2099, 6, 30)
    assert assignment.completion_report.percent == 100
    assert assignment.status_on(D(2099, 12, 31)) == Status.ON_TIME


def test_completion_at_midnight_local_after_the_deadline_is_late(
    home_affairs_officer, province, unit_a, focal_point, unit_leader
):
    moment = datetime.datetime(2099, 6, 30, 17, 0, tzinfo=UTC)  # 00:00 on 01/07 locally
    assignment = _completion_submitted_at(
        moment, home_affairs_officer, province, unit_a, focal_point, unit_leader
    )
    assert assignment.completed_on == D(2099, 7, 1)
    assert assignment.status_on(D(2099, 12, 31)) == Status.LATE


def test_return_needs_a_comment(assignment, focal_point, unit_leader, home_affairs_officer):
    report = submitted(assignment, focal_point, unit_leader)
    with pytest.raises(ValidationError) as error:
        services.return_progress_report(report, comment=" ", by=home_affairs_officer)
    assert list(error.value.message_dict) == ["comment"]
    services.return_progress_report(report, comment="Thiếu minh chứng", by=home_affairs_officer)
    report.refresh_from_db()
    assert (report.status, report.review_comment) == ("returned", "Thiếu minh chứng")
    assert Notification.objects.filter(recipient=focal_point, verb="report.returned").count() == 1
    resubmitted = services.submit_progress_report(report, by=unit_leader)
    assert resubmitted.status == ProgressReport.Status.SUBMITTED


def test_outsider_cannot_return(assignment, focal_point, unit_leader, outsider):
    report = submitted(assignment, focal_point, unit_leader)
    with pytest.raises(PermissionDenied):
        services.return_progress_report(report, comment="x", by=outsider)
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED
    assert events("report.returned") == 0
