"""The permission matrix: every role by every page and API operation that exists.

`PAGES` and `API` name every URL pattern of cchc's apps and every operation of the
API; `test_matrix_covers_every_page_and_operation` fails when a new one is added
without its row here. Each row says what each role gets. `OK` means the request was
served (2xx, or a redirect that is not to the login page); a number is an exact status.
Each role's request runs inside a savepoint that is rolled back afterwards, so a
state-changing request by one role cannot influence another's result.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

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
from config.api import api

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

PAGES: dict[str, Row] = {
    "core:home": Row("GET", page("core:home"), LOGGED_IN),
    "core:healthz": Row("GET", page("core:healthz"), LOGGED_IN, public=True),
    "core:attachment-download": Row(
        "GET", page("core:attachment-download", lambda w: w.attachment.pk), SEES_UNIT_A, 404
    ),
    "core:audit-search": Row("GET", page("core:audit-search"), MANAGERS, 404),
    "core:record-history": Row(
        "GET",
        lambda w: reverse("core:record-history", args=["units", "unit", w.unit_a.pk]),
        SEES_UNIT_A,
        404,
    ),
    "units:unit-list": Row("GET", page("units:unit-list"), LOGGED_IN),
    "units:unit-export": Row(
        "GET", lambda w: reverse("units:unit-export", args=["csv"]), LOGGED_IN
    ),
    "units:unit-detail": Row("GET", page("units:unit-detail", unit_a_pk), SEES_UNIT_A, 404),
    "units:unit-create": Row("GET", page("units:unit-create"), MANAGERS),
    "units:unit-edit": Row(
        "GET",
        page("units:unit-edit", unit_a_pk),
        MANAGERS,
        403,
        {"outsider": 404, "no_role": 404},
    ),
    "units:unit-merge": Row("GET", page("units:unit-merge"), MANAGERS),
    "units:unit-split": Row("GET", page("units:unit-split"), MANAGERS),
    "units:unit-import": Row("GET", page("units:unit-import"), MANAGERS),
    "units:unit-attachment-add": Row(
        "POST",
        page("units:unit-attachment-add", unit_a_pk),
        MANAGERS,
        403,
        {"outsider": 404, "no_role": 404},
    ),
    "core:notification-list": Row("GET", page("core:notification-list"), LOGGED_IN),
    "core:notification-bell": Row("GET", page("core:notification-bell"), LOGGED_IN),
    "core:notification-read": Row(
        "POST",
        page("core:notification-read", lambda w: w.plans.notification.pk),
        {"focal_point"},
        404,
    ),
    "plans:plan-list": Row("GET", page("plans:plan-list"), LOGGED_IN),
    "plans:plan-detail": Row("GET", page("plans:plan-detail", plan_pk), HAS_ROLE, 404),
    "plans:plan-create": Row("GET", page("plans:plan-create"), MANAGERS),
    "plans:plan-edit": Row(
        "GET", page("plans:plan-edit", plan_pk), MANAGERS, 403, {"no_role": 404}
    ),
    "plans:plan-document": Row(
        "POST", page("plans:plan-document", plan_pk), MANAGERS, 403, {"no_role": 404}
    ),
    "plans:area-create": Row(
        "GET", page("plans:area-create", plan_pk), MANAGERS, 403, {"no_role": 404}
    ),
    "plans:task-create": Row(
        "GET", page("plans:task-create", plan_pk), MANAGERS, 403, {"no_role": 404}
    ),
    "plans:annex-import": Row(
        "GET", page("plans:annex-import", plan_pk), MANAGERS, 403, {"no_role": 404}
    ),
    "plans:annex-preview": Row(
        "GET", page("plans:annex-preview", plan_pk), MANAGERS, 403, {"no_role": 404}
    ),
    "plans:annex-confirm": Row(
        "POST", page("plans:annex-confirm", plan_pk), MANAGERS, 403, {"no_role": 404}
    ),
    "plans:task-detail": Row("GET", page("plans:task-detail", task_pk), SEES_UNIT_A, 404),
    "plans:task-edit": Row("GET", page("plans:task-edit", task_pk), MANAGERS, 403, HIDDEN),
    "plans:task-cancel": Row("GET", page("plans:task-cancel", task_pk), MANAGERS, 403, HIDDEN),
    "plans:assignment-detail": Row(
        "GET", page("plans:assignment-detail", assignment_pk), SEES_UNIT_A, 404
    ),
    "plans:assignment-cancel": Row(
        "GET", page("plans:assignment-cancel", assignment_pk), MANAGERS, 403, HIDDEN
    ),
    "plans:report-create": Row(
        "GET", page("plans:report-create", assignment_pk), UNIT_A, 403, HIDDEN
    ),
    "plans:report-edit": Row(
        "GET", page("plans:report-edit", lambda w: w.plans.draft.pk), UNIT_A, 403, HIDDEN
    ),
    "plans:report-submit": Row(
        "POST",
        page("plans:report-submit", lambda w: w.plans.draft.pk),
        {"unit_leader"},
        403,
        HIDDEN,
    ),
    "plans:report-accept": Row(
        "POST", page("plans:report-accept", lambda w: w.plans.submitted.pk), MANAGERS, 403, HIDDEN
    ),
    "plans:report-return": Row(
        "GET", page("plans:report-return", lambda w: w.plans.submitted.pk), MANAGERS, 403, HIDDEN
    ),
    "plans:extension-request": Row(
        "GET", page("plans:extension-request", assignment_pk), UNIT_A, 403, HIDDEN
    ),
    "plans:extension-decide": Row(
        "GET",
        page("plans:extension-decide", lambda w: w.plans.extension.pk),
        MANAGERS,
        403,
        HIDDEN,
    ),
    "plans:obstacle-create": Row(
        "GET", page("plans:obstacle-create", assignment_pk), UNIT_A | MANAGERS, 403, HIDDEN
    ),
    "plans:obstacle-answer": Row(
        "GET",
        page("plans:obstacle-answer", lambda w: w.plans.obstacle.pk),
        UNIT_A | MANAGERS,
        403,
        HIDDEN,
    ),
    "plans:my-assignments": Row("GET", page("plans:my-assignments"), LOGGED_IN),
    "plans:board": Row("GET", page("plans:board"), LOGGED_IN),
    "plans:board-export": Row("GET", page("plans:board-export"), LOGGED_IN),
    "plans:board-annex": Row(
        "GET",
        lambda w: reverse("plans:board-annex") + f"?plan={w.plans.plan.pk}&year=2024&quarter=2",
        HAS_ROLE,
        404,
    ),
    "plans:overdue-board": Row("GET", page("plans:overdue-board"), LOGGED_IN),
    "plans:progress": Row("GET", page("plans:progress"), LOGGED_IN),
    "plans:calendar": Row("GET", page("plans:calendar"), LOGGED_IN),
    "plans:urging-list": Row("GET", page("plans:urging-list"), LOGGED_IN),
    "plans:urging-create": Row("GET", page("plans:urging-create"), MANAGERS),
    "plans:urging-detail": Row(
        "GET", page("plans:urging-detail", lambda w: w.plans.notice.pk), SEES_UNIT_A, 404
    ),
    "accounts:login": Row("GET", page("accounts:login"), LOGGED_IN, public=True),
    "accounts:logout": Row(
        "POST", page("accounts:logout"), LOGGED_IN, public=True, ok_status="login"
    ),
    "accounts:profile": Row("GET", page("accounts:profile"), LOGGED_IN),
    "accounts:password-change": Row("GET", page("accounts:password-change"), LOGGED_IN),
    "accounts:token-create": Row(
        "POST", page("accounts:token-create"), LOGGED_IN, data=lambda w: {"name": "máy chủ"}
    ),
    "accounts:token-revoke": Row(
        "POST",
        page("accounts:token-revoke", lambda w: w.subject_token.pk),
        MANAGERS | {"focal_point"},
        404,
    ),
    "accounts:user-list": Row("GET", page("accounts:user-list"), MANAGERS),
    "accounts:user-create": Row("GET", page("accounts:user-create"), MANAGERS),
    # The focal point is the subject: their own page sends them to their profile.
    "accounts:user-detail": Row(
        "GET", page("accounts:user-detail", subject_pk), MANAGERS | {"focal_point"}, 404
    ),
    "accounts:user-edit": Row("GET", page("accounts:user-edit", subject_pk), MANAGERS),
    "accounts:user-deactivate": Row("POST", page("accounts:user-deactivate", subject_pk), MANAGERS),
    "accounts:user-activate": Row("POST", page("accounts:user-activate", subject_pk), MANAGERS),
    "accounts:role-grant": Row(
        "POST",
        page("accounts:role-grant", subject_pk),
        MANAGERS,
        data=lambda w: {"role": "unit_leader", "unit": w.unit_a.pk, "valid_from": "01/01/2026"},
    ),
    "accounts:role-revoke": Row(
        "POST",
        page("accounts:role-revoke", lambda w: w.subject_role.pk),
        MANAGERS,
        data=lambda w: {"reason": "Chuyển công tác"},
    ),
    "accounts:lockouts": Row("GET", page("accounts:lockouts"), MANAGERS),
    "accounts:lockout-unlock": Row(
        "POST", page("accounts:lockout-unlock"), MANAGERS, data=lambda w: {"username": "x"}
    ),
}


def api_url(path: str) -> Callable[[World], str]:
    return lambda w: "/api" + path.format(w=w)


API: dict[str, Row] = {
    "me_read": Row("GET", api_url("/accounts/me"), LOGGED_IN),
    "user_list": Row("GET", api_url("/accounts/users"), MANAGERS),
    "user_read": Row(
        "GET", api_url("/accounts/users/{w.subject.pk}"), MANAGERS | {"focal_point"}, 404
    ),
    "role_grant": Row(
        "POST",
        api_url("/accounts/users/{w.subject.pk}/roles"),
        MANAGERS,
        404,
        {"focal_point": 403},  # sees themself, may not grant
        data=lambda w: {"role": "focal_point", "unit_id": w.unit_b.pk},
    ),
    "role_revoke": Row(
        "POST",
        api_url("/accounts/roles/{w.subject_role.pk}/revoke"),
        MANAGERS,
        404,
        {"focal_point": 403},  # sees their own role, may not revoke it
        data=lambda w: {"reason": "Nghỉ hưu"},
    ),
    "token_list": Row("GET", api_url("/accounts/tokens"), LOGGED_IN),
    "token_create": Row(
        "POST", api_url("/accounts/tokens"), LOGGED_IN, data=lambda w: {"name": "tích hợp"}
    ),
    "token_revoke": Row(
        "POST",
        api_url("/accounts/tokens/{w.subject_token.pk}/revoke"),
        MANAGERS | {"focal_point"},
        404,
    ),
    "unit_list": Row("GET", api_url("/units"), LOGGED_IN),
    "unit_tree": Row("GET", api_url("/units/tree"), LOGGED_IN),
    "unit_get": Row("GET", api_url("/units/{w.unit_a.pk}"), SEES_UNIT_A, 404),
    "unit_history": Row("GET", api_url("/units/{w.unit_a.pk}/history"), SEES_UNIT_A, 404),
    "unit_create": Row(
        "POST",
        api_url("/units"),
        MANAGERS,
        data=lambda w: {
            "code": "PNV-CD",
            "name": "Phòng Nội vụ",
            "kind": "department",
            "parent_id": w.province.pk,
        },
    ),
    "unit_update": Row(
        "PATCH",
        api_url("/units/{w.unit_a.pk}"),
        MANAGERS,
        403,
        {"outsider": 404, "no_role": 404},
        data=lambda w: {"short_name": "STP"},
    ),
}

API.update(
    {
        "plan_list": Row("GET", api_url("/plans"), LOGGED_IN),
        "plan_get": Row("GET", api_url("/plans/{w.plans.plan.pk}"), HAS_ROLE, 404),
        "plan_create": Row(
            "POST",
            api_url("/plans"),
            MANAGERS,
            data=lambda w: {
                "number": "02/KH-UBND",
                "title": "Kế hoạch CCHC năm 2025",
                "issuing_unit_id": w.province.pk,
                "signed_on": "2024-12-20",
                "period_start": "2025-01-01",
                "period_end": "2025-12-31",
            },
        ),
        "area_list": Row("GET", api_url("/plans/{w.plans.plan.pk}/areas"), HAS_ROLE, 404),
        "area_create": Row(
            "POST",
            api_url("/plans/{w.plans.plan.pk}/areas"),
            MANAGERS,
            403,
            {"no_role": 404},
            data=lambda w: {"code": "III", "name": "Cải cách TTHC", "position": 2},
        ),
        "task_list": Row("GET", api_url("/plans/tasks"), LOGGED_IN),
        "task_get": Row("GET", api_url("/plans/tasks/{w.plans.task.pk}"), SEES_UNIT_A, 404),
        "task_create": Row(
            "POST",
            api_url("/plans/{w.plans.plan.pk}/tasks"),
            MANAGERS,
            403,
            {"no_role": 404},
            data=lambda w: {
                "area_id": w.plans.task.area_id,
                "code": "9",
                "content": "Số hóa hồ sơ",
                "lead_unit_id": w.unit_b.pk,
                "deadline": "2024-09-30",
            },
        ),
        "task_cancel": Row(
            "POST",
            api_url("/plans/tasks/{w.plans.task.pk}/cancel"),
            MANAGERS,
            403,
            HIDDEN,
            data=lambda w: {"reason": "Trùng nhiệm vụ"},
        ),
        "assignment_list": Row("GET", api_url("/plans/assignments"), LOGGED_IN),
        "assignment_get": Row(
            "GET", api_url("/plans/assignments/{w.plans.assignment.pk}"), SEES_UNIT_A, 404
        ),
        "report_list": Row(
            "GET", api_url("/plans/assignments/{w.plans.assignment.pk}/reports"), SEES_UNIT_A, 404
        ),
        "report_create": Row(
            "POST",
            api_url("/plans/assignments/{w.plans.draft.assignment_id}/reports"),
            UNIT_A,
            403,
            HIDDEN,
            data=lambda w: {"percent": 30, "work_done": "Đã họp triển khai"},
        ),
        "report_submit": Row(
            "POST",
            api_url("/plans/reports/{w.plans.draft.pk}/submit"),
            {"unit_leader"},
            403,
            HIDDEN,
        ),
        "report_accept": Row(
            "POST", api_url("/plans/reports/{w.plans.submitted.pk}/accept"), MANAGERS, 403, HIDDEN
        ),
        "report_return": Row(
            "POST",
            api_url("/plans/reports/{w.plans.submitted.pk}/return"),
            MANAGERS,
            403,
            HIDDEN,
            data=lambda w: {"comment": "Bổ sung minh chứng"},
        ),
        "extension_create": Row(
            "POST",
            api_url("/plans/assignments/{w.plans.draft.assignment_id}/extensions"),
            UNIT_A,
            403,
            HIDDEN,
            data=lambda w: {"requested_deadline": "2099-03-31", "reason": "Chờ hướng dẫn"},
        ),
        "extension_decide": Row(
            "POST",
            api_url("/plans/extensions/{w.plans.extension.pk}/decide"),
            MANAGERS,
            403,
            HIDDEN,
            data=lambda w: {"approve": False, "note": "Không đủ căn cứ"},
        ),
        "obstacle_create": Row(
            "POST",
            api_url("/plans/assignments/{w.plans.assignment.pk}/obstacles"),
            UNIT_A | MANAGERS,
            403,
            HIDDEN,
            data=lambda w: {
                "kind": "recommendation",
                "text": "Đề nghị tập huấn",
                "answer_unit_id": w.province.pk,
                "answer_due": "2099-01-31",
            },
        ),
        "obstacle_answer": Row(
            "POST",
            api_url("/plans/obstacles/{w.plans.obstacle.pk}/answer"),
            UNIT_A | MANAGERS,
            403,
            HIDDEN,
            data=lambda w: {"answer": "Đã bố trí kinh phí"},
        ),
        "urging_list": Row("GET", api_url("/plans/urging"), LOGGED_IN),
        "urging_get": Row("GET", api_url("/plans/urging/{w.plans.notice.pk}"), SEES_UNIT_A, 404),
        "urging_create": Row(
            "POST",
            api_url("/plans/urging"),
            MANAGERS,
            data=lambda w: {
                "assignment_ids": [w.plans.assignment.pk],
                "subject": "Đôn đốc lần 2",
                "body": "Đề nghị khẩn trương",
                "signer_name": "Nguyễn Văn B",
                "signer_position": "Phó Giám đốc",
            },
        ),
    }
)

# Framework pages that are not cchc's own: the admin, language switch, API docs.
FOREIGN_NAMESPACES = {"admin", "api-1.0.0"}
FOREIGN_NAMES = {"set_language"}


def _names(patterns: list, namespace: str = "") -> set[str]:
    found: set[str] = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}:{p.namespace}" if namespace and p.namespace else p.namespace
            if p.namespace in FOREIGN_NAMESPACES:
                continue
            found |= _names(p.url_patterns, inner or namespace)
        elif isinstance(p, URLPattern) and p.name and p.name not in FOREIGN_NAMES:
            found.add(f"{namespace}:{p.name}" if namespace else p.name)
    return found


def test_matrix_covers_every_page_and_operation():
    operations = {
        op["operationId"]
        for methods in api.get_openapi_schema()["paths"].values()
        for op in methods.values()
    }
    assert _names(get_resolver().url_patterns) == set(PAGES)
    assert operations == set(API)


def _request(client, row: Row, world: World, *, json_body: bool) -> Any:
    url = row.url(world)
    data = row.data(world) if row.data else {}
    method = getattr(client, row.method.lower())
    if row.method == "GET":
        return method(url)
    if json_body:
        return method(url, data=json.dumps(data), content_type="application/json")
    return method(url, data=data)


def _outcome(response: Any, expected: str | int, *, api_call: bool) -> bool:
    status = response.status_code
    location = response.get("Location", "")
    to_login = status == 302 and location.startswith(reverse("accounts:login"))
    if expected == "login":
        return status == 401 if api_call else to_login
    if expected == OK:
        return 200 <= status < 400 and not to_login
    return status == expected


def _mismatches(row: Row, world: World, *, api_call: bool) -> list[tuple[str, Any, int]]:
    wrong = []
    for role in ROLES:
        savepoint = transaction.savepoint()
        client = Client()
        if role != ANON:
            client.force_login(world.people[role])
        response = _request(client, row, world, json_body=api_call)
        expected = row.expected(role)
        if not _outcome(response, expected, api_call=api_call):
            wrong.append((role, expected, response.status_code))
        transaction.savepoint_rollback(savepoint)
    return wrong


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page(world, name):
    assert _mismatches(PAGES[name], world, api_call=False) == []


@pytest.mark.parametrize("name", sorted(API))
def test_api_operation(world, name):
    assert _mismatches(API[name], world, api_call=True) == []
