"""Formatting filters for the audit trail pages (presentation only, no decisions)."""

from __future__ import annotations

from django import template

from cchc.core import audit
from cchc.core.models import AuditEvent

register = template.Library()


@register.filter
def change_rows(event: AuditEvent) -> list[audit.ChangeRow]:
    """`{% for row in event|change_rows %}`: the changed fields with labels, before and after."""
    return audit.change_rows(event)
