"""People, the roles they hold in units, and their personal API tokens."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cchc.core.text import fold, search_q

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
        words = search_q("search_text", text)
        if words is None:
            return self
        text = text.strip()
        return self.filter(words | Q(username__icontains=text) | Q(email__icontains=text))

    def holding(
        self, *, role: str = "", unit: models.Model | None = None, on: datetime.date | None = None
    ) -> UserQuerySet:
        """People holding `role` (in `unit`, when given) on the day `on` (default today)."""
        held = RoleAssignment.objects.active_on(on or timezone.localdate())
        if role:
            held = held.filter(role=role)
        if unit is not None:
            held = held.filter(unit=unit)
        return self.filter(pk__in=held.values("user_id"))

    def with_roles_ending(self, *, days: int = 30) -> UserQuerySet:
        """People with an active role assignment that ends within `days` days."""
        ending = RoleAssignment.objects.ending_within(days=days)
        return self.filter(pk__in=ending.values("user_id"))

    def with_active_roles(self) -> UserQuerySet:
        """Prefetch today's role assignments into `user.active_roles`."""
        today = timezone.localdate()
        return self.prefetch_related(
            Prefetch(
                "role_assignments",
                queryset=RoleAssignment.objects.active_on(today).order_by("role", "unit__name"),
                to_attr="active_roles",
            )
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

    def clean(self) -> None:
        super().clean()
        # Logging in accepts a username or an e-mail address, case-insensitively,
        # so neither may collide with another person's username or e-mail.
        others = User.objects.exclude(pk=self.pk)
        errors: dict[str, str] = {}
        if (
            self.username
            and others.filter(
                Q(username__iexact=self.username) | Q(email__iexact=self.username)
            ).exists()
        ):
            errors["username"] = _("Another person already uses this username or e-mail.")
        if (
            self.email
            and others.filter(Q(email__iexact=self.email) | Q(username__iexact=self.email)).exists()
        ):
            errors["email"] = _("Another person already uses this e-mail address.")
        if errors:
            raise ValidationError(errors)

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
        return user.access.is_admin or not self.holds_admin_role()

    def holds_admin_role(self) -> bool:
        """Superuser or administrator today, even while the account is deactivated."""
        if self.is_superuser:
            return True
        today = timezone.localdate()
        return self.role_assignments.active_on(today).filter(role=Role.ADMIN).exists()

    def can_grant(self, role: str, user: User) -> bool:
        """May `user` give this person `role`?"""
        return role in user.access.grantable_roles() and self.can_edit(user)


class RoleAssignmentQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date) -> RoleAssignmentQuerySet:
        return self.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
            valid_from__lte=day,
            revoked_at__isnull=True,
        ).select_related("unit")

    def ending_within(
        self, *, days: int, today: datetime.date | None = None
    ) -> RoleAssignmentQuerySet:
        """Assignments active today whose last day falls within the next `days` days."""
        today = today or timezone.localdate()
        return self.active_on(today).filter(valid_to__lte=today + datetime.timedelta(days=days))

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

    def clean(self) -> None:
        super().clean()
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date is before the start date.")})
        unit = self.unit if self.unit_id else None
        if (
            unit is not None
            and self.valid_from
            and unit.valid_to
            and unit.valid_to < self.valid_from
        ):
            raise ValidationError({"unit": _("This unit no longer exists on the start date.")})
        if self.user_id and self.unit_id and self.role and self.valid_from and self.overlapping():
            raise ValidationError(
                _("This person already holds this role in this unit during that period.")
            )

    def overlapping(self) -> bool:
        """Whether another unrevoked assignment of the same role and unit overlaps this one."""
        same = RoleAssignment.objects.filter(
            user_id=self.user_id, role=self.role, unit_id=self.unit_id, revoked_at__isnull=True
        ).exclude(pk=self.pk)
        same = same.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))
        if self.valid_to is not None:
            same = same.filter(valid_from__lte=self.valid_to)
        return same.exists()

    def is_active_on(self, day: datetime.date) -> bool:
        return (
            self.revoked_at is None
            and self.valid_from <= day
            and (self.valid_to is None or self.valid_to >= day)
        )

    @property
    def is_active(self) -> bool:
        return self.is_active_on(timezone.localdate())

    @property
    def status(self) -> str:
        """One word for display: "active", "future", "ended" or "revoked"."""
        today = timezone.localdate()
        if self.revoked_at is not None:
            return "revoked"
        if self.valid_from > today:
            return "future"
        if self.valid_to is not None and self.valid_to < today:
            return "ended"
        return "active"

    def can_revoke(self, user: User) -> bool:
        return self.revoked_at is None and self.user.can_grant(self.role, user)

    def revoke(self, *, by: User, reason: str = "") -> None:
        if self.revoked_at is not None:
            raise ValueError("already revoked")
        self.revoked_at, self.revoked_by, self.revoke_reason = timezone.now(), by, reason
        self.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ApiTokenQuerySet:
        """Managers see every token (to revoke a leaked one); anyone else their own."""
        if user.is_authenticated and user.access.can_manage_users:
            return self
        if user.is_authenticated:
            return self.filter(user=user)
        return self.none()

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

    @property
    def status(self) -> str:
        """One word for display: "active", "expired" or "revoked"."""
        if self.revoked_at is not None:
            return "revoked"
        return "active" if self.is_usable else "expired"

    def can_revoke(self, user: User) -> bool:
        return self.revoked_at is None and (self.user_id == user.pk or self.user.can_edit(user))

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
