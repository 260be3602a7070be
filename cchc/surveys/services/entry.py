"""Paper forms typed in by staff, optionally twice (blind double entry), and the reading side
of the secretariat's response pages (filters, answer summaries, duplicate groups).

Single entry: the typing becomes a response at once (`submit_response`, channel "paper"),
and a `PaperEntry` (entry 1) keeps who typed which form. Double entry: the first typing is
kept as entry 1 and nothing is counted; a different person types the same form again without
seeing the first typing. When both typings agree the response is created (entered by the
first typist, verified by the second); when they differ both are kept and the secretariat or
the unit settles each differing question (`compare`, `settle`). A form number that has become
a response cannot be entered again.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.accounts.access import require
from cchc.accounts.models import User
from cchc.core.audit import record_event, register_verbs

from ..answers import AnswersInvalid, VersionSpec, clean_answers, spec_for
from ..models import (
    Campaign,
    CampaignStatus,
    CampaignUnit,
    Channel,
    PaperEntry,
    QuestionnaireVersion,
    Response,
)
from .responses import submit_response

register_verbs(
    {
        "paper.first_entry": gettext_lazy("typed a paper survey form (first entry)"),
        "paper.second_entry": gettext_lazy("typed a paper survey form (second entry)"),
        "paper.settled": gettext_lazy("settled the differences between two entries of a form"),
    }
)

SERIAL_MAX = 64
PROCEDURE = "procedure"  # the pseudo question code under which a differing procedure is shown


class EntryStatus:
    """Where a form number stands (not stored: derived from its entries)."""

    WAITING = "waiting"  # first typing kept, the second not made yet
    DIFFERS = "differs"  # both typed, they differ: to be settled
    ENTERED = "entered"  # a response exists


@dataclass(frozen=True)
class DiffLine:
    """One question of a twice-typed form: both typings and whether they agree."""

    code: str
    text: str
    first: str
    second: str
    first_value: Any
    second_value: Any
    same: bool


# Who and what ------------------------------------------------------------------------------


def enterable_units(campaign: Campaign, user: User) -> QuerySet[CampaignUnit]:
    """The campaign's units this person may type or import forms for."""
    units = campaign.surveyed_units.select_related("unit").order_by("unit__name")
    if Campaign.can_manage(user):
        return units
    if not user.is_authenticated:
        return units.none()
    return units.filter(unit_id__in=user.access.own_unit_ids)


def may_enter_any(campaign: Campaign, user: User) -> bool:
    return enterable_units(campaign, user).exists()


def _refuse(field: str, message: str) -> AnswersInvalid:
    return AnswersInvalid({field: [message]})


def _clean_serial(serial: str) -> str:
    serial = (serial or "").strip()
    if not serial:
        raise _refuse("serial", _("Enter the number written on the paper form."))
    if len(serial) > SERIAL_MAX:
        raise _refuse("serial", _("At most %(n)d characters.") % {"n": SERIAL_MAX})
    return serial


def _check_campaign(campaign: Campaign, procedure_code: str) -> None:
    if campaign.status == CampaignStatus.DRAFT:
        raise _refuse("campaign", _("This survey has not started yet."))
    codes = {p.get("code") for p in campaign.procedures}
    if procedure_code and campaign.procedures and procedure_code not in codes:
        raise _refuse("procedure", _("This procedure is not part of the survey."))


def _clean(campaign: Campaign, raw: Mapping[str, Any]) -> dict[str, Any]:
    answers = clean_answers(spec_for(campaign.version), raw)
    if not answers:
        raise _refuse("", _("The form is empty: answer at least one question."))
    return answers


def _entries(target: CampaignUnit, serial: str) -> QuerySet[PaperEntry]:
    return PaperEntry.objects.filter(
        campaign_id=target.campaign_id, unit_id=target.unit_id, serial=serial
    ).order_by("entry_no")


