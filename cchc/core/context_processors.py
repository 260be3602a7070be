"""Navigation by role, for the base layout."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Notification


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    access = user.access
    items = [(reverse("core:home"), _("My work"))]
    items += _plan_items(access)
    if access.roles:
        items.append((reverse("scoring:round_list"), _("PAR Index")))
        items.append((reverse("surveys:campaign_list"), _("Surveys")))
    if access.sees_all_units:
        items.append((reverse("units:unit-list"), _("Units")))
    elif access.own_unit_ids:
        items.append((reverse("units:unit-list"), _("My unit")))
    if access.can_manage_users:
        items.append((reverse("accounts:user-list"), _("People and roles")))
    if access.can_read_audit_trail:
        items.append((reverse("core:audit-search"), _("Audit trail")))
    items.append((reverse("api-1.0.0:openapi-view"), _("API")))
    path = request.path
    return {
        "nav_items": [
            {
                "url": url,
                "label": label,
                "current": path == url or (url != "/" and path.startswith(url)),
            }
            for url, label in items
        ],
        "user_roles": sorted({a.get_role_display() for a in access.assignments}),
        # Called only when a template shows it (the bell in the header): one COUNT query.
        "bell_unread": lambda: Notification.objects.visible_to(user).unread().count(),
    }


def _plan_items(access: Any) -> list[tuple[str, str]]:
    """Plans: everyone with a role reads them; units get their assignments; boards for all."""
    if not access.roles:
        return []
    items = []
    if access.own_unit_ids:
        items.append((reverse("plans:my-assignments"), _("My assignments")))
    items.append((reverse("plans:plan-list"), _("Plans")))
    items.append((reverse("plans:board"), _("Task board")))
    items.append((reverse("plans:overdue-board"), _("Overdue")))
    items.append((reverse("plans:progress"), _("Progress")))
    return items
