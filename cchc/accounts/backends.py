"""Log in with a username or an e-mail address."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if not username or password is None:
            return None
        users = get_user_model()._default_manager
        login = username.strip()
        user = users.filter(Q(username__iexact=login) | Q(email__iexact=login)).first()
        if user is None:
            users.model().set_password(password)  # same cost as a real check (timing)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        """Holders of the administrator role have every model permission (the admin site)."""
        if user_obj.is_active and user_obj.is_authenticated and user_obj.access.is_admin:
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        if user_obj.is_active and user_obj.is_authenticated and user_obj.access.is_admin:
            return True
        return super().has_module_perms(user_obj, app_label)
