from __future__ import annotations

import itertools
from typing import Any

from cchc.accounts.models import RoleAssignment, User
from cchc.units.models import Unit

_seq = itertools.count(1)
PASSWORD = "Mật-khẩu-thử-2026!"


def make_user(
    username: str | None = None,
    *,
    roles: list[tuple[str, Unit]] | None = None,
    subtree: bool = False,
    **fields: Any,
) -> User:
    n = next(_seq)
    username = username or f"user{n}"
    user = User.objects.create_user(
        username=username,
        email=fields.pop("email", f"{username}@example.gov.vn"),
        password=fields.pop("password", PASSWORD),
        full_name=fields.pop("full_name", f"Người dùng {n}"),
        **fields,
    )
    for role, unit in roles or []:
        RoleAssignment.objects.create(user=user, role=role, unit=unit, includes_subtree=subtree)
    return user
