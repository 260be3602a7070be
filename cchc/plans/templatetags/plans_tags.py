"""Presentation helpers for the plan pages: a status badge."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ..calculations import Status
from ..models import STATUS_LABELS

register = template.Library()

BADGE_CLASSES = {
    Status.ON_TIME: "ok",
    Status.LATE: "warn",
    Status.WITHIN_TERM: "term",
    Status.OVERDUE: "overdue",
    Status.CANCELLED: "ended",
}


@register.simple_tag
def status_badge(code: str) -> SafeString:
    """<span class="badge …">label</span> for a status code ("overdue")."""
    status = Status(str(code))
    return format_html(
        '<span class="badge {}" data-status="{}">{}</span>',
        BADGE_CLASSES[status],
        status.value,
        STATUS_LABELS[status],
    )
