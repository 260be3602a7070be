"""The permission matrix's cast and vocabulary: roles, the world each row runs in, `Row`.

Used by `matrix_rows.py` (the table) and `test_permission_matrix.py` (the runner).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from cchc.accounts.models import ApiToken, RoleAssignment, User
from cchc.accounts.roles import Role
from cchc.accounts.tests.factories import make_user
from cchc.core.models import Attachment, Notification
from cchc.plans import services as plan_services
from cchc.plans.models import (
    Assignment,
    ExtensionRequest,
    Obstacle,
    Plan,
    ProgressReport,
    Task,
    UrgingNotice,
)
from cchc.units.models import Unit
from cchc.units.tests.factories import make_unit

OK = "ok"
ANON = "anonymous"
ROLES = [
    ANON,
    "admin",
    "secretariat",
    "focal_point",
    "unit_leader",
    "appraiser",
    "council_member",
    "leader",
    "outsider",
    "no_role",
]
MANAGERS = {"admin", "secretariat"}
PROVINCE_WIDE = MANAGERS | {"appraiser", "council_member", "leader"}
SEES_UNIT_A = PROVINCE_WIDE | {"focal_point", "unit_leader"}
LOGGED_IN = set(ROLES) - {ANON}
HAS_ROLE = LOGGED_IN - {"no_role"}
UNIT_A = {"focal_point", "unit_leader"}
# Roles that see unit A's assignments but may not act: 403; the others do not see them: 404.
HIDDEN = {"outsider": 404, "no_role": 404}


@dataclass
class PlanWorld:
    """Unit A's overdue assignment with a submitted report, a pending extension, an
    obstacle for unit A to answer and an urging notice; a second one with a draft report."""

    plan: Plan
    task: Task
    assignment: Assignment
    submitted: ProgressReport
    draft: ProgressReport
    extension: ExtensionRequest
    obstacle: Obstacle
    notice: UrgingNotice
    notification: Notification


def _plan_world(province: Unit, unit_a: Unit, people: dict[str, User]) -> PlanWorld:
    s, admin = plan_services, people["admin"]
    focal, head = people["focal_point"], people["unit_leader"]
    plan = s.create_plan(
        number="01/KH-UBND",
        title="Kế hoạch CCHC năm 2024",
        issuing_unit=province,
        signed_on=datetime.date(2023, 12, 20),
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 12, 31),
        progress_rule=Plan.ProgressRule.REPORTED,
        by=admin,
    )
    area = s.create_area(plan, code="II", name="Cải cách thể chế", position=1, by=admin)
    tasks = [
        s.create_task(
            plan, area=area, code=code, content="Rà soát văn bản quy phạm pháp luật",
            lead_unit=unit_a, scope=Task.Scope.LEAD, deadline_kind=Task.DeadlineKind.DATE,
            deadline=datetime.date(2024, 6, 30), priority=Task.Priority.NORMAL, weight=1,
            by=admin,
        )
        for code in ("1", "2")
    ]  # fmt: skip
    first, second = (t.assignments.get() for t in tasks)
    submitted = s.save_progress_report(first, percent=50, work_done="Đã rà soát", by=focal)
    s.submit_progress_report(submitted, by=head)
    draft = s.save_progress_report(second, percent=10, work_done="Bắt đầu", by=focal)
    extension = s.request_extension(
        first, requested_deadline=datetime.date(2099, 1, 31), reason="Chờ ý kiến", by=focal
    )
    obstacle = s.raise_obstacle(
        first, kind=Obstacle.Kind.OBSTACLE, text="Thiếu kinh phí", answer_unit=unit_a,
        answer_due=datetime.date(2099, 1, 31), by=people["secretariat"],
    )  # fmt: skip
    notice = s.issue_urging_notice(
        [first], subject="Đôn đốc", body="Đề nghị hoàn thành", signer_name="Nguyễn Văn A",
        signer_position="Giám đốc", by=admin,
    )  # fmt: skip
    notification = Notification.objects.create(recipient=focal, verb="x", text="Đôn đốc")
    return PlanWorld(
        plan, tasks[0], first, submitted, draft, extension, obstacle, notice, notification
    )


@dataclass
class World:
    province: Unit
    unit_a: Unit
    unit_b: Unit
    people: dict[str, User]
    subject: User  # a person managers act on: the focal point of unit_a
    subject_role: RoleAssignment
    subject_token: ApiToken
    attachment: Attachment
    plans: PlanWorld


@pytest.fixture
def world(db) -> World:
    province = make_unit("Tỉnh An Giang", kind=Unit.Kind.PROVINCE, code="AG")
    unit_a = make_unit("Sở Tư pháp", parent=province, code="STP")
    unit_b = make_unit("Sở Y tế", parent=province, code="SYT")
    roles = {
        "admin": (Role.ADMIN, province),
        "secretariat": (Role.SECRETARIAT, province),
        "focal_point": (Role.FOCAL_POINT, unit_a),
        "unit_leader": (Role.UNIT_LEADER, unit_a),
        "appraiser": (Role.APPRAISER, unit_a),
        "council_member": (Role.COUNCIL_MEMBER, province),
        "leader": (Role.LEADER, province),
        "outsider": (Role.FOCAL_POINT, unit_b),
    }
    people = {name: make_user(name, roles=[held]) for name, held in roles.items()}
    people["no_role"] = make_user("no_role")
    subject = people["focal_point"]
    token = ApiToken.objects.create(user=subject, name="t", token_hash="0" * 64, hint="cchc_x")
    attachment = Attachment(
        owner=unit_a,
        original_name="quyet-dinh.pdf",
        content_type="application/pdf",
        size=8,
        sha256="0" * 64,
        uploaded_by=people["secretariat"],
    )
    attachment.file.save("quyet-dinh.pdf", ContentFile(b"%PDF-1.4"), save=False)
    attachment.save()
    return World(
        province,
        unit_a,
        unit_b,
        people,
        subject,
        subject.role_assignments.get(),
        token,
        attachment,
        _plan_world(province, unit_a, people),
    )


@dataclass
class Row:
    method: str
    url: Callable[[World], str]
    ok_for: set[str]
    denied: int = 403  # what a logged-in role outside ok_for gets
    denied_overrides: dict[str, int] = field(default_factory=dict)
    data: Callable[[World], dict[str, Any]] | None = None
    public: bool = False  # anonymous is served too
    ok_status: int | str = OK  # what a role in ok_for gets, when it must be exact

    def expected(self, role: str) -> str | int:
        if role == ANON:
            return self.ok_status if self.public else "login"
        if role in self.ok_for:
            return self.ok_status
        return self.denied_overrides.get(role, self.denied)


def page(name: str, *args: Callable[[World], Any]) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[a(w) for a in args])


unit_a_pk = lambda w: w.unit_a.pk  # noqa: E731
plan_pk = lambda w: w.plans.plan.pk  # noqa: E731
task_pk = lambda w: w.plans.task.pk  # noqa: E731
assignment_pk = lambda w: w.plans.assignment.pk  # noqa: E731
subject_pk = lambda w: w.subject.pk  # noqa: E731
