"""Private helpers shared by the plans services, and the audit verbs they record."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.accounts.models import User
from cchc.accounts.roles import Role
from cchc.core.audit import register_verbs
from cchc.core.models import Attachment
from cchc.core.services import store_attachment
from cchc.core.uploads import UploadRejected
from cchc.units.models import Unit

from ..models import Assignment

if TYPE_CHECKING:
    from django.db.models import QuerySet

register_verbs(
    {
        "plan.created": gettext_lazy("created a reform plan"),
        "plan.updated": gettext_lazy("changed a reform plan"),
        "plan.document_attached": gettext_lazy("attached the signed plan"),
        "plan.areas_seeded": gettext_lazy("added the standard reform areas"),
        "area.created": gettext_lazy("added a reform area"),
        "task.created": gettext_lazy("created a task"),
        "task.fanned_out": gettext_lazy("assigned a task to units"),
        "task.updated": gettext_lazy("changed a task"),
        "task.cancelled": gettext_lazy("cancelled a task"),
        "assignment.cancelled": gettext_lazy("cancelled an assignment"),
        "assignment.urged": gettext_lazy("urged a unit"),
        "report.saved": gettext_lazy("saved a progress report"),
        "report.submitted": gettext_lazy("submitted a progress report"),
        "report.accepted": gettext_lazy("accepted a progress report"),
        "report.returned": gettext_lazy("returned a progress report"),
        "extension.requested": gettext_lazy("asked for a deadline extension"),
        "extension.approved": gettext_lazy("approved a deadline extension"),
        "extension.refused": gettext_lazy("refused a deadline extension"),
        "obstacle.raised": gettext_lazy("raised an obstacle or recommendation"),
        "obstacle.answered": gettext_lazy("answered an obstacle or recommendation"),
        "urging.issued": gettext_lazy("issued an urging notice"),
    }
)


# --- helpers ------------------------------------------------------------------------------


def _save(
    obj: models.Model, *, by: User | None, update_fields: Iterable[str] | None = None
) -> None:
    obj.full_clean()
    obj._history_user = by  # type: ignore[attr-defined]
    obj.save(update_fields=list(update_fields) if update_fields is not None else None)


def _changed(obj: models.Model, fields: dict[str, Any]) -> dict[str, list[Any]]:
    """Apply `fields` to `obj`; return {name: [before, after]} for those that differ."""
    changes = {}
    for name, value in fields.items():
        before = getattr(obj, name)
        if before != value:
            changes[name] = [before, value]
            setattr(obj, name, value)
    return changes


def _check_fields(fields: Iterable[str], allowed: frozenset[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Not editable fields: {sorted(unknown)}")


def _url(obj: models.Model) -> str:
    try:
        return obj.get_absolute_url()  # type: ignore[attr-defined]
    except NoReverseMatch:
        return ""


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{url}" if url else ""


def _secretariat() -> QuerySet[User]:
    return User.objects.holding(role=Role.SECRETARIAT)


def _focal_points(unit: Unit | int) -> QuerySet[User]:
    return User.objects.holding(role=Role.FOCAL_POINT, unit=unit)  # type: ignore[arg-type]


def _require_open(assignment: Assignment) -> None:
    if assignment.completed_on is not None:
        raise ValidationError(_("This assignment is already completed."))
    if assignment.cancelled_at is not None or assignment.task.cancelled_at is not None:
        raise ValidationError(_("This assignment is cancelled."))


def _store_files(
    owner: models.Model,
    files: Iterable[UploadedFile],
    *,
    field: str,
    by: User,
    kinds: frozenset[str] | None = None,
) -> list[Attachment]:
    stored = []
    for upload in files:
        try:
            extra = {"kinds": kinds} if kinds is not None else {}
            stored.append(store_attachment(owner, upload, by=by, **extra))
        except UploadRejected as exc:
            raise ValidationError({field: str(exc)}) from exc
    return stored
