"""Writing the audit trail.

Two sources feed `AuditEvent`:
- every historical record django-simple-history creates (any save or delete of an
  audited model, including admin and shell edits) becomes a `record.*` event with the
  changed fields before and after;
- services call `record_event()` for domain events ("role.granted", "unit.merged"),
  and authentication signals record logins, logouts and failed logins.
Receivers here are infrastructure only; no domain logic hangs on signals.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import dateparse, formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.signals import post_create_historical_record

from .models import AuditEvent

MASKED_FIELDS = frozenset({"password", "token_hash"})
MASK = "••••••"

_VERBS: dict[str, Any] = {
    "record.created": _("created"),
    "record.updated": _("changed"),
    "record.deleted": _("deleted"),
    "auth.login": _("logged in"),
    "auth.logout": _("logged out"),
    "auth.login_failed": _("failed login"),
}


def register_verbs(verbs: dict[str, Any]) -> None:
    """Let an app name its domain events for display (labels are lazy translations)."""
    _VERBS.update(verbs)


def verb_label(verb: str) -> str:
    return str(_VERBS.get(verb, verb))


def verb_choices() -> list[tuple[str, str]]:
    return sorted(((code, str(label)) for code, label in _VERBS.items()), key=lambda c: c[1])


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def _value(field: str, value: Any) -> Any:
    return MASK if field in MASKED_FIELDS and value else _jsonable(value)


def _actor_label(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return user.get_username()


def record_event(
    obj: models.Model | None,
    verb: str,
    *,
    by: Any = None,
    data: dict[str, Any] | None = None,
    changes: dict[str, list[Any]] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one event to the audit trail and return it."""
    actor = by if getattr(by, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=_actor_label(by),
        verb=verb,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        changes=_jsonable(changes or {}),
        data=_jsonable(data or {}),
        ip_address=ip_address,
    )


def _row_changes(history_instance: Any) -> dict[str, list[Any]]:
    fields = [f.attname for f in history_instance.instance_type._meta.concrete_fields]
    tracked = [f for f in fields if hasattr(history_instance, f)]
    kind = history_instance.history_type
    if kind == "+":
        return {f: [None, _value(f, getattr(history_instance, f))] for f in tracked}
    if kind == "-":
        return {f: [_value(f, getattr(history_instance, f)), None] for f in tracked}
    previous = history_instance.prev_record
    if previous is None:
        return {}
    return {
        f: [_value(f, getattr(previous, f)), _value(f, getattr(history_instance, f))]
        for f in tracked
        if getattr(previous, f) != getattr(history_instance, f)
    }


@receiver(post_create_historical_record)
def _history_to_audit(sender: Any, instance: Any, history_instance: Any, **kwargs: Any) -> None:
    verb = {"+": "record.created", "~": "record.updated", "-": "record.deleted"}[
        history_instance.history_type
    ]
    changes = _row_changes(history_instance)
    if verb == "record.updated" and not changes:
        return
    user = history_instance.history_user
    AuditEvent.objects.create(
        at=history_instance.history_date,
        actor=user if user is not None and user.pk else None,
        actor_label=_actor_label(user),
        verb=verb,
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
        object_repr=str(instance)[:255],
        changes=changes,
        data={"via": "request" if user is not None else "system"},
    )


@dataclass(frozen=True)
class ChangeRow:
    """One changed field of an audit event, ready to display."""

    field: str
    label: str
    before: str
    after: str
    masked: bool


def _model_field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    for field in model._meta.concrete_fields:
        if name in (field.attname, field.name):
            return field
    return None


def _display_date(field: models.Field, value: str) -> str | None:
    if isinstance(field, models.DateTimeField):
        moment = dateparse.parse_datetime(value)
        if moment is None:
            return None
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "d/m/Y H:i")
    day = dateparse.parse_date(value)
    return formats.date_format(day, "d/m/Y") if day is not None else None


def _display(field: models.Field | None, value: Any) -> str:
    """Format one stored (JSON) value the way people read it: dd/mm/yyyy, labels, yes/no."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if field is not None and field.choices:
        labels = {str(k): v for k, v in field.flatchoices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(field, models.DateField) and isinstance(value, str):
        return _display_date(field, value) or value
    return str(value)


def change_rows(event: AuditEvent) -> list[ChangeRow]:
    """Turn an event's `changes` ({field: [before, after]}) into labelled rows for display."""
    model = event.content_type.model_class() if event.content_type_id else None
    rows = []
    for name, pair in (event.changes or {}).items():
        before, after = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        field = _model_field(model, name)
        label = str(field.verbose_name) if field is not None else name.replace("_", " ")
        rows.append(
            ChangeRow(
                field=name,
                label=label[:1].upper() + label[1:],
                before=_display(field, before),
                after=_display(field, after),
                masked=name in MASKED_FIELDS,
            )
        )
    return rows


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record_event(user, "auth.login", by=user, ip_address=_client_ip(request))


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record_event(user, "auth.logout", by=user, ip_address=_client_ip(request))


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    attempted = str(credentials.get("username", ""))[:150]
    known = get_user_model().objects.filter(username=attempted).first()
    AuditEvent.objects.create(
        actor=None,
        actor_label=attempted,
        verb="auth.login_failed",
        content_type=ContentType.objects.get_for_model(get_user_model()) if known else None,
        object_id=str(known.pk) if known else "",
        object_repr=str(known) if known else attempted,
        data={"username": attempted},
        ip_address=_client_ip(request),
    )
