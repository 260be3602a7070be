from __future__ import annotations

import datetime
import math

from django import template

register = template.Library()


@register.filter
def minutes(value: datetime.timedelta | None) -> int | str:
    """Whole minutes in a time span, rounded up: timedelta(minutes=15) -> 15."""
    if not isinstance(value, datetime.timedelta):
        return ""
    return max(1, math.ceil(value.total_seconds() / 60))
