"""Read models for the account pages that span other apps (django-axes)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone


@dataclass(frozen=True)
class Lockout:
    username: str
    ip_address: str | None
    failures: int
    last_attempt: datetime.datetime
    locked_until: datetime.datetime | None


def current_lockouts() -> list[Lockout]:
    """Logins locked after too many failures whose cool-off has not yet passed."""
    attempts = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).order_by("-attempt_time")
    cool_off = get_cool_off()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gt=timezone.now() - cool_off)
    return [
        Lockout(
            username=a.username or "",
            ip_address=a.ip_address,
            failures=a.failures_since_start,
            last_attempt=a.attempt_time,
            locked_until=a.attempt_time + cool_off if cool_off is not None else None,
        )
        for a in attempts[:500]
    ]
