"""Abuse control of the public survey forms, without personal data.

- Rate limit: each client may submit `SURVEY_RATE_LIMIT` ("<n>/<seconds>", default 20 per
  600 s) times per surveyed unit. The client is known only as a keyed hash of its address
  and the day (HMAC-SHA256 with the SECRET_KEY, truncated), counted in Django's cache with a
  time to live: no address is written anywhere, and the hash changes every day.
- Size limit: a submission larger than `SURVEY_MAX_BODY` bytes (default 32 KB) is refused
  before it is read.
- Honeypot: a field people do not see (`HONEYPOT_FIELD`); a client that fills it is told
  "thank you" and nothing is stored.

Refused and honeypot submissions are counted per campaign in the cache (`abuse_counts`), so
the secretariat's duplicates report can show them; counts live as long as `COUNTS_TTL`.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .models import Campaign, CampaignUnit

DEFAULT_RATE_LIMIT = "20/600"
DEFAULT_MAX_BODY = 32 * 1024
HONEYPOT_FIELD = "website"
COUNTS_TTL = 120 * 24 * 3600  # seconds: longer than any campaign
ABUSE_KINDS = ("honeypot", "rate_limited", "too_large")
_PREFIX = "surveys:abuse"


@dataclass(frozen=True)
class RateLimit:
    submissions: int  # 0 or less: no limit
    seconds: int


def rate_limit() -> RateLimit:
    """The configured limit, from `settings.SURVEY_RATE_LIMIT` ("<n>/<seconds>")."""
    raw = str(getattr(settings, "SURVEY_RATE_LIMIT", DEFAULT_RATE_LIMIT) or "0/1")
    try:
        submissions, seconds = (int(part) for part in raw.split("/"))
    except ValueError as error:
        raise ImproperlyConfigured(
            f"SURVEY_RATE_LIMIT must be '<submissions>/<seconds>', not {raw!r}."
        ) from error
    if seconds < 1:
        raise ImproperlyConfigured("SURVEY_RATE_LIMIT: the period must be at least 1 second.")
    return RateLimit(submissions, seconds)


def max_body() -> int:
    """The largest submission accepted, in bytes (`settings.SURVEY_MAX_BODY`)."""
    return int(getattr(settings, "SURVEY_MAX_BODY", DEFAULT_MAX_BODY))


def too_large(request: HttpRequest) -> bool:
    """Whether the request announces a body over the limit (checked before reading it)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > max_body()


def client_address(request: HttpRequest) -> str:
    """The client's address, behind `PROXY_COUNT` trusted proxies (as for login lockouts)."""
    proxies = int(getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def client_key(request: HttpRequest) -> str:
    """A keyed hash of the client's address and today's date: not reversible, daily new."""
    message = f"{client_address(request)}|{timezone.localdate().isoformat()}"
    digest = hmac.new(settings.SECRET_KEY.encode(), message.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def _incr(key: str, ttl: int) -> int:
    cache.add(key, 0, ttl)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, ttl)
        return 1


def throttled(request: HttpRequest, scope: str) -> int | None:
    """Count one submission of this client to `scope` (a campaign unit's code).

    Returns None when it is allowed, else the seconds until the client may submit again.
    """
    limit = rate_limit()
    if limit.submissions <= 0:
        return None
    now = int(time.time())
    window = now // limit.seconds
    key = f"{_PREFIX}:rate:{scope}:{window}:{client_key(request)}"
    if _incr(key, limit.seconds + 1) <= limit.submissions:
        return None
    return limit.seconds - now % limit.seconds


@dataclass(frozen=True)
class Refusal:
    status: int  # 413 or 429
    kind: str  # as counted in `abuse_counts`
    message: str
    retry_after: int | None = None  # seconds (429)


def refusal(request: HttpRequest, target: CampaignUnit) -> Refusal | None:
    """Why a limit refuses this submission (counted for the campaign), or None.

    413 for an oversized body (checked before it is read), 429 past the rate limit.
    """
    if too_large(request):
        note(target.campaign_id, "too_large")
        return Refusal(413, "too_large", _("The answers sent are too large."))
    wait = throttled(request, target.code)
    if wait is not None:
        note(target.campaign_id, "rate_limited")
        message = _("Too many answers were sent from this connection. Try again later.")
        return Refusal(429, "rate_limited", message, wait)
    return None


def is_bot(value: object) -> bool:
    """Whether the honeypot field was filled in (people never see it)."""
    return bool(str(value or "").strip())


def note(campaign_id: int, kind: str) -> None:
    """Count one refused or trapped submission for the campaign's abuse report."""
    _incr(f"{_PREFIX}:count:{campaign_id}:{kind}", COUNTS_TTL)


def abuse_counts(campaign: Campaign | int) -> dict[str, int]:
    """How many submissions to the campaign were trapped by the honeypot, rate limited or too
    large (as far as the cache remembers: counts are lost when the cache is cleared)."""
    campaign_id = campaign if isinstance(campaign, int) else campaign.pk
    keys = {f"{_PREFIX}:count:{campaign_id}:{kind}": kind for kind in ABUSE_KINDS}
    found = cache.get_many(list(keys))
    return {kind: int(found.get(key, 0)) for key, kind in keys.items()}
