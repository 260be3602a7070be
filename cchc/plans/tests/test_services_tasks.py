"""The task services: create, fan out to assignments, update and cancel."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cchc.core.models import AuditEvent
from cchc.plans import services
from cchc.plans.calculations import Status
from cchc.plans.models import Assignment, Task
from cchc.plans.tests.factories import make_area, make_plan, make_task
from cchc.plans.tests.services_helpers import D, events
from cchc.units.tests.factories import make_unit

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
