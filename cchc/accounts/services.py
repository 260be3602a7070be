"""Write operations on people, their roles and API tokens.

Every function checks that `by` may act (raising PermissionDenied), validates with
`full_clean()` (raising ValidationError, nothing saved), writes the rows with `by` as
the history user and records one domain event in the audit trail.
"""

from __future__ import annotations

import datetime
from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.core.audit import record_event
from cchc.core.text import normalize
from cchc.units.models import Unit

from .models import ApiToken, RoleAssignment, User, hash_token
from .roles import Role

VERBS = {
    "user.created": gettext_lazy("created the account"),
    "user.updated": gettext_lazy("changed the account"),
    "user.deactivated": gettext_lazy("deactivated the account"),
    "user.activated": gettext_lazy("reactivated the account"),
    "role.granted": gettext_lazy("granted a role"),
    "role.revoked": gettext_lazy("revoked a role"),
    "token.created": gettext_lazy("created an API token"),
    "token.revoked": gettext_lazy("revoked an API token"),
    "auth.unlocked": gettext_lazy("unlocked a locked-out login"),
}

EDITABLE_USER_FIELDS = ("username", "email", "full_name", "position", "phone")


def _require_manager(by: User) -> None:
    if not by.access.can_manage_users:
        raise PermissionDenied


def _clean_user_fields(fields: dict[str, Any]) -> dict[str, Any]:
    cleaned = {name: normalize(str(value or "")) for name, value in fields.items()}
    if "email" in cleaned:
        cleaned["email"] = User.objects.normalize_email(cleaned["email"]).lower()
    return cleaned


@transaction.atomic
def create_user(
    *,
    username: str,
    email: str,
    full_name: str,
    position: str = "",
    phone: str = "",
    password: str | None = None,
    by: User,
) -> User:
    """Create an account. Without a password it cannot log in until an administrator sets one."""
    _require_manager(by)
    fields = _clean_user_fields(
        {
            "username": username,
            "email": email,
            "full_name": full_name,
            "position": position,
            "phone": phone,
        }
    )
    user = User(**fields)
    user.set_unusable_password()
    user.full_clean()
    if password:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from error
        user.set_password(password)
    user._history_user = by  # type: ignore[attr-defined]
    user.save()
    record_event(user, "user.created", by=by, data={"password_set": bool(password)})
    return user


@transaction.atomic
def update_user(user: User, *, by: User, **fields: Any) -> User:
    """Change a person's name, contact details or username; only what differs is saved."""
    unknown = set(fields) - set(EDITABLE_USER_FIELDS)
    if unknown:
        raise TypeError(f"update_user() cannot change {sorted(unknown)}")
    if not user.can_edit(by):
        raise PermissionDenied
    cleaned = _clean_user_fields(fields)
    changed = {name: value for name, value in cleaned.items() if getattr(user, name) != value}
    if not changed:
        return user
    before = {name: getattr(user, name) for name in changed}
    for name, value in changed.items():
        setattr(user, name, value)
    try:
        user.full_clean(exclude=["password"])
    except ValidationError:
        for name, value in before.items():
            setattr(user, name, value)
        raise
    user._history_user = by  # type: ignore[attr-defined]
    user.save(update_fields=list(changed))
    record_event(user, "user.updated", by=by, data={"fields": sorted(changed)})
    return user


@transaction.atomic
def set_user_active(user: User, *, active: bool, by: User) -> User:
    """Deactivate (instead of deleting) or reactivate an account."""
    if not user.can_edit(by):
        raise PermissionDenied
    if user.pk == by.pk and not active:
        raise ValidationError(_("You cannot deactivate your own account."))
    if user.is_active == active:
        return user
    user.is_active = active
    user._history_user = by  # type: ignore[attr-defined]
    user.save(update_fields=["is_active"])
    record_event(user, "user.activated" if active else "user.deactivated", by=by)
    return user


@transaction.atomic
def grant_role(
    user: User,
    *,
    role: str,
    unit: Unit,
    includes_subtree: bool = False,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
    by: User,
) -> RoleAssignment:
    """Give `user` a role in `unit` (and optionally its subtree) for a period."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if not user.can_grant(role, by):
        raise PermissionDenied
    if not user.is_active:
        raise ValidationError(_("This account is deactivated; reactivate it first."))
    assignment = RoleAssignment(
        user=user,
        role=role,
        unit=unit,
        includes_subtree=includes_subtree,
        valid_from=valid_from or timezone.localdate(),
        valid_to=valid_to,
        granted_by=by,
        granted_at=timezone.now(),
    )
    assignment.full_clean()
    assignment._history_user = by  # type: ignore[attr-defined]
    assignment.save()
    record_event(
        assignment,
        "role.granted",
        by=by,
        data={
            "user": user.pk,
            "role": role,
            "unit": unit.pk,
            "includes_subtree": includes_subtree,
            "valid_from": assignment.valid_from,
            "valid_to": valid_to,
        },
    )
    return assignment


@transaction.atomic
def revoke_role(assignment: RoleAssignment, *, by: User, reason: str) -> RoleAssignment:
    """End a role assignment now, with the reason on record."""
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if not assignment.user.can_grant(assignment.role, by):
        raise PermissionDenied
    if assignment.revoked_at is not None:
        raise ValidationError(_("This role assignment is already revoked."))
    reason = normalize(reason)
    if not reason:
        raise ValidationError({"revoke_reason": _("Give a reason.")})
    assignment._history_user = by  # type: ignore[attr-defined]
    assignment.revoke(by=by, reason=reason[:255])
    record_event(
        assignment,
        "role.revoked",
        by=by,
        data={"user": assignment.user_id, "role": assignment.role, "reason": reason},
    )
    return assignment


@transaction.atomic
def create_api_token(
    user: User, *, name: str, expires_at: datetime.datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a personal API token; return it with the raw value, which is never stored."""
    if not user.is_active:
        raise PermissionDenied
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})
    raw = ApiToken.new_raw_value()
    token = ApiToken(
        user=user,
        name=normalize(name),
        token_hash=hash_token(raw),
        hint=raw[: len(ApiToken.PREFIX) + 4],
        expires_at=expires_at,
    )
    token.full_clean()
    token._history_user = user  # type: ignore[attr-defined]
    token.save()
    record_event(token, "token.created", by=user, data={"expires_at": expires_at})
    return token, raw


@transaction.atomic
def revoke_api_token(token: ApiToken, *, by: User) -> ApiToken:
    """Stop a token from working, at once."""
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if token.user_id != by.pk and not token.user.can_edit(by):
        raise PermissionDenied
    if token.revoked_at is not None:
        raise ValidationError(_("This token is already revoked."))
    token._history_user = by  # type: ignore[attr-defined]
    token.revoke()
    record_event(token, "token.revoked", by=by, data={"user": token.user_id})
    return token


@transaction.atomic
def unlock_user(username: str, *, by: User) -> int:
    """Clear the failed logins that lock `username` out; return how many were removed."""
    _require_manager(by)
    removed = axes_reset(username=username)
    if removed:
        person = User.objects.filter(username=username).first()
        record_event(person, "auth.unlocked", by=by, data={"username": username})
    return removed
