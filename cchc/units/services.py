"""Write operations on the organisational tree: create, change, merge and split units.

Every write goes through `Model.save()`, so django-simple-history records the rows; the
person is taken from `by` (or, in a web request, from HistoryRequestMiddleware). Mergers
and splits also add a domain event to the audit trail.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.core.audit import record_event, register_verbs

from .models import Unit, UnitSuccession

if TYPE_CHECKING:
    from cchc.accounts.models import User

register_verbs(
    {
        "unit.merged": gettext_lazy("merged units"),
        "unit.split": gettext_lazy("split a unit"),
        "units.imported": gettext_lazy("imported units"),
    }
)

EDITABLE_FIELDS = frozenset(
    {
        "code",
        "name",
        "short_name",
        "kind",
        "parent",
        "official_code",
        "valid_from",
        "valid_to",
        "email",
        "notes",
    }
)


def _check_fields(fields: Iterable[str]) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"Not editable unit fields: {sorted(unknown)}")


def _save(unit: Unit, *, by: User | None, update_fields: Iterable[str] | None = None) -> None:
    unit.full_clean()
    if by is not None:
        unit._history_user = by  # type: ignore[attr-defined]
    unit.save(update_fields=update_fields)


@transaction.atomic
def create_unit(*, by: User | None, **fields: Any) -> Unit:
    """Create a unit after checking its fields, parent and dates; return it."""
    _check_fields(fields)
    unit = Unit(**fields)
    _save(unit, by=by)
    return unit


@transaction.atomic
def update_unit(unit: Unit, *, by: User | None, **changes: Any) -> Unit:
    """Change some fields of `unit`; nothing is written when no value differs."""
    _check_fields(changes)
    changed = [name for name, value in changes.items() if getattr(unit, name) != value]
    if not changed:
        return unit
    for name in changed:
        setattr(unit, name, changes[name])
    _save(unit, by=by, update_fields=changed)
    return unit


def _distinct(units: Iterable[Unit]) -> list[Unit]:
    """Drop repeated units (saved ones by id, unsaved ones by identity), keeping order."""
    seen: set[object] = set()
    result = []
    for unit in units:
        key = unit.pk if unit.pk is not None else id(unit)
        if key not in seen:
            seen.add(key)
            result.append(unit)
    return result


def _day_before(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=1)


def _end_unit(unit: Unit, *, last_day: datetime.date, by: User | None) -> None:
    if unit.valid_from and unit.valid_from > last_day:
        raise ValidationError(
            _("%(unit)s only starts on %(date)s and cannot end before the change.")
            % {"unit": unit, "date": f"{unit.valid_from:%d/%m/%Y}"}
        )
    if unit.valid_to and unit.valid_to < last_day:
        raise ValidationError(
            _("%(unit)s already ended on %(date)s.")
            % {"unit": unit, "date": f"{unit.valid_to:%d/%m/%Y}"}
        )
    if unit.valid_to != last_day:
        unit.valid_to = last_day
        _save(unit, by=by, update_fields=["valid_to"])


def _ensure_successor(unit: Unit, *, effective_date: datetime.date, by: User | None) -> Unit:
    """Save a new successor (starting on the effective date) or check an existing one."""
    if unit.pk is None:
        if unit.valid_from is None:
            unit.valid_from = effective_date
        _save(unit, by=by)
    elif not unit.is_current_on(effective_date):
        raise ValidationError(
            _("%(unit)s is not valid on %(date)s.")
            % {"unit": unit, "date": f"{effective_date:%d/%m/%Y}"}
        )
    return unit


def _link(
    predecessor: Unit,
    successor: Unit,
    *,
    effective_date: datetime.date,
    whole: bool,
    legal_basis: str,
) -> UnitSuccession:
    link = UnitSuccession(
        predecessor=predecessor,
        successor=successor,
        effective_date=effective_date,
        whole=whole,
        legal_basis=legal_basis,
    )
    link.full_clean()
    link.save()
    return link


def _event_data(
    effective_date: datetime.date, legal_basis: str, **units: Sequence[Unit]
) -> dict[str, Any]:
    data: dict[str, Any] = {"effective_date": effective_date, "legal_basis": legal_basis}
    for key, group in units.items():
        data[key] = [{"id": u.pk, "code": u.code, "name": u.name} for u in group]
    return data


@transaction.atomic
def merge_units(
    predecessors: Sequence[Unit],
    *,
    into: Unit,
    effective_date: datetime.date,
    legal_basis: str,
    by: User | None,
) -> Unit:
    """Merge `predecessors` into `into` (existing, or unsaved and created here) on a date.

    The predecessors end the day before `effective_date`; each gets a whole-unit link to
    the successor. Returns the successor.
    """
    predecessors = _distinct(predecessors)
    if not predecessors:
        raise ValidationError(_("Choose at least one unit to merge."))
    if into.pk is not None and into.pk in {u.pk for u in predecessors}:
        raise ValidationError(_("A unit cannot be merged into itself."))
    into = _ensure_successor(into, effective_date=effective_date, by=by)
    for unit in predecessors:
        _end_unit(unit, last_day=_day_before(effective_date), by=by)
        _link(unit, into, effective_date=effective_date, whole=True, legal_basis=legal_basis)
    data = _event_data(effective_date, legal_basis, predecessors=predecessors)
    record_event(into, "unit.merged", by=by, data=data)
    return into


@transaction.atomic
def split_unit(
    predecessor: Unit,
    *,
    into: Sequence[Unit],
    effective_date: datetime.date,
    legal_basis: str,
    by: User | None,
) -> list[Unit]:
    """Split `predecessor` into several units (existing or unsaved) on a date.

    The predecessor ends the day before; each successor gets a part-of-unit link.
    Returns the successors.
    """
    successors = _distinct(into)
    if len(successors) < 2:
        raise ValidationError(_("A split needs at least two successor units."))
    if any(u.pk is not None and u.pk == predecessor.pk for u in successors):
        raise ValidationError(_("A unit cannot be its own successor."))
    _end_unit(predecessor, last_day=_day_before(effective_date), by=by)
    for unit in successors:
        _ensure_successor(unit, effective_date=effective_date, by=by)
        _link(
            predecessor, unit, effective_date=effective_date, whole=False, legal_basis=legal_basis
        )
    data = _event_data(effective_date, legal_basis, successors=successors)
    record_event(predecessor, "unit.split", by=by, data=data)
    return successors
