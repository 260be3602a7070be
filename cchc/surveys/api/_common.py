"""The surveys Router, shared by the endpoint modules, and the campaign lookup they share."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from ..models import Campaign

router = Router(tags=["surveys"])


def get_campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    """A campaign the caller may see (404 otherwise), with its questionnaire version."""
    found = Campaign.objects.visible_to(request.user).select_related("version")
    return get_object_or_404(found, pk=campaign_id)
