"""What the surveys pages share."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from ..models import Campaign


def visible_campaign(request: HttpRequest, pk: int) -> Campaign:
    """The campaign if this person may see it (404 otherwise), with its questionnaire."""
    found = Campaign.objects.visible_to(request.user).select_related("version__questionnaire")
    return get_object_or_404(found, pk=pk)
