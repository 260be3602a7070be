"""What every entry page needs: the campaign (404 when not visible) and who may do what."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from cchc.accounts.access import require

from ...models import Campaign
from ...services.entry import may_enter_any


def require_entry(request: HttpRequest, campaign: Campaign) -> None:
    """Typing, importing and reading raw responses: the secretariat, or a surveyed unit's own
    focal point / head (for their unit). Others get 403."""
    require(may_enter_any(campaign, request.user))


def bound(request: HttpRequest) -> tuple[Any, Any]:
    """The bound data of a POST (an upload alone leaves request.POST empty), else None."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def page_context(request: HttpRequest, campaign: Campaign, **extra: Any) -> dict[str, Any]:
    """The campaign and whether the person manages it (the nav shows the duplicates report)."""
    return {"campaign": campaign, "can_manage": Campaign.can_manage(request.user), **extra}
