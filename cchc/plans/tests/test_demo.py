"""The demo plans: loaded on top of the reference units and demo people, idempotently."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Model

from cchc.accounts.models import User
from cchc.core.models import Notification
from cchc.plans.calculations import Status
from cchc.plans.demo import PLAN_2024_NUMBER, unit_key
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

COUNTED: list[type[Model]] = [
    Plan,
    ReformArea,
    Task,
    Assignment,
    ProgressReport,
    ExtensionRequest,
    Obstacle,
    UrgingNotice,
    Notification,
    User,
]


def load() -> str:
    out = io.StringIO()
    call_command("load_demo_plans", force=True, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo_people(db) -> None:
    call_command("load_reference_data", stdout=io.StringIO())
    call_command("load_demo_data", force=True, stdout=io.StringIO())


def snapshot() -> dict[str, object]:
    counts: dict[str, object] = {m.__name__: m.objects.count() for m in COUNTED}
    counts["history"] = sum(m.history.count() for m in (Plan, Task, Assignment, ProgressReport))
    counts["assignments"] = list(
        Assignment.objects.order_by("pk").values_list(
            "pk", "deadline", "completed_on", "progress_percent"
        )
    )
    return counts


def current_plan() -> Plan:
    return Plan.objects.filter(is_demo=True).order_by("-period_start").first()  # type: ignore[return-value]


def test_second_run_creates_nothing(demo_people):
    output = load()
    assert "3 created, 0 already there" in output
    before = snapshot()

    output = load()

    assert "0 created, 3 already there" in output
    assert snapshot() == before


def test_plans_tasks_and_statuses(demo_people):
    load()

    plan_664 = Plan.objects.get(number="664/KH-UBND")
    assert plan_664.areas.count() == 7
    plan_2024 = Plan.objects.get(number=PLAN_2024_NUMBER)
    assert plan_2024.parent == plan_664
    assert plan_2024.areas.count() == 7
    assert plan_2024.tasks.count() == 75
    assert Counter(plan_2024.tasks.values_list("is_real", flat=True)) == {True: 15, False: 60}
    assert not plan_2024.tasks.filter(source="").exists()
    everyone = plan_2024.tasks.get(code="T003")
    assert (everyone.scope, everyone.lead_unit.code) == (
        Task.Scope.ALL_DEPARTMENTS_AND_LOCAL,
        "SNV",
    )
    assert everyone.assignments.count() == 31  # 20 departments and 11 districts in 2024
    assert plan_2024.tasks.get(code="T021").lead_unit.code == "STP"
    monthly = plan_2024.tasks.get(code="T034")
    assert (monthly.deadline_kind, monthly.assignments.filter(role="lead").count()) == (
        Task.DeadlineKind.RECURRING,
        12,
    )
    # The year is finished: everything completed, most of it on time.
    statuses = Counter(
        Assignment.objects.filter(task__plan=plan_2024)
        .with_status()
        .values_list("status", flat=True)
    )
    assert set(statuses) == {Status.ON_TIME, Status.LATE}
    assert statuses[Status.ON_TIME] > 10 * statuses[Status.LATE]

    plan = current_plan()
    assert plan.parent in (plan_664, None)
    current = Assignment.objects.filter(task__plan=plan)
    assert set(current.with_status().values_list("status", flat=True)) == set(Status)
    focal_point = User.objects.get(username="focal_point")
    own = Assignment.objects.visible_to(focal_point).filter(task__plan=plan)
    assert set(own.with_status().values_list("status", flat=True)) == set(Status)

    reports = ProgressReport.objects.filter(assignment__task__plan=plan)
    assert reports.filter(status=ProgressReport.Status.SUBMITTED).exists()
    assert reports.filter(status=ProgressReport.Status.DRAFT).exists()
    extensions = ExtensionRequest.objects.filter(assignment__task__plan=plan)
    assert sorted(extensions.values_list("status", flat=True)) == ["approved", "pending"]
    assert Obstacle.objects.filter(assignment__task__plan=plan).unanswered().count() == 1
    notice = UrgingNotice.objects.get()
    assert notice.assignments.values("unit").distinct().count() == 2
    assert all(a.status == Status.OVERDUE for a in notice.assignments.all())
    assert Notification.objects.filter(recipient=focal_point, verb="urging.issued").exists()


def test_refuses_without_debug_unless_forced(demo_people):
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo_plans", stdout=io.StringIO())
    assert not Plan.objects.exists()


def test_needs_the_demo_people(db):
    call_command("load_reference_data", stdout=io.StringIO())
    with pytest.raises(CommandError, match="load_demo_data"):
        load()
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    ("written", "official"),
    [
        ("Văn phòng UBND tỉnh", "Văn phòng Ủy ban nhân dân tỉnh An Giang"),
        ("Sở Nội vụ", "Sở Nội vụ tỉnh An Giang"),
        ("UBND thành phố Long Xuyên", "Thành phố Long Xuyên"),
        ("Thanh tra tỉnh", "Thanh tra tỉnh An Giang"),
        ("sở tư phap", "Sở Tư pháp tỉnh An Giang"),
    ],
)
def test_unit_names_as_annexes_write_them(written, official):
    assert unit_key(written) == unit_key(official)
