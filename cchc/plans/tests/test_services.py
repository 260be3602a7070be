import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.accounts.roles import Role
from cchc.accounts.tests.factories import make_user
from cchc.core.models import Attachment, AuditEvent, Notification
from cchc.plans import services
from cchc.plans.calculations import Status
from cchc.plans.models import (
    Assignment,
    ExtensionRequest,
    Obstacle,
    Plan,
    ProgressReport,
    ReformArea,
    Task,
    UrgingNotice,
)
from cchc.plans.tests.factories import make_area, make_plan, make_task
from cchc.units.tests.factories import make_unit

D = datetime.date
UTC = datetime.UTC
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="bao-cao.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def events(verb):
    return AuditEvent.objects.filter(verb=verb).count()


@pytest.fixture
def plan(home_affairs_officer, province):
    return make_plan(by=home_affairs_officer, issuing_unit=province, number="12/KH-UBND")


@pytest.fixture
def assignment(plan, unit_a, home_affairs_officer):
    task = make_task(plan=plan, unit=unit_a, code="1", by=home_affairs_officer)
    return Assignment.objects.get(task=task)


def draft(assignment, by, **fields):
    fields.setdefault("percent", 40)
    fields.setdefault("work_done", "Đã rà soát 12 thủ tục")
    return services.save_progress_report(assignment, by=by, **fields)


def submitted(assignment, focal_point, unit_leader, **fields):
    return services.submit_progress_report(draft(assignment, focal_point, **fields), by=unit_leader)


# --- plans and areas ----------------------------------------------------------------------


def test_secretariat_creates_plan_with_policy(home_affairs_officer, province):
    plan = services.create_plan(
        number="664/KH-UBND",
        title="Cải cách hành chính tỉnh An Giang giai đoạn 2022-2025",
        issuing_unit=province,
        signed_on=D(2022, 10, 18),
        period_start=D(2022, 1, 1),
        period_end=D(2025, 12, 31),
        remind_days_before=[1, 7, 7],
        by=home_affairs_officer,
    )
    plan.refresh_from_db()
    assert plan.remind_days_before == [7, 1]
    assert plan.created_by == home_affairs_officer
    assert events("plan.created") == 1


def test_plan_period_must_be_ordered(home_affairs_officer, province):
    with pytest.raises(ValidationError) as error:
        make_plan(by=home_affairs_officer, period_start=D(2024, 12, 31), period_end=D(2024, 1, 1))
    assert list(error.value.message_dict) == ["period_end"]
    assert Plan.objects.count() == 0


def test_reminder_days_must_be_positive(home_affairs_officer):
    with pytest.raises(ValidationError) as error:
        make_plan(by=home_affairs_officer, remind_days_before=[7, 0])
    assert list(error.value.message_dict) == ["remind_days_before"]
    assert Plan.objects.count() == 0


def test_focal_point_cannot_create_plan(focal_point, province):
    with pytest.raises(PermissionDenied):
        make_plan(by=focal_point, issuing_unit=province)
    assert Plan.objects.count() == 0
    assert AuditEvent.objects.filter(verb__startswith="plan.").count() == 0


def test_update_plan_records_changes(plan, home_affairs_officer):
    services.update_plan(
        plan, title="Kế hoạch mới", remind_overdue_every=3, by=home_affairs_officer
    )
    plan.refresh_from_db()
    assert (plan.title, plan.remind_overdue_every) == ("Kế hoạch mới", 3)
    event = AuditEvent.objects.get(verb="plan.updated")
    assert event.changes["remind_overdue_every"] == [7, 3]


def test_update_plan_rejects_own_parent_and_outsider(plan, home_affairs_officer, outsider):
    with pytest.raises(ValidationError) as error:
        services.update_plan(plan, parent=plan, by=home_affairs_officer)
    assert list(error.value.message_dict) == ["parent"]
    with pytest.raises(PermissionDenied):
        services.update_plan(plan, title="x", by=outsider)
    plan.refresh_from_db()
    assert plan.parent is None
    assert plan.title != "x"
    assert events("plan.updated") == 0