def _already_entered(target: CampaignUnit, serial: str) -> AnswersInvalid:
    return _refuse(
        "serial",
        _("Form number %(serial)s has already been entered for this unit.") % {"serial": serial},
    )


def _audit(obj: Any, verb: str, target: CampaignUnit, serial: str, by: User) -> None:
    data = {"campaign": target.campaign.code, "unit": target.unit_id, "serial": serial}
    record_event(obj, verb, by=by, data=data)


# Typing ----------------------------------------------------------------------------------


def enter_paper(
    target: CampaignUnit,
    serial: str,
    raw_answers: Mapping[str, Any],
    *,
    by: User,
    procedure_code: str = "",
) -> PaperEntry | Response:
    """Type one paper form. Returns the response when one was created (single entry, or a
    second typing that agrees), else the kept `PaperEntry` (first typing, or a second one that
    differs: see `status_of`). `AnswersInvalid` names each problem; nothing is then saved."""
    campaign = target.campaign
    require(campaign.can_enter_for(by, target.unit_id))
    serial = _clean_serial(serial)
    procedure_code = (procedure_code or "").strip()
    _check_campaign(campaign, procedure_code)
    answers = _clean(campaign, raw_answers)
    try:
        with transaction.atomic():
            return _enter(target, serial, answers, procedure_code, by)
    except IntegrityError as exc:  # the same entry typed at the same moment by someone else
        raise _refuse("serial", _("This form number was just entered; reload the page.")) from exc


def _enter(
    target: CampaignUnit, serial: str, answers: dict[str, Any], procedure_code: str, by: User
) -> PaperEntry | Response:
    entries = list(_entries(target, serial).select_for_update())
    used = Response.objects.filter(
        campaign_id=target.campaign_id, unit_id=target.unit_id, paper_serial=serial
    )
    if any(e.response_id for e in entries) or used.exists():
        raise _already_entered(target, serial)
    if len(entries) >= 2:
        raise _refuse(
            "serial",
            _("Both entries of this form have been made and they differ; settle them."),
        )
    if entries:
        return _second(target, entries[0], answers, procedure_code, by)
    first = PaperEntry.objects.create(
        campaign_id=target.campaign_id,
        unit_id=target.unit_id,
        serial=serial,
        entry_no=1,
        procedure_code=procedure_code,
        answers=answers,
        entered_by=by,
    )
    if target.campaign.double_entry:
        _audit(first, "paper.first_entry", target, serial, by)
        return first
    response = _respond(target, first, answers, procedure_code, entered_by=by, verified_by=None)
    _audit(response, "response.entered", target, serial, by)
    return response


def _second(
    target: CampaignUnit,
    first: PaperEntry,
    answers: dict[str, Any],
    procedure_code: str,
    by: User,
) -> PaperEntry | Response:
    if first.entered_by_id == by.pk:
        raise _refuse("serial", _("The second entry must be made by someone else."))
    second = PaperEntry.objects.create(
        campaign_id=target.campaign_id,
        unit_id=target.unit_id,
        serial=first.serial,
        entry_no=2,
        procedure_code=procedure_code,
        answers=answers,
        entered_by=by,
    )
    _audit(second, "paper.second_entry", target, first.serial, by)
    if first.answers != answers or first.procedure_code != procedure_code:
        return second
    response = _respond(
        target, first, answers, procedure_code, entered_by=first.entered_by, verified_by=by
    )
    _audit(response, "response.entered", target, first.serial, by)
    return response


def _respond(
    target: CampaignUnit,
    first: PaperEntry,
    answers: dict[str, Any],
    procedure_code: str,
    *,
    entered_by: User,
    verified_by: User | None,
) -> Response:
    response = submit_response(
        target,
        answers,
        channel=Channel.PAPER,
        procedure_code=procedure_code,
        by=entered_by,
        verified_by=verified_by,
        paper_serial=first.serial,
    )
    _entries(target, first.serial).update(response=response)
    return response


