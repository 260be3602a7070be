import datetime
import itertools
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc.plans.calculations import (
    Figures,
    Occurrence,
    Status,
    assignment_status,
    computed_progress,
    occurrences,
    reminder_key_due,
    reporting_figures,
)

D = datetime.date


@pytest.mark.parametrize(
    ("deadline", "completed_on", "cancelled", "today", "expected"),
    [
        pytest.param(
            D(2024, 3, 31),
            D(2024, 3, 31),
            False,
            D(2024, 4, 5),
            Status.ON_TIME,
            id="completed on the deadline day",
        ),
        pytest.param(
            D(2024, 3, 31),
            D(2024, 4, 1),
            False,
            D(2024, 4, 5),
            Status.LATE,
            id="completed the day after",
        ),
        pytest.param(
            D(2024, 3, 31),
            None,
            False,
            D(2024, 3, 31),
            Status.WITHIN_TERM,
            id="open on the deadline day",
        ),
        pytest.param(
            D(2024, 3, 31), None, False, D(2024, 4, 1), Status.OVERDUE, id="open the day after"
        ),
        pytest.param(
            D(2024, 3, 31),
            D(2024, 3, 1),
            True,
            D(2024, 4, 1),
            Status.CANCELLED,
            id="cancelled wins",
        ),
    ],
)
def test_assignment_status(deadline, completed_on, cancelled, today, expected):
    status = assignment_status(
        deadline=deadline, completed_on=completed_on, cancelled=cancelled, today=today
    )
    assert status == expected


def test_figures_reproduce_government_office_2017_report():
    """Report 1270/BC-TCTTTg (2017): 98.62 % of due tasks completed, 1.38 % overdue."""
    figures = Figures(on_time=14068, late=1983, within_term=5640, overdue=223)
    assert figures.assigned == 21914
    assert figures.due == 16274
    assert figures.completed == 16051
    assert figures.share_completed == Decimal("98.62")
    assert figures.share_overdue == Decimal("1.38")
    assert figures.share_on_time == Decimal("86.44")


def test_reporting_figures_count_statuses_and_leave_cancelled_out():
    statuses = ["on_time", "on_time", "late", "within_term", "overdue", "cancelled"]
    figures = reporting_figures(statuses)
    assert figures == Figures(on_time=2, late=1, within_term=1, overdue=1, cancelled=1)
    assert (figures.assigned, figures.due, figures.completed) == (5, 4, 3)
    assert figures.share_completed == Decimal("75.00")
    assert figures.share_overdue == Decimal("25.00")
    assert figures.share_on_time == Decimal("50.00")


def test_shares_are_none_when_nothing_is_due():
    figures = reporting_figures([Status.WITHIN_TERM, Status.CANCELLED])
    assert (figures.share_completed, figures.share_overdue, figures.share_on_time) == (
        None,
        None,
        None,
    )


def test_share_on_time_rounds_half_up():
    # 1 of 8 = 12.5 % exactly; 1 of 3 = 33.333… → 33.33; 2 of 3 = 66.666… → 66.67
    assert Figures(on_time=2, overdue=1).share_on_time == Decimal("66.67")
    assert Figures(on_time=1, late=2).share_on_time == Decimal("33.33")


def test_figures_add_up():
    assert Figures(on_time=1, late=2) + Figures(late=1, cancelled=3) == Figures(
        on_time=1, late=3, cancelled=3
    )


@pytest.mark.parametrize(
    ("children", "expected"),
    [
        pytest.param([], Decimal("0.00"), id="no sub-task"),
        pytest.param([(Decimal(1), 50), (Decimal(1), 100)], Decimal("75.00"), id="equal"),
        pytest.param([(Decimal(3), 100), (Decimal(1), 0)], Decimal("75.00"), id="weighted"),
        pytest.param(
            [(Decimal(1), 0), (Decimal(2), 0), (Decimal(3), 100)], Decimal("50.00"), id="three"
        ),
        pytest.param([(Decimal(1), 100), (Decimal(2), 0)], Decimal("33.33"), id="rounded"),
        pytest.param([(Decimal(2), 100), (Decimal(1), 0)], Decimal("66.67"), id="half up"),
    ],
)
def test_computed_progress(children, expected):
    assert computed_progress(children) == expected