def test_attach_plan_document(plan, home_affairs_officer, focal_point):
    attachment = services.attach_plan_document(plan, pdf("664.pdf"), by=home_affairs_officer)
    plan.refresh_from_db()
    assert plan.document == attachment
    assert attachment.original_name == "664.pdf"
    assert attachment.can_view(focal_point) is True


def test_plan_document_must_be_pdf_or_word(plan, home_affairs_officer):
    upload = SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    with pytest.raises(ValidationError) as error:
        services.attach_plan_document(plan, upload, by=home_affairs_officer)
    assert list(error.value.message_dict) == ["document"]
    plan.refresh_from_db()
    assert plan.document is None
    assert Attachment.objects.count() == 0


def test_seed_default_areas_is_idempotent(plan, home_affairs_officer):
    first = services.seed_default_areas(plan, by=home_affairs_officer)
    again = services.seed_default_areas(plan, by=home_affairs_officer)
    assert [a.code for a in first] == ["I", "II", "III", "IV", "V", "VI", "VII"]
    assert first[6].name == "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số"
    assert [a.pk for a in again] == [a.pk for a in first]
    assert ReformArea.objects.filter(plan=plan).count() == 7
    assert events("plan.areas_seeded") == 1


def test_create_area_rejects_duplicate_code_and_outsider(plan, home_affairs_officer, outsider):
    services.create_area(plan, code="VIII", name="Khác", position=8, by=home_affairs_officer)
    with pytest.raises(ValidationError) as error:
        services.create_area(plan, code="viii", name="Trùng", position=9, by=home_affairs_officer)
    assert list(error.value.message_dict) == ["code"]
    with pytest.raises(PermissionDenied):
        services.create_area(plan, code="IX", name="X", position=9, by=outsider)
    assert list(plan.areas.values_list("code", flat=True)) == ["VIII"]


# --- tasks and fan-out --------------------------------------------------------------------


def test_lead_task_fans_out_to_lead_and_coordinating_units(
    plan, unit_a, unit_b, home_affairs_officer
):
    task = make_task(plan=plan, unit=unit_a, coordinating_units=[unit_b], by=home_affairs_officer)
    rows = list(task.assignments.order_by("unit__name").values_list("unit_id", "role", "deadline"))
    assert sorted(rows) == sorted(
        [(unit_a.pk, "lead", D(2024, 6, 30)), (unit_b.pk, "coordinating", D(2024, 6, 30))]
    )
    assert Assignment.history.filter(task_id=task.pk).count() == 2
    assert AuditEvent.objects.get(verb="task.fanned_out").data == {"created": 2}


def test_all_departments_task_fans_out_to_current_departments(
    plan, home_affairs, unit_a, unit_b, district, home_affairs_officer
):
    make_unit("Sở cũ", valid_to=D(2023, 6, 30))
    task = make_task(
        plan=plan, unit=home_affairs, scope=Task.Scope.ALL_DEPARTMENTS, by=home_affairs_officer
    )
    roles = dict(task.assignments.values_list("unit_id", "role"))
    assert roles == {home_affairs.pk: "lead", unit_a.pk: "assigned", unit_b.pk: "assigned"}


def test_recurring_task_creates_one_assignment_per_unit_and_quarter(
    plan, unit_a, district, home_affairs_officer
):
    task = make_task(
        plan=plan,
        unit=unit_a,
        scope=Task.Scope.SELECTED,
        selected_units=[unit_a, district],
        deadline_kind=Task.DeadlineKind.RECURRING,
        recurrence=Task.Recurrence.QUARTERLY,
        due_day=15,
        by=home_affairs_officer,
    )
    rows = set(task.assignments.values_list("unit_id", "period_label", "deadline"))
    assert len(rows) == 8
    assert (district.pk, "Q4/2024", D(2024, 12, 15)) in rows
    assert (unit_a.pk, "Q1/2024", D(2024, 3, 15)) in rows


