"""The yearly round: open it, its schedule and exceptions, appraisers by area."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cchc.accounts.access import require
from cchc.accounts.models import User
from cchc.accounts.roles import Role
from cchc.core.audit import record_event
from cchc.core.notify import notify
from cchc.units.models import Unit

from ..models import (
    AppraiserAssignment,
    CriteriaSet,
    Criterion,
    DeadlineException,
    Round,
    Score,
    ScoreSheet,
    Stage,
    UnitGroup,
)
from ._common import save, unit_people, url
from .recompute import recompute_round, refresh_metrics
from .sets import lock_criteria_set

SCHEDULE = [
    "self_from",
    "self_to",
    "appraisal_1_from",
    "appraisal_1_to",
    "explanation_from",
    "explanation_to",
    "appraisal_2_from",
    "appraisal_2_to",
    "council_from",
    "council_to",
    "publish_on",
]

GROUP_OF_KIND = {
    Unit.Kind.DEPARTMENT: UnitGroup.DEPARTMENTS,
    Unit.Kind.DISTRICT: UnitGroup.DISTRICTS,
    Unit.Kind.COMMUNE: UnitGroup.COMMUNES,
    Unit.Kind.PROVINCE: UnitGroup.PROVINCES,
}


def _check_schedule(schedule: dict[str, datetime.date]) -> None:
    missing = [f for f in SCHEDULE if not schedule.get(f)]
    if missing:
        raise ValidationError({f: _("This date is required.") for f in missing})
    for before, after in itertools.pairwise(SCHEDULE):
        if schedule[before] > schedule[after]:
            raise ValidationError(
                {after: _("The schedule must run in order: this date comes too early.")}
            )


def _check_sets(year: int, criteria_sets: list[CriteriaSet]) -> dict[str, CriteriaSet]:
    by_group: dict[str, CriteriaSet] = {}
    for s in criteria_sets:
        if s.is_template:
            raise ValidationError(
                {"criteria_sets": _("“%(set)s” is a template; clone it first.") % {"set": s}}
            )
        if s.year != year:
            raise ValidationError(
                {"criteria_sets": _("“%(set)s” is for another year.") % {"set": s}}
            )
        if s.group in by_group:
            raise ValidationError(
                {"criteria_sets": _("Choose one criteria set for each unit group.")}
            )
        if not s.criteria.exclude(method="").exists():
            raise ValidationError({"criteria_sets": _("“%(set)s” has no criteria.") % {"set": s}})
        by_group[s.group] = s
    if not by_group:
        raise ValidationError({"criteria_sets": _("Choose at least one criteria set.")})
    return by_group


def units_in_scope(by_group: dict[str, CriteriaSet], on: datetime.date) -> list[Unit]:
    """The units current on `on` whose kind belongs to a group with a set."""
    kinds = [k for k, g in GROUP_OF_KIND.items() if g in by_group]
    return list(Unit.objects.current_on(on).filter(kind__in=kinds).order_by("name"))


@transaction.atomic
def open_round(
    *,
    year: int,
    name: str,
    criteria_sets: Iterable[CriteriaSet],
    schedule: dict[str, datetime.date],
    by: User,
    units: Iterable[Unit] | None = None,
    council_quorum: int = 1,
    is_demo: bool = False,
    tell_units: bool = True,
) -> Round:
    """Open the year's round: lock the sets, give each unit in scope a score sheet with a
    score per scored criterion, read the cchc metrics, and tell the units (unless
    `tell_units` is False: loading past rounds)."""
    require(by.access.can_manage_units)
    _check_schedule(schedule)
    by_group = _check_sets(year, list(criteria_sets))
    round_ = Round(year=year, name=name, council_quorum=council_quorum, opened_by=by)
    round_.is_demo = is_demo
    for field in SCHEDULE:
        setattr(round_, field, schedule[field])
    save(round_, by=by)
    round_.criteria_sets.set(by_group.values())
    for s in by_group.values():
        lock_criteria_set(s, by=by)
    chosen = units_in_scope(by_group, schedule["self_from"]) if units is None else list(units)
    sheets = _create_sheets(round_, chosen, by_group)
    refresh_metrics(round_)
    recompute_round(round_)
    record_event(round_, "round.opened", by=by, data={"sheets": len(sheets)})
    if tell_units:
        _tell_units(round_, sheets)
    return round_


def _create_sheets(
    round_: Round, units: list[Unit], by_group: dict[str, CriteriaSet]
) -> list[ScoreSheet]:
    sheets = []
    for unit in units:
        group = GROUP_OF_KIND.get(unit.kind)
        if group not in by_group:
            raise ValidationError(
                {"units": _("No criteria set was chosen for %(unit)s.") % {"unit": unit}}
            )
        sheets.append(ScoreSheet(round=round_, unit=unit, criteria_set=by_group[group]))
    sheets = ScoreSheet.objects.bulk_create(sheets)
    scored = {
        s.pk: list(
            Criterion.objects.filter(criteria_set=s).exclude(method="").values_list("pk", flat=True)
        )
        for s in by_group.values()
    }
    scores = [
        Score(sheet=sheet, criterion_id=pk)
        for sheet in sheets
        for pk in scored[sheet.criteria_set_id]
    ]
    Score.objects.bulk_create(scores, batch_size=2000)
    return sheets


def _tell_units(round_: Round, sheets: list[ScoreSheet]) -> None:
    for sheet in sheets:
        text = _("%(round)s is open: self-assess your unit by %(date)s.") % {
            "round": round_.name,
            "date": round_.self_to.strftime("%d/%m/%Y"),
        }
        notify(
            unit_people(sheet.unit_id),
            verb="round.opened",
            text=text,
            url=url(sheet),
            email_subject=round_.name,
            email_body=text,
        )


@transaction.atomic
def change_schedule(round_: Round, schedule: dict[str, datetime.date], *, by: User) -> Round:
    require(round_.can_manage(by))
    if round_.is_published:
        raise ValidationError(_("The round is published; its schedule no longer changes."))
    merged = {f: schedule.get(f) or getattr(round_, f) for f in SCHEDULE}
    _check_schedule(merged)
    changes = {
        f: [str(getattr(round_, f)), str(v)] for f, v in merged.items() if getattr(round_, f) != v
    }
    for field, value in merged.items():
        setattr(round_, field, value)
    save(round_, by=by)
    record_event(round_, "round.schedule_changed", by=by, data=changes)
    return round_


@transaction.atomic
def grant_exception(
    round_: Round, *, unit: Unit, stage: str, until: datetime.date, reason: str, by: User
) -> DeadlineException:
    """Let one unit act in `stage` after its window closed, until `until`."""
    require(round_.can_manage(by))
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Choose a stage.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the exception.")})
    if not round_.sheets.filter(unit=unit).exists():
        raise ValidationError({"unit": _("This unit has no sheet in the round.")})
    if until < round_.window(stage)[1]:
        raise ValidationError({"until": _("The exception must end after the stage's deadline.")})
    exception = DeadlineException(
        round=round_, unit=unit, stage=stage, until=until, reason=reason.strip(), granted_by=by
    )
    save(exception, by=by)
    record_event(
        round_,
        "round.exception_granted",
        by=by,
        data={"unit": unit.pk, "stage": stage, "until": str(until), "reason": reason},
    )
    text = _("%(round)s: your unit may act in “%(stage)s” until %(date)s.") % {
        "round": round_.name,
        "stage": Stage(stage).label,
        "date": until.strftime("%d/%m/%Y"),
    }
    notify(
        unit_people(unit.pk),
        verb="round.exception_granted",
        text=text,
        url=url(round_),
    )
    return exception


@transaction.atomic
def assign_appraiser(
    round_: Round, *, area_code: str, appraiser: User, by: User
) -> AppraiserAssignment:
    """The secretariat gives an area (by code, in every group's set) to an appraiser."""
    require(round_.can_manage(by))
    codes = set(
        Criterion.objects.filter(criteria_set__rounds=round_, depth=1).values_list(
            "code", flat=True
        )
    )
    if area_code not in codes:
        raise ValidationError({"area_code": _("This round has no area with this code.")})
    if not appraiser.access.has_role(Role.APPRAISER, Role.SECRETARIAT):
        raise ValidationError({"appraiser": _("This person is not an appraiser.")})
    found = AppraiserAssignment.objects.filter(
        round=round_, area_code=area_code, appraiser=appraiser
    )
    if found.exists():
        raise ValidationError({"appraiser": _("This person already appraises this area.")})
    assignment = AppraiserAssignment(
        round=round_, area_code=area_code, appraiser=appraiser, assigned_by=by
    )
    save(assignment, by=by)
    record_event(
        round_,
        "round.appraiser_assigned",
        by=by,
        data={"area": area_code, "appraiser": appraiser.pk},
    )
    text = _("%(round)s: you appraise area %(area)s.") % {"round": round_.name, "area": area_code}
    notify([appraiser], verb="round.appraiser_assigned", text=text, url=url(round_))
    return assignment


@transaction.atomic
def remove_appraiser(assignment: AppraiserAssignment, *, by: User) -> None:
    round_ = assignment.round
    require(round_.can_manage(by))
    data = {"area": assignment.area_code, "appraiser": assignment.appraiser_id}
    assignment._history_user = by  # type: ignore[attr-defined]
    assignment.delete()
    record_event(round_, "round.appraiser_removed", by=by, data=data)
