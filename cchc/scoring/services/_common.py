"""Helpers shared by the scoring services: audit verbs, saving, deadlines, recipients."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import NoReverseMatch
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.accounts.models import User
from cchc.accounts.roles import Role
from cchc.core.audit import register_verbs

from ..models import AppraiserAssignment, DeadlineException, Round, Stage

if TYPE_CHECKING:
    from django.db.models import QuerySet

register_verbs(
    {
        "round.opened": gettext_lazy("opened a PAR Index round"),
        "round.schedule_changed": gettext_lazy("changed a round's schedule"),
        "round.exception_granted": gettext_lazy("granted a unit a deadline exception"),
        "round.appraiser_assigned": gettext_lazy("assigned an appraiser to an area"),
        "round.appraiser_removed": gettext_lazy("removed an appraiser from an area"),
        "round.compiled": gettext_lazy("compiled a round for the council"),
        "round.approved": gettext_lazy("approved a round's results"),
        "round.published": gettext_lazy("published a round's results"),
        "round.revised": gettext_lazy("published a revision of a round's results"),
        "score.self_scored": gettext_lazy("self-scored a criterion"),
        "score.survey_entered": gettext_lazy("entered survey points"),
        "score.appraised": gettext_lazy("appraised a criterion"),
        "score.explained": gettext_lazy("explained a criterion"),
        "score.corrected": gettext_lazy("corrected a published score"),
        "evidence.added": gettext_lazy("added evidence"),
        "evidence.withdrawn": gettext_lazy("withdrew evidence"),
        "sheet.submitted": gettext_lazy("submitted a self-assessment"),
        "sheet.appraised_1": gettext_lazy("closed appraisal round 1 of a sheet"),
        "sheet.explained": gettext_lazy("sent the explanations of a sheet"),
        "sheet.finalised": gettext_lazy("closed appraisal round 2 of a sheet"),
    }
)


def save(obj: models.Model, *, by: User | None, update_fields: Iterable[str] | None = None) -> None:
    obj.full_clean()
    obj._history_user = by  # type: ignore[attr-defined]
    obj.save(update_fields=list(update_fields) if update_fields is not None else None)


def _day(value: datetime.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def require_window(
    round_: Round, stage: str, *, unit_id: int | None = None, today: datetime.date | None = None
) -> None:
    """Refuse an action outside its stage's window, unless the unit holds an exception."""
    today = today or timezone.localdate()
    start, end = round_.window(stage)
    label = Stage(stage).label
    if today < start:
        raise ValidationError(
            _("%(stage)s opens on %(date)s.") % {"stage": label, "date": _day(start)}
        )
    if today <= end:
        return
    if unit_id is not None:
        extra = DeadlineException.objects.filter(
            round=round_, unit_id=unit_id, stage=stage, until__gte=today
        )
        if extra.exists():
            return
    raise ValidationError(
        _(
            "%(stage)s closed on %(date)s. Ask the PAR secretariat for an exception if your "
            "unit needs more time."
        )
        % {"stage": label, "date": _day(end)}
    )


def require_status(actual: str, *allowed: str, message: str) -> None:
    if actual not in allowed:
        raise ValidationError(message)


def secretariat() -> QuerySet[User]:
    return User.objects.holding(role=Role.SECRETARIAT)


def unit_people(unit_id: int, *roles: str) -> QuerySet[User]:
    from cchc.accounts.models import RoleAssignment

    held = RoleAssignment.objects.active_on(timezone.localdate()).filter(
        unit_id=unit_id, role__in=roles or (Role.FOCAL_POINT, Role.UNIT_LEADER)
    )
    return User.objects.filter(pk__in=held.values("user_id"))


def appraisers_of(round_: Round) -> QuerySet[User]:
    ids = AppraiserAssignment.objects.filter(round=round_).values("appraiser_id")
    return User.objects.filter(pk__in=ids)


def council_members() -> QuerySet[User]:
    return User.objects.holding(role=Role.COUNCIL_MEMBER)


def url(obj: models.Model) -> str:
    """The page of `obj` for a notification ("" where it has none yet)."""
    try:
        return obj.get_absolute_url()  # type: ignore[attr-defined]
    except NoReverseMatch:
        return ""
