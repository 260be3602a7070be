"""Navigation by role, for the base layout."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    access = user.access
    items = [(reverse("core:home"), _("My work"))]
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
    }