def status_of(entries: list[PaperEntry]) -> str:
    """The status of a form number from its entries (in entry order)."""
    if any(e.response_id for e in entries):
        return EntryStatus.ENTERED
    return EntryStatus.DIFFERS if len(entries) >= 2 else EntryStatus.WAITING


def pending(campaign: Campaign, user: User) -> list[dict[str, Any]]:
    """Form numbers typed but not yet a response, for the units this person may enter for:
    [{unit, target (its CampaignUnit id), serial, status, first (the entry 1), second (entry 2
    or None)}]. No answers."""
    targets = dict(enterable_units(campaign, user).values_list("unit_id", "pk"))
    entries = (
        PaperEntry.objects.filter(campaign=campaign, unit_id__in=targets, response__isnull=True)
        .select_related("unit", "entered_by")
        .order_by("unit__name", "serial", "entry_no")
    )
    grouped: dict[tuple[int, str], list[PaperEntry]] = {}
    for entry in entries:
        grouped.setdefault((entry.unit_id, entry.serial), []).append(entry)
    return [
        {
            "unit": rows[0].unit,
            "target": targets[unit_id],
            "serial": serial,
            "status": status_of(rows),
            "first": rows[0],
            "second": rows[1] if len(rows) > 1 else None,
        }
        for (unit_id, serial), rows in grouped.items()
    ]


# Comparing and settling -------------------------------------------------------------------


def _typed_twice(target: CampaignUnit, serial: str, user: User) -> tuple[PaperEntry, PaperEntry]:
    require(target.campaign.can_enter_for(user, target.unit_id))
    entries = list(_entries(target, (serial or "").strip()).select_related("entered_by"))
    if any(e.response_id for e in entries):
        raise _already_entered(target, serial)
    if len(entries) < 2:
        # Never show the first typing before the second is made: the second must be blind.
        raise _refuse("serial", _("This form has not been typed twice yet."))
    return entries[0], entries[1]


def compare(target: CampaignUnit, serial: str, *, by: User) -> list[DiffLine]:
    """Both typings of a form, question by question (the procedure first)."""
    first, second = _typed_twice(target, serial, by)
    return _diff(target.campaign, first, second)


def _diff(campaign: Campaign, first: PaperEntry, second: PaperEntry) -> list[DiffLine]:
    lines = [
        DiffLine(
            code=PROCEDURE,
            text=str(_("Procedure")),
            first=campaign.procedure_name(first.procedure_code) if first.procedure_code else "",
            second=campaign.procedure_name(second.procedure_code) if second.procedure_code else "",
            first_value=first.procedure_code,
            second_value=second.procedure_code,
            same=first.procedure_code == second.procedure_code,
        )
    ]
    for q in spec_for(campaign.version).questions:
        a, b = first.answers.get(q.code), second.answers.get(q.code)
        shown_a, shown_b = answer_text(q.values, a), answer_text(q.values, b)
        lines.append(DiffLine(q.code, q.text, shown_a, shown_b, a, b, same=a == b))
    return lines


def settle(target: CampaignUnit, serial: str, choices: Mapping[str, Any], *, by: User) -> Response:
    """Create the response of a form whose two typings differ: `choices` maps each differing
    question code (and "procedure" when it differs) to 1 or 2, the typing to keep."""
    first, second = _typed_twice(target, serial, by)
    chosen: dict[str, Any] = {}
    problems: dict[str, list[str]] = {}
    for line in _diff(target.campaign, first, second):
        if line.same:
            continue
        pick = str(choices.get(line.code, "")).strip()
        if pick not in ("1", "2"):
            problems[line.code] = [_("Choose the first or the second entry.")]
        else:
            chosen[line.code] = line.first_value if pick == "1" else line.second_value
    if problems:
        raise AnswersInvalid(problems)
    procedure_code = chosen.pop(PROCEDURE, first.procedure_code)
    answers = {**first.answers, **chosen}
    answers = {code: value for code, value in answers.items() if value is not None}
    with transaction.atomic():
        if _entries(target, first.serial).select_for_update().filter(response__isnull=False):
            raise _already_entered(target, serial)
        response = _respond(
            target, first, answers, procedure_code, entered_by=first.entered_by, verified_by=by
        )
        _audit(response, "paper.settled", target, first.serial, by)
    return response