def test_quarterly_occurrences_with_due_day():
    found = occurrences(
        "quarterly", period_start=D(2024, 1, 1), period_end=D(2024, 12, 31), due_day=15
    )
    assert found == [
        Occurrence("Q1/2024", D(2024, 1, 1), D(2024, 3, 15)),
        Occurrence("Q2/2024", D(2024, 4, 1), D(2024, 6, 15)),
        Occurrence("Q3/2024", D(2024, 7, 1), D(2024, 9, 15)),
        Occurrence("Q4/2024", D(2024, 10, 1), D(2024, 12, 15)),
    ]


def test_monthly_occurrences_clamp_the_due_day_and_cross_the_year():
    found = occurrences(
        "monthly", period_start=D(2023, 12, 10), period_end=D(2024, 2, 1), due_day=31
    )
    assert found == [
        Occurrence("12/2023", D(2023, 12, 1), D(2023, 12, 31)),
        Occurrence("01/2024", D(2024, 1, 1), D(2024, 1, 31)),
        Occurrence("02/2024", D(2024, 2, 1), D(2024, 2, 29)),
    ]


def test_six_monthly_and_yearly_occurrences_end_on_the_last_day():
    six = occurrences(
        "six_monthly", period_start=D(2024, 1, 1), period_end=D(2024, 12, 31), due_day=None
    )
    yearly = occurrences(
        "yearly", period_start=D(2022, 10, 18), period_end=D(2025, 12, 31), due_day=20
    )
    assert six == [
        Occurrence("H1/2024", D(2024, 1, 1), D(2024, 6, 30)),
        Occurrence("H2/2024", D(2024, 7, 1), D(2024, 12, 31)),
    ]
    assert [(o.label, o.deadline) for o in yearly] == [
        ("2022", D(2022, 12, 20)),
        ("2023", D(2023, 12, 20)),
        ("2024", D(2024, 12, 20)),
        ("2025", D(2025, 12, 20)),
    ]


POLICY = {"days_before": (7, 1), "on_due_day": True, "overdue_every": 7}


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2024, 3, 23), None),
        (D(2024, 3, 24), "before-7@2024-03-31"),
        (D(2024, 3, 25), None),
        (D(2024, 3, 30), "before-1@2024-03-31"),
        (D(2024, 3, 31), "due@2024-03-31"),
        (D(2024, 4, 1), None),
        (D(2024, 4, 7), "overdue-7@2024-03-31"),
        (D(2024, 4, 14), "overdue-14@2024-03-31"),
        (D(2024, 4, 15), None),
    ],
)
def test_reminder_key_due_follows_the_policy(today, expected):
    key = reminder_key_due(deadline=D(2024, 3, 31), today=today, completed=False, **POLICY)
    assert key == expected


def test_no_reminder_when_completed_or_policy_is_off():
    deadline = D(2024, 3, 31)
    assert reminder_key_due(deadline=deadline, today=deadline, completed=True, **POLICY) is None
    off = {"days_before": (), "on_due_day": False, "overdue_every": 0}
    for today in (D(2024, 3, 24), deadline, D(2024, 4, 7)):
        assert reminder_key_due(deadline=deadline, today=today, completed=False, **off) is None


# --- properties ---------------------------------------------------------------------------

dates = st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31))
days = st.integers(min_value=0, max_value=400)


@given(original=dates, extension=days, done_after=st.integers(-400, 400), today=dates)
def test_extension_never_makes_a_completion_later(original, extension, done_after, today):
    """An approved extension (effective deadline ≥ original) can only improve the status."""
    effective = original + datetime.timedelta(days=extension)
    completed_on = original + datetime.timedelta(days=done_after)
    before = assignment_status(
        deadline=original, completed_on=completed_on, cancelled=False, today=today
    )
    after = assignment_status(
        deadline=effective, completed_on=completed_on, cancelled=False, today=today
    )
    assert before in (Status.ON_TIME, Status.LATE)
    assert not (before == Status.ON_TIME and after == Status.LATE)
    assert after == (Status.ON_TIME if completed_on <= effective else Status.LATE)


