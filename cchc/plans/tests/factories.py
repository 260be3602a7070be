"""Small helpers that build plans and tasks through the real services (STYLE.md §6.12)."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from cchc.accounts.models import User
from cchc.accounts.roles import Role
from cchc.accounts.tests.factories import make_user
from cchc.units.models import Unit
from cchc.units.tests.factories import make_unit

from .. import services
from ..models import Plan, ReformArea, Task

_seq = itertools.count(1)


def _province() -> Unit:
    province = Unit.objects.filter(kind=Unit.Kind.PROVINCE).order_by("pk").first()
    return province or make_unit("Tỉnh thử", kind=Unit.Kind.PROVINCE)


def plan_manager() -> User:
    """An administrator (a manager who is not the secretariat, so gets no secretariat mail)."""
    user = User.objects.filter(username="plans-admin").first()
    return user or make_user("plans-admin", roles=[(Role.ADMIN, _province())])


def make_plan(*, by: User | None = None, **fields: Any) -> Plan:
    n = next(_seq)
    fields.setdefault("number", f"{n}/KH-UBND")
    fields.setdefault("title", f"Kế hoạch CCHC thử {n}")
    fields.setdefault("issuing_unit", _province())
    fields.setdefault("signed_on", datetime.date(2023, 12, 20))
    fields.setdefault("period_start", datetime.date(2024, 1, 1))
    fields.setdefault("period_end", datetime.date(2024, 12, 31))
    return services.create_plan(by=by or plan_manager(), **fields)


def make_area(plan: Plan, *, code: str = "II", by: User | None = None) -> ReformArea:
    existing = plan.areas.filter(code=code).first()
    if existing:
        return existing
    return services.create_area(
        plan, code=code, name=f"Lĩnh vực {code}", position=1, by=by or plan_manager()
    )


def make_task(
    *,
    plan: Plan | None = None,
    unit: Unit | None = None,
    deadline: datetime.date | None = None,
    by: User | None = None,
    **fields: Any,
) -> Task:
    """A task led by `unit` (fanned out to it), due on `deadline` (default 30/06/2024)."""
    plan = plan or make_plan(by=by)
    fields.setdefault("area", make_area(plan, by=by))
    fields.setdefault("code", str(next(_seq)))
    fields.setdefault("content", "Rà soát, đơn giản hóa thủ tục hành chính")
    fields.setdefault("deadline_kind", Task.DeadlineKind.DATE)
    if fields["deadline_kind"] == Task.DeadlineKind.DATE:
        fields.setdefault("deadline", deadline or datetime.date(2024, 6, 30))
    lead = unit or fields.pop("lead_unit", None) or make_unit()
    return services.create_task(plan, lead_unit=lead, by=by or plan_manager(), **fields)