def test_fan_out_is_idempotent(plan, unit_a, district, home_affairs_officer):
    task = make_task(
        plan=plan,
        unit=unit_a,
        scope=Task.Scope.SELECTED,
        selected_units=[district],
        deadline_kind=Task.DeadlineKind.THROUGHOUT,
        by=home_affairs_officer,
    )
    assert services.fan_out(task, by=home_affairs_officer) == []
    assert list(task.assignments.values_list("unit_id", "deadline")) == [
        (district.pk, D(2024, 12, 31))
    ]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"deadline": D(2025, 1, 1)}, "deadline"),
        ({"deadline_kind": Task.DeadlineKind.RECURRING}, "recurrence"),
        ({"scope": Task.Scope.SELECTED}, "selected_units"),
        ({"weight": 0}, "weight"),
    ],
)
def test_create_task_rejects_bad_input(plan, unit_a, home_affairs_officer, fields, field):
    with pytest.raises(ValidationError) as error:
        make_task(plan=plan, unit=unit_a, by=home_affairs_officer, **fields)
    assert field in error.value.message_dict
    assert Task.objects.count() == 0
    assert Assignment.objects.count() == 0


def test_create_task_rejects_area_of_other_plan_and_duplicate_code(
    plan, unit_a, home_affairs_officer
):
    other = make_area(make_plan(by=home_affairs_officer), code="III")
    with pytest.raises(ValidationError) as error:
        make_task(plan=plan, unit=unit_a, area=other, by=home_affairs_officer)
    assert list(error.value.message_dict) == ["area"]
    make_task(plan=plan, unit=unit_a, code="7", by=home_affairs_officer)
    with pytest.raises(ValidationError) as error:
        make_task(plan=plan, unit=unit_a, code="7", by=home_affairs_officer)
    assert list(error.value.message_dict) == ["code"]
    assert Task.objects.count() == 1


def test_focal_point_cannot_create_task(plan, unit_a, focal_point):
    with pytest.raises(PermissionDenied):
        make_task(plan=plan, unit=unit_a, by=focal_point)
    assert Task.objects.count() == 0
    assert events("task.created") == 0


def test_update_task_moves_open_deadlines_and_adds_coordinators(
    assignment, unit_b, home_affairs_officer
):
    task = assignment.task
    services.update_task(
        task, deadline=D(2024, 9, 30), coordinating_units=[unit_b], by=home_affairs_officer
    )
    assignment.refresh_from_db()
    assert (assignment.original_deadline, assignment.deadline) == (D(2024, 9, 30), D(2024, 9, 30))
    assert task.assignments.get(unit=unit_b).role == "coordinating"
    assert events("task.updated") == 1


def test_update_task_rejects_bad_input_and_outsider(assignment, home_affairs_officer, outsider):
    task = assignment.task
    with pytest.raises(ValidationError):
        services.update_task(task, deadline=D(2030, 1, 1), by=home_affairs_officer)
    with pytest.raises(PermissionDenied):
        services.update_task(task, content="x", by=outsider)
    task.refresh_from_db()
    assert task.deadline == D(2024, 6, 30)
    assert events("task.updated") == 0


def test_cancel_task_cancels_its_assignments(assignment, home_affairs_officer):
    services.cancel_task(assignment.task, reason="Trùng nhiệm vụ", by=home_affairs_officer)
    assignment.refresh_from_db()
    assert assignment.status == Status.CANCELLED
    assert AuditEvent.objects.get(verb="task.cancelled").data == {"reason": "Trùng nhiệm vụ"}


