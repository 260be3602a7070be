"""Campaigns: creating, editing, choosing the surveyed units and quotas, opening, closing.

Who: the PAR secretariat (and administrators) only. What may change depends on the status:
- draft: everything, including the questionnaire version and the set of units;
- open: the name, the notes, a later end date, and each unit's population N and quota;
- closed: nothing.
Opening locks the questionnaire version (later wording changes need a new version).
Every change is audited: row history through django-simple-history (`_history_user`) and a
domain event per operation.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.accounts.access import require
from cchc.accounts.models import User
from cchc.core.audit import record_event, register_verbs
from cchc.units.models import Unit

from ..calculations import sample_size
from ..models import Campaign, CampaignStatus, CampaignUnit, QuestionnaireVersion, SurveyToken

register_verbs(
    {
        "campaign.created": gettext_lazy("created a survey campaign"),
        "campaign.updated": gettext_lazy("changed a survey campaign"),
        "campaign.units_set": gettext_lazy("set the units and quotas of a survey campaign"),
        "campaign.quotas_applied": gettext_lazy("set a campaign's quotas to the suggested sample"),
        "campaign.opened": gettext_lazy("opened a survey campaign"),
        "campaign.closed": gettext_lazy("closed a survey campaign"),
    }
)

# The settings of a campaign a service may set (the rest is kept by the services).
SETTINGS = (
    "code",
    "name",
    "version",
    "starts_on",
    "ends_on",
    "element_method",
    "min_n",
    "margin",
    "weighted",
    "tokens_required",
    "double_entry",
    "procedures",
    "notes",
)
EDITABLE_WHILE_OPEN = frozenset({"name", "notes", "ends_on"})
# Units that may be surveyed: every kind but the province itself (departments, district and
# commune level units and their one-stop shops, which are subordinate units).
SURVEYABLE_KINDS = frozenset(
    {Unit.Kind.DEPARTMENT, Unit.Kind.DISTRICT, Unit.Kind.COMMUNE, Unit.Kind.SUBORDINATE}
)

UnitRow = tuple[Unit, int | None, int | None]  # unit, population N, quota


# Helpers ---------------------------------------------------------------------------------


def _save(obj: models.Model, *, by: User, update_fields: Iterable[str] | None = None) -> None:
    obj.full_clean()
    obj._history_user = by  # type: ignore[attr-defined]
    obj.save(update_fields=list(update_fields) if update_fields is not None else None)


def _locked(campaign: Campaign) -> Campaign:
    """The campaign row, locked for the rest of the transaction (status guards)."""
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def _refuse_closed(campaign: Campaign) -> None:
    if campaign.status == CampaignStatus.CLOSED:
        raise ValidationError(_("This campaign is closed: nothing can be changed."))


def _version(value: QuestionnaireVersion | int | None) -> QuestionnaireVersion:
    if isinstance(value, QuestionnaireVersion):
        return value
    found = QuestionnaireVersion.objects.filter(pk=value).first() if value else None
    if found is None:
        raise ValidationError({"version": _("Choose an existing questionnaire version.")})
    return found


def clean_procedures(value: Any) -> list[dict[str, str]]:
    """A list of {"code", "name"} with distinct, non-empty codes (empty: every procedure)."""
    if not value:
        return []
    if not isinstance(value, list):
        raise ValidationError({"procedures": _("Give the procedures as a list.")})
    cleaned: list[dict[str, str]] = []
    for item in value:
        code = str(item.get("code", "")).strip() if isinstance(item, Mapping) else ""
        if not code or len(code) > 64:
            raise ValidationError(
                {"procedures": _("Every procedure needs a code of at most 64 characters.")}
            )
        name = str(item.get("name", "")).strip() or code
        cleaned.append({"code": code, "name": name[:500]})
    codes = [p["code"] for p in cleaned]
    if len(set(codes)) != len(codes):
        raise ValidationError({"procedures": _("A procedure code is listed twice.")})
    return cleaned


def _settings(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(SETTINGS)
    if unknown:
        raise ValueError(f"not campaign settings: {sorted(unknown)}")
    values = dict(fields)
    if "version" in values:
        values["version"] = _version(values["version"])
    if "procedures" in values:
        values["procedures"] = clean_procedures(values["procedures"])
    for text in ("code", "name", "notes"):
        if isinstance(values.get(text), str):
            values[text] = values[text].strip()
    return values


def _check_period(campaign: Campaign) -> None:
    if campaign.starts_on and campaign.ends_on and campaign.ends_on < campaign.starts_on:
        raise ValidationError({"ends_on": _("The campaign cannot end before it starts.")})


# Creating and editing --------------------------------------------------------------------


def create_campaign(
    *,
    by: User,
    code: str,
    name: str,
    version: QuestionnaireVersion | int | None,
    starts_on: datetime.date,
    ends_on: datetime.date,
    element_method: str = "mean_of_criteria",
    min_n: int = 30,
    margin: Decimal = Decimal("0.05"),
    weighted: bool = False,
    tokens_required: bool = False,
    double_entry: bool = False,
    procedures: Sequence[Mapping[str, str]] | None = None,
    notes: str = "",
) -> Campaign:
    """A new campaign in draft (no units yet); the secretariat or an administrator."""
    require(Campaign.can_manage(by))
    values = _settings(
        {
            "code": code,
            "name": name,
            "version": version,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "element_method": element_method,
            "min_n": min_n,
            "margin": margin,
            "weighted": weighted,
            "tokens_required": tokens_required,
            "double_entry": double_entry,
            "procedures": list(procedures or []),
            "notes": notes,
        }
    )
    campaign = Campaign(**values, status=CampaignStatus.DRAFT, created_by=by)
    _check_period(campaign)
    with transaction.atomic():
        _save(campaign, by=by)
        record_event(campaign, "campaign.created", by=by, data={"code": campaign.code})
    return campaign


def _check_changes(campaign: Campaign, changed: Mapping[str, Any]) -> None:
    _refuse_closed(campaign)
    if campaign.status == CampaignStatus.DRAFT:
        return
    errors = {
        field: _("This cannot be changed once the campaign is open.")
        for field in changed
        if field not in EDITABLE_WHILE_OPEN
    }
    new_end = changed.get("ends_on")
    if new_end is not None and new_end < campaign.ends_on:
        errors["ends_on"] = _("An open campaign can only be extended, not shortened.")
    if errors:
        raise ValidationError(errors)


def update_campaign(campaign: Campaign, *, by: User, **fields: Any) -> Campaign:
    """Change settings: anything in draft; the name, notes and a later end while open."""
    require(Campaign.can_manage(by))
    values = _settings(fields)
    with transaction.atomic():
        current = _locked(campaign)
        changed = {k: v for k, v in values.items() if getattr(current, k) != v}
        _check_changes(current, changed)
        if not changed:
            return current
        before = {k: getattr(current, k) for k in changed}
        for field, value in changed.items():
            setattr(current, field, value)
        _check_period(current)
        _save(current, by=by, update_fields=changed)
        record_event(
            current,
            "campaign.updated",
            by=by,
            changes={k: [before[k], changed[k]] for k in changed},
        )
    return current


# Units, populations and quotas -------------------------------------------------------------


def _check_rows(rows: Sequence[UnitRow]) -> None:
    problems: list[str] = []
    seen: set[int] = set()
    for unit, population, quota in rows:
        if unit.kind not in SURVEYABLE_KINDS:
            problems.append(
                _("%(unit)s: the province itself cannot be surveyed; choose its units.")
                % {"unit": unit.name}
            )
        if unit.pk in seen:
            problems.append(_("%(unit)s is listed twice.") % {"unit": unit.name})
        seen.add(unit.pk)
        if population is not None and population < 0:
            problems.append(_("%(unit)s: the population cannot be negative.") % {"unit": unit})
        if quota is not None and quota < 1:
            problems.append(_("%(unit)s: the quota must be at least 1.") % {"unit": unit})
    if problems:
        raise ValidationError({"units": problems})


def _check_membership(
    campaign: Campaign, existing: Mapping[int, CampaignUnit], wanted: set[int]
) -> tuple[set[int], set[int]]:
    """Draft: any set; open: the same units as before; never remove a unit with tokens."""
    added, removed = wanted - set(existing), set(existing) - wanted
    if campaign.status != CampaignStatus.DRAFT and (added or removed):
        raise ValidationError(
            {"units": _("Units can only be added or removed while the campaign is a draft.")}
        )
    with_tokens = SurveyToken.objects.filter(campaign=campaign, unit_id__in=removed)
    names = sorted({t.unit.name for t in with_tokens.select_related("unit")})
    if names:
        raise ValidationError(
            {
                "units": _("These units have one-time tokens and cannot be removed: %(units)s.")
                % {"units": ", ".join(names)}
            }
        )
    return added, removed


def set_units(campaign: Campaign, rows: Sequence[UnitRow], *, by: User) -> list[CampaignUnit]:
    """Make the campaign survey exactly `rows` (unit, population N or None, quota or None)."""
    require(Campaign.can_manage(by))
    _check_rows(rows)
    with transaction.atomic():
        current = _locked(campaign)
        _refuse_closed(current)
        existing = {cu.unit_id: cu for cu in current.surveyed_units.select_related("unit")}
        added, removed = _check_membership(current, existing, {u.pk for u, _p, _q in rows})
        for unit_id in removed:
            gone = existing[unit_id]
            gone._history_user = by  # type: ignore[attr-defined]
            gone.delete()
        changed = _write_rows(current, existing, rows, by=by)
        record_event(
            current,
            "campaign.units_set",
            by=by,
            data={
                "added": sorted(u.code for u, _p, _q in rows if u.pk in added),
                "removed": sorted(existing[i].unit.code for i in removed),
                "changed": changed,
            },
        )
    return list(current.surveyed_units.select_related("unit"))


def _write_rows(
    campaign: Campaign, existing: Mapping[int, CampaignUnit], rows: Sequence[UnitRow], *, by: User
) -> list[str]:
    """Create the new rows and save the changed ones; the codes of the units changed."""
    changed = []
    for unit, population, quota in rows:
        row = existing.get(unit.pk)
        if row is None:
            _save(
                CampaignUnit(campaign=campaign, unit=unit, population=population, quota=quota),
                by=by,
            )
        elif (row.population, row.quota) != (population, quota):
            row.population, row.quota = population, quota
            _save(row, by=by, update_fields=["population", "quota"])
            changed.append(unit.code)
    return sorted(changed)


def population_from_data(
    unit: Unit, starts_on: datetime.date, ends_on: datetime.date
) -> int | None:
    """The unit's transactions in the period counted from recorded dossiers, or None.

    Always None for now: the dossiers module (issue 6, administrative procedures) will count
    the dossiers the unit received between `starts_on` and `ends_on` here. Until then N is
    entered per unit.
    """
    return None


def population_of(row: CampaignUnit) -> tuple[int | None, str]:
    """N for a surveyed unit and where it comes from: "entered", "data" or "" (unknown)."""
    if row.population is not None:
        return row.population, "entered"
    campaign = row.campaign
    counted = population_from_data(row.unit, campaign.starts_on, campaign.ends_on)
    return (counted, "data") if counted is not None else (None, "")


def suggested_sample(row: CampaignUnit) -> int | None:
    """n = N / (1 + N x e^2) from the entered or counted population, None without N."""
    population, _source = population_of(row)
    return None if population is None else sample_size(population, row.campaign.margin)


def apply_suggested_quotas(campaign: Campaign, *, by: User) -> int:
    """Set each unit's quota to its suggested sample (units without N are left); how many
    quotas changed."""
    require(Campaign.can_manage(by))
    with transaction.atomic():
        current = _locked(campaign)
        _refuse_closed(current)
        changed = []
        for row in current.surveyed_units.select_related("unit", "campaign"):
            suggested = suggested_sample(row)
            if suggested is None or suggested == row.quota or suggested < 1:
                continue
            row.quota = suggested
            _save(row, by=by, update_fields=["quota"])
            changed.append(row.unit.code)
        if changed:
            record_event(current, "campaign.quotas_applied", by=by, data={"units": changed})
    return len(changed)


# Opening and closing -----------------------------------------------------------------------


def open_campaign(campaign: Campaign, *, by: User) -> Campaign:
    """Start collecting: needs at least one unit; locks the questionnaire version."""
    require(Campaign.can_manage(by))
    with transaction.atomic():
        current = _locked(campaign)
        if current.status != CampaignStatus.DRAFT:
            raise ValidationError(_("Only a draft campaign can be opened."))
        if not current.surveyed_units.exists():
            raise ValidationError({"units": _("Choose at least one unit to survey first.")})
        now = timezone.now()
        version = current.version
        if version.locked_at is None:
            version.locked_at = now
            _save(version, by=by, update_fields=["locked_at"])
        current.status, current.opened_at = CampaignStatus.OPEN, now
        _save(current, by=by, update_fields=["status", "opened_at"])
        record_event(
            current, "campaign.opened", by=by, data={"units": current.surveyed_units.count()}
        )
    return current


def close_campaign(campaign: Campaign, *, by: User) -> Campaign:
    """Stop collecting (paper forms already received can still be entered)."""
    require(Campaign.can_manage(by))
    with transaction.atomic():
        current = _locked(campaign)
        if current.status != CampaignStatus.OPEN:
            raise ValidationError(_("Only an open campaign can be closed."))
        current.status, current.closed_at = CampaignStatus.CLOSED, timezone.now()
        _save(current, by=by, update_fields=["status", "closed_at"])
        record_event(
            current, "campaign.closed", by=by, data={"responses": current.responses.count()}
        )
    return current


# The sample-size calculator ------------------------------------------------------------------


def sample_for(population: Any, margin: Any) -> int:
    """The calculator: n for N and e (a fraction, e.g. 0.05); ValidationError on bad input."""
    errors = {}
    try:
        size = int(population)
        if size < 0 or size > 100_000_000:
            raise ValueError
    except (TypeError, ValueError):
        errors["population"] = _("Enter a whole number of transactions from 0 to 100,000,000.")
    try:
        e = Decimal(str(margin))
        if not Decimal("0.001") <= e <= Decimal("0.5"):
            raise ValueError
    except (ArithmeticError, ValueError):
        errors["margin"] = _("Enter a margin of error between 0.1 % and 50 %.")
    if errors:
        raise ValidationError(errors)
    return sample_size(size, e)
