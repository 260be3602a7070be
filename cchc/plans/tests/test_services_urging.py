"""Urging notices and the notifications they send."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from cchc.accounts.roles import Role
from cchc.accounts.tests.factories import make_user
from cchc.core.models import Notification
from cchc.plans import services
from cchc.plans.models import UrgingNotice
from cchc.plans.tests.services_helpers import D, events

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