def test_cancel_needs_a_reason_and_a_manager(assignment, home_affairs_officer, focal_point):
    with pytest.raises(ValidationError) as error:
        services.cancel_assignment(assignment, reason="  ", by=home_affairs_officer)
    assert list(error.value.message_dict) == ["reason"]
    with pytest.raises(PermissionDenied):
        services.cancel_assignment(assignment, reason="x", by=focal_point)
    assignment.refresh_from_db()
    assert assignment.cancelled_at is None
    assert events("assignment.cancelled") == 0


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


# --- extensions ---------------------------------------------------------------------------


def test_approved_extension_moves_the_deadline(assignment, focal_point, home_affairs_officer):
    request = services.request_extension(
        assignment, requested_deadline=D(2024, 8, 31), reason="Chờ ý kiến Bộ", by=focal_point
    )
    services.decide_extension(
        request, approve=True, approved_deadline=D(2024, 7, 31), by=home_affairs_officer
    )
    assignment.refresh_from_db()
    request.refresh_from_db()
    assert (assignment.original_deadline, assignment.deadline) == (D(2024, 6, 30), D(2024, 7, 31))
    assert (request.status, request.approved_deadline) == ("approved", D(2024, 7, 31))
    assert events("extension.approved") == 1


def test_refused_extension_keeps_the_deadline(assignment, focal_point, home_affairs_officer):
    request = services.request_extension(
        assignment, requested_deadline=D(2024, 8, 31), reason="Chờ ý kiến Bộ", by=focal_point
    )
    services.decide_extension(
        request, approve=False, note="Không có căn cứ", by=home_affairs_officer
    )
    assignment.refresh_from_db()
    request.refresh_from_db()
    assert assignment.deadline == D(2024, 6, 30)
    assert (request.status, request.decision_note) == ("refused", "Không có căn cứ")
    assert Notification.objects.filter(recipient=focal_point, verb="extension.refused").count() == 1


def test_extension_must_ask_for_a_later_date(assignment, focal_point):
    with pytest.raises(ValidationError) as error:
        services.request_extension(
            assignment, requested_deadline=D(2024, 6, 30), reason="x", by=focal_point
        )
    assert list(error.value.message_dict) == ["requested_deadline"]
    assert ExtensionRequest.objects.count() == 0


def test_outsider_cannot_ask_or_decide_extension(assignment, focal_point, outsider):
    with pytest.raises(PermissionDenied):
        services.request_extension(
            assignment, requested_deadline=D(2024, 8, 31), reason="x", by=outsider
        )
    request = services.request_extension(
        assignment, requested_deadline=D(2024, 8, 31), reason="x", by=focal_point
    )
    with pytest.raises(PermissionDenied):
        services.decide_extension(request, approve=True, by=focal_point)
    request.refresh_from_db()
    assignment.refresh_from_db()
    assert request.status == "pending"
    assert assignment.deadline == D(2024, 6, 30)


# --- obstacles ----------------------------------------------------------------------------


def test_obstacle_is_raised_and_answered(
    assignment, focal_point, home_affairs, home_affairs_officer
):
    obstacle = services.raise_obstacle(
        assignment,
        kind=Obstacle.Kind.RECOMMENDATION,
        text="Đề nghị hướng dẫn số hóa hồ sơ",
        answer_unit=home_affairs,
        answer_due=D(2024, 5, 15),
        by=focal_point,
    )
    services.answer_obstacle(obstacle, answer="Đã có Công văn 123", by=home_affairs_officer)
    obstacle.refresh_from_db()
    assert (obstacle.answer, obstacle.answered_by) == ("Đã có Công văn 123", home_affairs_officer)
    assert Obstacle.objects.unanswered().count() == 0
    assert Notification.objects.filter(recipient=focal_point, verb="obstacle.answered").count() == 1