# Reading ---------------------------------------------------------------------------------


def answer_text(labels: Mapping[int, str] | None, value: Any) -> str:
    """An answer as a person reads it: "4 - Satisfied", picks joined by "; ", or the text.

    `labels` is the question's `QuestionSpec.values` (scale labels are lazy: they read in the
    page's language although the spec is cached)."""
    if value is None or value == "" or value == []:
        return ""
    if not labels:
        return str(value)
    picks = value if isinstance(value, list) else [value]
    return "; ".join(f"{v} - {labels.get(int(v), '?')}" for v in picks)


def answers_summary(spec: VersionSpec, answers: Mapping[str, Any], *, limit: int = 24) -> str:
    """A one-line view of a response for lists: "c11=5 c12=4 expect=1,3 comment=Cán bộ…"."""
    parts = []
    for q in spec.questions:
        value = answers.get(q.code)
        if value is None:
            continue
        text = ",".join(str(v) for v in value) if isinstance(value, list) else str(value)
        parts.append(f"{q.code}={text[:limit]}{'…' if len(text) > limit else ''}")
    return " ".join(parts)


def answer_lines(
    version: QuestionnaireVersion, answers: Mapping[str, Any]
) -> list[tuple[str, str, str]]:
    """(code, question, answer) for every question of the version, in order."""
    return [
        (q.code, q.text, answer_text(q.values, answers.get(q.code)))
        for q in spec_for(version).questions
    ]


def filter_responses(
    responses: QuerySet[Response],
    *,
    unit_id: int | None = None,
    channel: str = "",
    valid: bool | None = None,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
) -> QuerySet[Response]:
    """Narrow a response list (every filter optional; the hour range is inclusive)."""
    if unit_id:
        responses = responses.filter(unit_id=unit_id)
    if channel:
        responses = responses.filter(channel=channel)
    if valid is not None:
        responses = responses.filter(is_valid=valid)
    if since:
        responses = responses.filter(submitted_hour__gte=since)
    if until:
        responses = responses.filter(submitted_hour__lte=until)
    return responses


def duplicate_groups(campaign: Campaign, user: User) -> list[dict[str, Any]]:
    """Valid responses sharing a fingerprint (same unit, procedure, hour and answers), with
    how many share it: one grouped query, then one query for the members."""
    require(Campaign.can_manage(user))
    valid = Response.objects.filter(campaign=campaign, is_valid=True)
    groups = list(
        valid.values("fingerprint", "unit_id", "procedure_code", "submitted_hour")
        .annotate(count=Count("id"), first_id=Min("id"))
        .filter(count__gt=1)
        .order_by("-count", "-submitted_hour")
    )
    members: dict[str, list[Response]] = {}
    rows = valid.filter(fingerprint__in=[g["fingerprint"] for g in groups]).select_related("unit")
    for response in rows.order_by("id"):
        members.setdefault(response.fingerprint, []).append(response)
    for group in groups:
        group["responses"] = members.get(group["fingerprint"], [])
        group["unit"] = group["responses"][0].unit if group["responses"] else None
    return groups


def check_unit(campaign: Campaign, unit_id: Any) -> CampaignUnit:
    """The campaign's surveyed unit with this unit id, or a ValidationError naming `unit`."""
    try:
        return campaign.surveyed_units.select_related("unit", "campaign").get(unit_id=unit_id)
    except (CampaignUnit.DoesNotExist, ValueError, TypeError) as exc:
        raise ValidationError({"unit": [_("This unit is not surveyed in this campaign.")]}) from exc
