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
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from config.api import api

from .matrix_rows import API, PAGES
from .matrix_world import ANON, OK, ROLES, Row, World

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