def test_only_the_answer_unit_or_a_manager_answers(assignment, focal_point, unit_b, outsider):
    obstacle = services.raise_obstacle(
        assignment,
        kind="obstacle",
        text="Thiếu kinh phí",
        answer_unit=unit_b,
        answer_due=D(2024, 5, 15),
        by=focal_point,
    )
    with pytest.raises(PermissionDenied):
        services.answer_obstacle(obstacle, answer="x", by=focal_point)
    with pytest.raises(ValidationError) as error:
        services.answer_obstacle(obstacle, answer="  ", by=outsider)
    assert list(error.value.message_dict) == ["answer"]
    services.answer_obstacle(obstacle, answer="Sẽ bố trí", by=outsider)
    assert Obstacle.objects.get().answered_by == outsider


def test_outsider_cannot_raise_obstacle(assignment, outsider, unit_b):
    with pytest.raises(PermissionDenied):
        services.raise_obstacle(
            assignment,
            kind="obstacle",
            text="x",
            answer_unit=unit_b,
            answer_due=D(2024, 5, 15),
            by=outsider,
        )
    assert Obstacle.objects.count() == 0


# --- urging -------------------------------------------------------------------------------


def test_urging_notice_is_numbered_documented_and_delivered(
    assignment, focal_point, home_affairs, home_affairs_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.issue_urging_notice(
            [assignment],
            subject="Đôn đốc thực hiện nhiệm vụ CCHC",
            body="Đề nghị khẩn trương.",
            signer_name="Nguyễn Văn A",
            signer_position="Giám đốc",
            issued_on=D(2024, 7, 10),
            by=home_affairs_officer,
        )
    second = services.issue_urging_notice(
        [assignment],
        subject="Lần 2",
        body="Đề nghị.",
        signer_name="A",
        signer_position="B",
        issued_on=D(2024, 8, 1),
        by=home_affairs_officer,
    )
    assert (first.number, second.number, first.year) == (1, 2, 2024)
    assert first.issuing_unit == home_affairs
    assert first.document.original_name.endswith(".docx")
    assert first.document.can_view(focal_point) is True
    assert list(assignment.urging_notices.order_by("number")) == [first, second]
    assert Notification.objects.filter(recipient=focal_point, verb="urging.issued").count() == 2
    (message,) = mail.outbox
    assert message.to == [focal_point.email]
    assert f"/files/{first.document.pk}/" in message.body


def test_urging_needs_assignments_and_a_manager(assignment, unit_leader, home_affairs_officer):
    with pytest.raises(ValidationError) as error:
        services.issue_urging_notice(
            [],
            subject="x",
            body="x",
            signer_name="x",
            signer_position="x",
            by=home_affairs_officer,
        )
    assert list(error.value.message_dict) == ["assignments"]
    with pytest.raises(PermissionDenied):
        services.issue_urging_notice(
            [assignment],
            subject="x",
            body="x",
            signer_name="x",
            signer_position="x",
            by=unit_leader,
        )
    assert UrgingNotice.objects.count() == 0
    assert Notification.objects.count() == 0
    assert events("urging.issued") == 0


def test_notice_without_secretariat_role_is_issued_by_the_province(assignment, province):
    admin = make_user("admin2", roles=[(Role.ADMIN, province)])
    notice = services.issue_urging_notice(
        [assignment], subject="x", body="x", signer_name="x", signer_position="x", by=admin
    )
    assert notice.issuing_unit == province
    assert notice.assignments.get() == assignment


# --- notifications ------------------------------------------------------------------------


def test_notify_tells_each_active_person_once(
    focal_point, unit_leader, outsider, django_capture_on_commit_callbacks
):
    from cchc.core.notify import notify

    outsider.is_active = False
    outsider.save(update_fields=["is_active"])
    unit_leader.email = ""
    unit_leader.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        count = notify(
            [focal_point, focal_point, unit_leader, outsider],
            verb="test.verb",
            text="Xin chào",
            url="/plans/",
            email_subject="Chủ đề",
        )
    assert count == 2
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == [
        "focal",
        "head",
    ]
    (message,) = mail.outbox
    assert (message.to, message.subject, message.body) == (
        [focal_point.email],
        "Chủ đề",
        "Xin chào",
    )
