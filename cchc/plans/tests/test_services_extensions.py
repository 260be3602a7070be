"""Extension requests and obstacles: asked, decided, raised and answered."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cchc.core.models import Notification
from cchc.plans import services
from cchc.plans.models import ExtensionRequest, Obstacle
from cchc.plans.tests.services_helpers import D, events

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
