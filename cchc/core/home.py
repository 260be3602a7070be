"""What each person has to do, for the home page.

Each section is a small query; later apps (plans, scoring, surveys) add their own.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from cchc.accounts.models import User


@dataclass
class TodoItem:
    text: str
    url: str = ""
    count: int | None = None


@dataclass
class Todo:
    items: list[TodoItem] = field(default_factory=list)
    units: list = field(default_factory=list)


def _manager_items(today: datetime.date) -> list[TodoItem]:
    from axes.models import AccessAttempt
    from django.conf import settings

    from cchc.accounts.models import RoleAssignment
    from cchc.accounts.roles import Role
    from cchc.units.models import Unit

    items: list[TodoItem] = []
    staffed = RoleAssignment.objects.active_on(today).filter(role=Role.FOCAL_POINT)
    without = (
        Unit.objects.current_on(today)
        .exclude(kind=Unit.Kind.PROVINCE)
        .exclude(pk__in=staffed.values("unit_id"))
        .count()
    )
    if without:
        items.append(
            TodoItem(
                _("Current units without a PAR focal point"),
                reverse("units:unit-list") + "?without_focal_point=1",
                without,
            )
        )
    ending = RoleAssignment.objects.active_on(today).filter(
        valid_to__lte=today + datetime.timedelta(days=30)
    )
    if count := ending.count():
        items.append(
            TodoItem(
                _("Role assignments ending within 30 days"),
                reverse("accounts:user-list") + "?ending=1",
                count,
            )
        )
    locked = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    if count := locked.count():
        items.append(
            TodoItem(_("Accounts locked after failed logins"), reverse("accounts:lockouts"), count)
        )
    return items


def _plan_items(user: User, today: datetime.date) -> list[TodoItem]:
    """Assignments due soon, reports to review, extensions to decide, obstacles to answer."""
    from cchc.plans.queries import work_counts

    counts = work_counts(user, today)
    mine = reverse("plans:my-assignments")
    candidates = [
        (counts.due_soon, _("Your units' assignments due within 14 days"), mine),
        (counts.to_review, _("Progress reports waiting for review"), mine),
        (counts.extensions, _("Extension requests to decide"), mine),
        (counts.obstacles, _("Obstacles and recommendations you must answer"), mine),
    ]
    return [TodoItem(text, url, n) for n, text, url in candidates if n]


def _module_items(user: User) -> list[TodoItem]:
    """The PAR Index's and the surveys' items, each given as (count, text, url)."""
    from cchc.scoring.todo import scoring_items
    from cchc.surveys.todo import survey_items

    found = [*scoring_items(user), *survey_items(user)]
    return [TodoItem(text, url, n) for n, text, url in found]


def todo_for(user: User) -> Todo:
    today = timezone.localdate()
    access = user.access
    todo = Todo()
    if access.can_manage_users:
        todo.items.extend(_manager_items(today))
    if access.roles:
        todo.items.extend(_plan_items(user, today))
        todo.items.extend(_module_items(user))
    if access.own_unit_ids:
        from cchc.units.models import Unit

        todo.units = list(Unit.objects.filter(pk__in=access.own_unit_ids).order_by("name")[:50])
    return todo
