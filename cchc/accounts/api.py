from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router
from ninja.security import HttpBearer

from .models import ApiToken, hash_token

router = Router(tags=["accounts"])


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cchc_…` with a personal token; only its hash is stored."""

    def authenticate(self, request: HttpRequest, token: str):  # type: ignore[override]
        if not token.startswith(ApiToken.PREFIX):
            return None
        found = (
            ApiToken.objects.usable()
            .select_related("user")
            .filter(token_hash=hash_token(token), user__is_active=True)
            .first()
        )
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user
