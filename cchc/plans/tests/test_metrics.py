import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cchc.plans import services
from cchc.plans.calculations import Figures
from cchc.plans.metrics import figures_by, unit_task_metrics
from cchc.plans.models import Assignment
from cchc.plans.tests.factories import make_area, make_plan, make_task

D = datetime.date
TODAY = D(2024, 7, 15)


def _finish(assignment, on):
    assignment.completed_on = on
    assignment.save(update_fields=["completed_on"])


@pytest.fixture
def board(unit_a, unit_b, home_affairs_officer):
    """unit_a: on time, late, overdue, within term, cancelled; unit_b: one overdue."""
    plan = make_plan(by=home_affairs_officer)
    area = make_area(plan, code="III")
    tasks = {
        name: make_task(plan=plan, unit=unit_a, code=name, deadline=deadline, area=area)
        for name, deadline in [
            ("on_time", D(2024, 3, 31)),
            ("late", D(2024, 3, 31)),
            ("overdue", D(2024, 6, 30)),
            ("within", D(2024, 9, 30)),
            ("cancelled", D(2024, 6, 30)),
            ("next_year", D(2024, 12, 31)),
        ]
    }
    get = {name: task.assignments.get() for name, task in tasks.items()}
    _finish(get["on_time"], D(2024, 3, 31))
    _finish(get["late"], D(2024, 4, 1))
    services.cancel_task(tasks["cancelled"], reason="Trùng", by=home_affairs_officer)
    make_task(plan=plan, unit=unit_b, code="b1", deadline=D(2024, 5, 31))
    return plan


def test_unit_metrics_count_each_status(board, unit_a, unit_b, district):
    metrics = unit_task_metrics(
        unit_ids=[unit_a.pk, unit_b.pk, district.pk],
        period_start=D(2024, 1, 1),
        period_end=D(2024, 9, 30),
        today=TODAY,
    )
    a = metrics[unit_a.pk]
    assert a == Figures(on_time=1, late=1, within_term=1, overdue=1, cancelled=1)
    assert (a.assigned, a.due, a.completed) == (4, 3, 2)
    assert (a.share_completed, a.share_on_time, a.share_overdue) == (
        Decimal("66.66"),
        Decimal("33.33"),
        Decimal("33.34"),
    )
    assert metrics[unit_b.pk] == Figures(overdue=1)
    assert metrics[district.pk] == Figures()
    assert metrics[district.pk].share_completed is None


def test_unit_metrics_for_every_unit_take_the_deadline_period(board, unit_a, unit_b):
    metrics = unit_task_metrics(
        unit_ids=None, period_start=D(2024, 10, 1), period_end=D(2024, 12, 31), today=TODAY
    )
    assert metrics == {unit_a.pk: Figures(within_term=1)}


def test_unit_metrics_use_one_query(board, unit_a, django_assert_num_queries):
    with django_assert_num_queries(1):
        unit_task_metrics(
            unit_ids=[unit_a.pk], period_start=D(2024, 1, 1), period_end=D(2024, 12, 31)
        )


def test_figures_by_area_and_plan(board, unit_a, django_assert_max_num_queries):
    area = board.areas.get(code="III")
    with django_assert_max_num_queries(2):
        by_area = figures_by("task__area", Assignment.objects.all(), TODAY)
        by_plan = figures_by("task__plan", Assignment.objects.filter(unit=unit_a), TODAY)
    assert by_area[area.pk] == Figures(on_time=1, late=1, within_term=2, overdue=1, cancelled=1)
    assert by_plan == {board.pk: Figures(on_time=1, late=1, within_term=2, overdue=1, cancelled=1)}


def test_figures_by_unit_defaults_to_today(board, unit_b):
    figures = figures_by("unit", Assignment.objects.filter(unit=unit_b))
    expected = "overdue" if timezone.localdate() > D(2024, 5, 31) else "within_term"
    assert figures == {unit_b.pk: Figures(**{expected: 1})}


def test_figures_by_rejects_unknown_grouping(db):
    with pytest.raises(ValueError, match="Cannot group by 'unit__name'"):
        figures_by("unit__name", Assignment.objects.all(), TODAY)
