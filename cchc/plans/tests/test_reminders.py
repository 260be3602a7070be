import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from cchc.accounts.roles import Role
from cchc.accounts.tests.factories import make_user
from cchc.core.models import Notification
from cchc.plans import services
from cchc.plans.models import Reminder
from cchc.plans.reminders import ReminderRun, send_reminders
from cchc.plans.tasks import send_reminders_task
from cchc.plans.tests.factories import make_plan, make_task

D = datetime.date


@pytest.fixture
def assignment(unit_a, home_affairs_officer):
    plan = make_plan(by=home_affairs_officer, escalate_after_days=14)
    task = make_task(plan=plan, unit=unit_a, code="3", deadline=D(2024, 3, 31))
    return task.assignments.get()


def test_reminder_seven_days_before_goes_to_focal_points(assignment, focal_point, unit_leader):
    run = send_reminders(today=D(2024, 3, 24))
    assert run == ReminderRun(sent=1, escalated=0, failed=0, skipped=0)
    reminder = Reminder.objects.get()
    assert (reminder.key, reminder.sent_on) == ("before-7@2024-03-31", D(2024, 3, 24))
    assert (reminder.recipients, reminder.failed, reminder.escalated) == (
        [focal_point.pk],
        [],
        False,
    )
    notification = Notification.objects.get()
    assert notification.recipient == focal_point
    assert notification.text == (
        "Reminder: task 3 of Sở Tư pháp tỉnh An Giang is due in 7 days (deadline 31/03/2024): "
        "Rà soát, đơn giản hóa thủ tục hành chính"
    )
    (message,) = mail.outbox
    assert message.to == [focal_point.email]
    assert message.subject == "Deadline reminders (1)"
    assert message.body.startswith(f"- {notification.text}")


def test_one_e_mail_per_person_lists_all_their_reminders(assignment, focal_point, unit_a):
    make_task(plan=assignment.task.plan, unit=unit_a, code="4", deadline=D(2024, 3, 31))
    run = send_reminders(today=D(2024, 3, 31))
    assert run == ReminderRun(sent=2, escalated=0, failed=0, skipped=0)
    assert Notification.objects.filter(recipient=focal_point).count() == 2
    (message,) = mail.outbox
    assert message.subject == "Deadline reminders (2)"
    assert message.body.count("is due today") == 2


def test_second_run_on_the_same_day_sends_nothing(assignment, focal_point):
    send_reminders(today=D(2024, 3, 31))
    again = send_reminders(today=D(2024, 3, 31))
    assert again == ReminderRun(sent=0, escalated=0, failed=0, skipped=1)
    assert Reminder.objects.get().key == "due@2024-03-31"
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_no_reminder_on_a_quiet_day_or_for_completed_work(assignment, focal_point):
    assert send_reminders(today=D(2024, 3, 26)) == ReminderRun()
    assignment.completed_on = D(2024, 3, 20)
    assignment.save(update_fields=["completed_on"])
    assert send_reminders(today=D(2024, 3, 31)) == ReminderRun()
    assert Reminder.objects.count() == 0
    assert Notification.objects.count() == 0


def test_overdue_reminders_escalate_to_the_head_after_the_policy_days(
    assignment, focal_point, unit_leader
):
    week = send_reminders(today=D(2024, 4, 7))
    fortnight = send_reminders(today=D(2024, 4, 14))
    assert week == ReminderRun(sent=1, escalated=0, failed=0, skipped=0)
    assert fortnight == ReminderRun(sent=1, escalated=1, failed=0, skipped=0)
    late = Reminder.objects.get(key="overdue-14@2024-03-31")
    assert late.escalated is True
    assert sorted(late.recipients) == sorted([focal_point.pk, unit_leader.pk])
    assert Notification.objects.filter(recipient=unit_leader).count() == 1


def test_extended_deadline_is_reminded_again(assignment, focal_point, home_affairs_officer):
    send_reminders(today=D(2024, 3, 31))
    request = services.request_extension(
        assignment, requested_deadline=D(2024, 4, 30), reason="Chờ số liệu", by=focal_point
    )
    services.decide_extension(request, approve=True, by=home_affairs_officer)
    send_reminders(today=D(2024, 4, 30))
    assert sorted(Reminder.objects.values_list("key", flat=True)) == [
        "due@2024-03-31",
        "due@2024-04-30",
    ]


def test_unit_without_focal_point_is_skipped_and_reminded_once_one_is_named(assignment, unit_a):
    assert send_reminders(today=D(2024, 3, 24)) == ReminderRun(skipped=1)
    assert Reminder.objects.count() == 0
    make_user("newfocal", roles=[(Role.FOCAL_POINT, unit_a)])
    assert send_reminders(today=D(2024, 3, 24)).sent == 1


def test_one_failing_recipient_does_not_stop_the_others(
    assignment, focal_point, unit_a, monkeypatch
):
    second = make_user("focal2", roles=[(Role.FOCAL_POINT, unit_a)])
    send = mail.EmailMessage.send

    def failing_send(message, *args, **kwargs):
        if focal_point.email in message.to:
            raise OSError("Mailbox unavailable")
        return send(message, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMessage, "send", failing_send)
    run = send_reminders(today=D(2024, 3, 30))
    assert run == ReminderRun(sent=1, escalated=0, failed=1, skipped=0)
    reminder = Reminder.objects.get()
    assert reminder.failed == [focal_point.pk]
    assert sorted(reminder.recipients) == sorted([focal_point.pk, second.pk])
    assert [m.to for m in mail.outbox] == [[second.email]]
    assert Notification.objects.count() == 2


def test_command_runs_for_a_given_day(assignment, focal_point):
    from io import StringIO

    out = StringIO()
    call_command("send_reminders", "--date", "24/03/2024", stdout=out)
    assert out.getvalue().strip() == (
        "Reminders sent: 1 (escalated to heads of unit: 0); e-mails failed: 0; skipped: 0."
    )
    assert Reminder.objects.get().sent_on == D(2024, 3, 24)


def test_command_rejects_a_bad_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("send_reminders", "--date", "2024-03-24")
    assert Reminder.objects.count() == 0


def test_celery_task_runs_the_job(db):
    assert send_reminders_task.delay().get() == {
        "sent": 0,
        "escalated": 0,
        "failed": 0,
        "skipped": 0,
    }


def test_many_assignments_need_few_queries(
    unit_a, focal_point, home_affairs_officer, django_assert_max_num_queries
):
    plan = make_plan(by=home_affairs_officer)
    for n in range(30):
        make_task(plan=plan, unit=unit_a, code=f"T{n}", deadline=D(2024, 3, 31))
    with django_assert_max_num_queries(12):
        run = send_reminders(today=D(2024, 3, 24))
    assert run.sent == 30