@given(deadline=dates, today=dates)
def test_open_assignment_is_overdue_exactly_after_its_deadline(deadline, today):
    status = assignment_status(deadline=deadline, completed_on=None, cancelled=False, today=today)
    assert status == (Status.OVERDUE if today > deadline else Status.WITHIN_TERM)


@given(st.lists(st.sampled_from(list(Status)), max_size=60))
def test_figures_partition_the_statuses(statuses):
    figures = reporting_figures(statuses)
    assert figures.assigned + figures.cancelled == len(statuses)
    assert figures.due == figures.completed + figures.overdue
    if figures.due:
        assert figures.share_completed + figures.share_overdue == 100
        assert Decimal(0) <= figures.share_on_time <= figures.share_completed + Decimal("0.01")


@given(
    recurrence=st.sampled_from(["monthly", "quarterly", "six_monthly", "yearly"]),
    start=dates,
    length=st.integers(0, 800),
    due_day=st.one_of(st.none(), st.integers(1, 31)),
)
def test_occurrences_cover_the_period_in_order(recurrence, start, length, due_day):
    end = start + datetime.timedelta(days=length)
    found = occurrences(recurrence, period_start=start, period_end=end, due_day=due_day)
    assert found[0].period_start <= start
    assert found[-1].period_start <= end
    assert len({o.label for o in found}) == len(found)
    for earlier, later in itertools.pairwise(found):
        assert earlier.deadline < later.period_start
    for o in found:
        assert o.period_start <= o.deadline


@given(deadline=dates, today=dates, every=st.integers(1, 30))
def test_reminder_keys_name_the_deadline_and_recur_every_k_days(deadline, today, every):
    policy = {"days_before": (7, 1), "on_due_day": True, "overdue_every": every}
    key = reminder_key_due(deadline=deadline, today=today, completed=False, **policy)
    late = (today - deadline).days
    if key is not None:
        assert key.endswith(f"@{deadline.isoformat()}")
        assert len(key) <= 60
    if late > 0:
        assert (key is not None) == (late % every == 0)


@pytest.mark.django_db
def test_status_in_sql_matches_status_in_python():
    import datetime

    from cchc.plans.models import Assignment
    from cchc.plans.tests.factories import make_task

    task = make_task(deadline=datetime.date(2024, 6, 30))
    today = datetime.date(2024, 7, 1)
    rows = list(Assignment.objects.filter(task=task).with_status(today))
    assert rows
    for row in rows:
        assert row.status == row.status_on(today) == Status.OVERDUE


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(Status))
def test_having_status_selects_exactly_the_rows_in_that_status(status):
    import datetime

    from cchc.plans.models import Assignment
    from cchc.plans.tests.factories import make_task

    today = datetime.date(2024, 7, 1)
    make_task(deadline=datetime.date(2024, 6, 30))
    make_task(deadline=datetime.date(2024, 7, 10))
    done_on_time = Assignment.objects.filter(deadline=datetime.date(2024, 7, 10)).get()
    done_on_time.completed_on = datetime.date(2024, 7, 1)
    done_on_time.save(update_fields=["completed_on"])
    late = make_task(deadline=datetime.date(2024, 5, 1)).assignments.get()
    late.completed_on = datetime.date(2024, 5, 2)
    late.save(update_fields=["completed_on"])
    cancelled = make_task(deadline=datetime.date(2024, 8, 1)).assignments.get()
    cancelled.cancelled_at, cancelled.cancel_reason = late.task.created_at, "Không còn phù hợp"
    cancelled.save(update_fields=["cancelled_at", "cancel_reason"])
    make_task(deadline=datetime.date(2024, 9, 1))
    rows = Assignment.objects.all()
    expected = {a.pk for a in rows if a.status_on(today) == status}
    assert expected  # every status is present in this data
    assert set(rows.having_status(status, today).values_list("pk", flat=True)) == expected
