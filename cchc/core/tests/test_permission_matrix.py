"""The permission matrix: every role by every page and API operation that exists.

`PAGES` and `API` name every URL pattern of cchc's apps and every operation of the
API; `test_matrix_covers_every_page_and_operation` fails when a new one is added
without its row here. Each row says what each role gets. `OK` means the request was
served (2xx, or a redirect that is not to the login page); a number is an exact status.
Each role's request runs inside a savepoint that is rolled back afterwards, so a
state-changing request by one role cannot influence another's result.
"""

from __future__ import annotations

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
from cchc.core.models import Attachment
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
        province, unit_a, unit_b, people, subject, subject.role_assignments.get(), token, attachment
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
    "units:unit-import": Row("GET", page("units:unit-import"), MANAGERS),
    "units:unit-attachment-add": Row(
        "POST",
        page("units:unit-attachment-add", unit_a_pk),
        MANAGERS,
        403,
        {"outsider": 404, "no_role": 404},
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
