"""People, the roles they hold in units, and their personal API tokens."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cchc.core.text import fold

from .access import Access
from .roles import Role


class UserQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> UserQuerySet:
        """Managers see everyone; anyone else sees only themselves."""
        if user.is_authenticated and user.access.can_manage_users:
            return self
        if user.is_authenticated:
            return self.filter(pk=user.pk)
        return self.none()

    def search(self, text: str) -> UserQuerySet:
        key = fold(text)
        if not key:
            return self
        return self.filter(
            Q(search_text__contains=key) | Q(username__icontains=text) | Q(email__icontains=text)
        )


class CchcUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    position = models.CharField(_("position"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    search_text = models.CharField(max_length=400, editable=False, blank=True, db_index=True)

    objects = CchcUserManager()
    history = HistoricalRecords(excluded_fields=["last_login", "search_text"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="user_email_unique_ci"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args: object, **kwargs: object) -> None:
        # search_text is derived from the names; keep it consistent on every write.
        self.search_text = fold(f"{self.full_name} {self.username} {self.email}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("accounts:user-detail", args=[self.pk])

    @cached_property
    def access(self) -> Access:
        return Access.for_user(self)

    def can_view(self, user: User) -> bool:
        return User.objects.visible_to(user).filter(pk=self.pk).exists()

    def can_edit(self, user: User) -> bool:
        if not user.access.can_manage_users:
            return False
        # Only administrators change administrator accounts.
        return user.access.is_admin or not (self.is_superuser or self.access.is_admin)


class RoleAssignmentQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date) -> RoleAssignmentQuerySet:
        return self.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
            valid_from__lte=day,
            revoked_at__isnull=True,
        ).select_related("unit")

    def visible_to(self, user: User) -> RoleAssignmentQuerySet:
        if user.is_authenticated and user.access.can_manage_users:
            return self
        if user.is_authenticated:
            return self.filter(user=user)
        return self.none()


class RoleAssignment(models.Model):
    """A role held by a person in a unit (optionally its whole subtree) between two dates."""

    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.PROTECT, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role)
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="roles"
    )
    includes_subtree = models.BooleanField(_("covers the units below"), default=False)
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.CharField(_("reason"), max_length=255, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["user__username", "role", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="role_valid_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"

    def is_active_on(self, day: datetime.date) -> bool:
        return (
            self.revoked_at is None
            and self.valid_from <= day
            and (self.valid_to is None or self.valid_to >= day)
        )

    @property
    def is_active(self) -> bool:
        return self.is_active_on(timezone.localdate())

    def revoke(self, *, by: User, reason: str = "") -> None:
        if self.revoked_at is not None:
            raise ValueError("already revoked")
        self.revoked_at, self.revoked_by, self.revoke_reason = timezone.now(), by, reason
        self.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the raw value is shown once."""

    PREFIX = "cchc_"

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=16)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def new_raw_value(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (
            self.expires_at is None or self.expires_at > timezone.now()
        )

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
