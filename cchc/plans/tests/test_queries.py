"""Read models of the boards: exact rows, and a query count that does not grow with rows."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .. import queries, services
from .helpers import assignment_for, current_plan, days, today

pytestmark = pytest.mark.django_db


def test_my_assignments_open_first_then_soonest(
    focal_point, home_affairs_officer, unit_leader, unit_a
):
    plan = current_plan()
    done = assignment_for(unit_a, due_in=1, plan=plan)
    later = assignment_for(unit_a, due_in=20, plan=plan)
    sooner = assignment_for(unit_a, due_in=2, plan=plan)
    services.cancel_assignment(done, reason="Sáp nhập", by=home_affairs_officer)
    assert list(queries.my_assignments(focal_point)) == [sooner, later, done]


def test_overdue_by_unit_counts_days(leader, unit_a, unit_b):
    plan = current_plan()
    a = assignment_for(unit_a, due_in=-10, plan=plan)
    b = assignment_for(unit_b, due_in=-1, plan=plan)
    assignment_for(unit_b, due_in=0, plan=plan)
    groups = queries.overdue_by_unit(leader)
    assert [(g.unit, [(r.assignment, r.days) for r in g.rows]) for g in groups] == [
        (unit_a, [(a, 10)]),
        (unit_b, [(b, 1)]),
    ]


def test_plan_overview_counts_per_area_and_task(leader, unit_a, unit_b):
    plan = current_plan()
    task = assignment_for(unit_a, due_in=-1, plan=plan).task
    assignment_for(unit_b, due_in=5, plan=plan)
    [block] = queries.plan_overview(plan, leader)
    assert (block.counts["overdue"], block.counts["within_term"]) == (1, 1)
    assert block.tasks[0].task == task
    assert block.tasks[0].total == 1


def test_focal_point_sees_only_own_tasks_in_overview(focal_point, unit_a, unit_b):
    plan = current_plan()
    mine = assignment_for(unit_a, plan=plan).task
    assignment_for(unit_b, plan=plan)
    [block] = queries.plan_overview(plan, focal_point)
    assert [line.task for line in block.tasks] == [mine]


def test_computed_percent_weights_sub_tasks(focal_point, unit_a):
    parent = assignment_for(unit_a, due_in=30)
    plan = parent.task.plan
    first = assignment_for(unit_a, due_in=10, plan=plan, parent=parent.task, weight=3)
    assignment_for(unit_a, due_in=10, plan=plan, parent=parent.task, weight=1)
    services.save_progress_report(first, percent=40, work_done="x", by=focal_point)
    first.progress_percent = 40  # what an accepted report would set
    first.save(update_fields=["progress_percent"])
    assert str(queries.computed_percent(parent)) == "30.0"
    assert queries.computed_percent(first) is None


def test_calendar_grid_starts_on_monday_and_holds_deadlines(focal_point, unit_a):
    assignment = assignment_for(unit_a, due_in=3)
    month = queries.deadline_calendar(focal_point, assignment.deadline.replace(day=1))
    assert month.weeks[0][0].date.weekday() == 0
    assert all(len(w) == 7 for w in month.weeks)
    [busy] = month.busy_days
    assert (busy.date, busy.assignments) == (assignment.deadline, [assignment])


def test_work_counts_for_head_and_secretariat(
    focal_point, unit_leader, home_affairs_officer, unit_a
):
    assignment = assignment_for(unit_a, due_in=3)
    report = services.save_progress_report(assignment, percent=5, work_done="x", by=focal_point)
    services.submit_progress_report(report, by=unit_leader)
    services.raise_obstacle(
        assignment, kind="obstacle", text="x", answer_unit=unit_a, answer_due=days(3),
        by=home_affairs_officer,
    )  # fmt: skip
    assert queries.work_counts(focal_point) == queries.WorkCounts(1, 0, 0, 1)
    assert queries.work_counts(home_affairs_officer) == queries.WorkCounts(0, 1, 0, 0)


def test_timeline_is_sorted_and_hides_other_units(
    focal_point, home_affairs_officer, unit_a, unit_b
):
    plan = current_plan()
    mine = assignment_for(unit_a, plan=plan)
    services.save_progress_report(mine, percent=5, work_done="Khởi động", by=focal_point)
    events = queries.task_timeline(mine.task, focal_point)
    assert [e.at for e in events] == sorted(e.at for e in events)
    assert any(e.kind == "report" and "Khởi động" in e.detail for e in events)


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_board_queries_do_not_grow_with_rows(leader, unit_a, unit_b):
    plan = current_plan()
    assignment_for(unit_a, due_in=-1, plan=plan)
    queries.overdue_by_unit(leader)  # the person's roles are read once, then cached
    few = _count(lambda: list(queries.assignments_for(leader)))
    overdue_few = _count(lambda: queries.overdue_by_unit(leader))
    for i in range(8):
        assignment_for(unit_b if i % 2 else unit_a, due_in=-2 - i, plan=plan)
    assert _count(lambda: list(queries.assignments_for(leader))) == few
    assert _count(lambda: queries.overdue_by_unit(leader)) == overdue_few


def test_progress_figures_per_area_and_unit(leader, unit_a, unit_b):
    plan = current_plan()
    assignment_for(unit_a, due_in=-1, plan=plan)
    assignment_for(unit_b, due_in=1, plan=plan)
    result = queries.progress(leader, plan=plan, today=today())
    assert [(r.label, r.figures.overdue, r.figures.within_term) for r in result.units] == [
        (unit_a.name, 1, 0),
        (unit_b.name, 0, 1),
    ]
    assert result.units[0].share_overdue == 100
    assert "<svg" in result.area_chart


def test_progress_of_all_plans_shows_a_reform_area_once(leader, unit_a):
    first, second = current_plan(number="1/KH-UBND"), current_plan(number="2/KH-UBND")
    assignment_for(unit_a, due_in=-1, plan=first)
    assignment_for(unit_a, due_in=1, plan=second)
    both = queries.progress(leader, today=today())
    assert [(r.figures.overdue, r.figures.within_term) for r in both.areas] == [(1, 1)]
    assert len(queries.progress(leader, plan=first, today=today()).areas) == 1


def test_month_navigation():
    month = queries.Month(datetime.date(2024, 12, 1), [])
    assert (month.previous, month.next) == (datetime.date(2024, 11, 1), datetime.date(2025, 1, 1))
