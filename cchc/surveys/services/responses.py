"""Accepting and invalidating responses.

`submit_response` is the one way a response is created (public form, API, paper entry,
import): it checks the campaign and the answers, consumes a one-time token when one is given,
stores the response with its time cut to the hour and updates the counts — all in one
transaction, so a refused submission leaves nothing behind (not even a used token).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.accounts.access import require
from cchc.accounts.models import User
from cchc.core.audit import record_event, register_verbs

from ..answers import AnswersInvalid, clean_answers, spec_for
from ..models import Campaign, CampaignStatus, CampaignUnit, Channel, Response, SurveyToken
from . import tallies

register_verbs(
    {
        "response.invalidated": gettext_lazy("invalidated a survey response"),
        "response.entered": gettext_lazy("entered a paper survey form"),
    }
)

PUBLIC_CHANNELS = frozenset({Channel.WEB, Channel.API})


def hour_of(moment: datetime.datetime) -> datetime.datetime:
    """The moment cut to the hour (local time): all that is kept of when a response came."""
    local = timezone.localtime(moment)
    return local.replace(minute=0, second=0, microsecond=0)


def fingerprint(
    target: CampaignUnit, procedure_code: str, hour: datetime.datetime, answers: Mapping[str, Any]
) -> str:
    """Same unit, procedure, hour and answers give the same fingerprint (duplicate report)."""
    canonical = json.dumps(answers, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    raw = f"{target.campaign_id}|{target.unit_id}|{procedure_code}|{hour.isoformat()}|{canonical}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _check_campaign(target: CampaignUnit, channel: str, today: datetime.date) -> None:
    campaign = target.campaign
    if channel in PUBLIC_CHANNELS:
        if campaign.status != CampaignStatus.OPEN:
            raise AnswersInvalid({"campaign": [_("This survey is not collecting answers.")]})
        if not campaign.starts_on <= today <= campaign.ends_on:
            raise AnswersInvalid(
                {"campaign": [_("This survey runs from %(start)s to %(end)s.") % _period(campaign)]}
            )
    elif campaign.status == CampaignStatus.DRAFT:
        raise AnswersInvalid({"campaign": [_("This survey has not started yet.")]})


def _period(campaign: Campaign) -> dict[str, str]:
    return {
        "start": campaign.starts_on.strftime("%d/%m/%Y"),
        "end": campaign.ends_on.strftime("%d/%m/%Y"),
    }


def _check_procedure(campaign: Campaign, procedure_code: str) -> None:
    codes = {p.get("code") for p in campaign.procedures}
    if procedure_code and campaign.procedures and procedure_code not in codes:
        raise AnswersInvalid({"procedure": [_("This procedure is not part of the survey.")]})


def _consume_token(target: CampaignUnit, code: str, hour: datetime.datetime) -> None:
    """Mark the token used, once (one conditional UPDATE, safe under concurrency); refused if
    unknown, already used, or printed for another unit."""
    fresh = SurveyToken.objects.filter(
        Q(unit__isnull=True) | Q(unit_id=target.unit_id),
        campaign_id=target.campaign_id,
        code=code.strip().lower(),
        used_hour__isnull=True,
    )
    if not fresh.update(used_hour=hour):
        raise AnswersInvalid({"token": [_("This code is not valid or has already been used.")]})


def submit_response(
    target: CampaignUnit,
    raw_answers: Mapping[str, Any],
    *,
    channel: str,
    token: str = "",
    procedure_code: str = "",
    by: User | None = None,
    verified_by: User | None = None,
    paper_serial: str = "",
    import_batch: str = "",
    submitted_at: datetime.datetime | None = None,
    unknown_is_error: bool = True,
) -> Response:
    """Check and store one response; `AnswersInvalid` names every problem, nothing is saved."""
    campaign = target.campaign
    now = timezone.now()
    _check_campaign(target, channel, timezone.localdate(now))
    _check_procedure(campaign, procedure_code)
    spec = spec_for(campaign.version)
    answers = clean_answers(spec, raw_answers, unknown_is_error=unknown_is_error)
    if not answers:
        raise AnswersInvalid({"": [_("The form is empty: answer at least one question.")]})
    hour = hour_of(submitted_at or now)
    needs_token = campaign.tokens_required and channel in PUBLIC_CHANNELS
    if needs_token and not token.strip():
        raise AnswersInvalid({"token": [_("Enter the code printed on your receipt.")]})
    with transaction.atomic():
        if token.strip():
            _consume_token(target, token, hour)
        response = Response.objects.create(
            campaign=campaign,
            unit_id=target.unit_id,
            procedure_code=procedure_code,
            channel=channel,
            submitted_hour=hour,
            answers=answers,
            fingerprint=fingerprint(target, procedure_code, hour, answers),
            entered_by=by if channel not in PUBLIC_CHANNELS else None,
            verified_by=verified_by,
            paper_serial=paper_serial,
            import_batch=import_batch,
        )
        tallies.apply(
            campaign.pk, target.unit_id, procedure_code, tallies.counted(spec, answers), 1
        )
    return response


def invalidate_response(response: Response, *, reason: str, by: User) -> Response:
    """Take a response out of every count, with a reason (audited). Never edits the answers."""
    require(Campaign.can_manage(by))
    reason = reason.strip()
    if not reason:
        raise AnswersInvalid({"reason": [_("Give the reason for invalidating this response.")]})
    with transaction.atomic():
        locked = Response.objects.select_for_update().get(pk=response.pk)
        if not locked.is_valid:
            raise AnswersInvalid({"": [_("This response is already invalid.")]})
        spec = spec_for(locked.campaign.version)
        Response.objects.filter(pk=locked.pk).update(
            is_valid=False, invalid_reason=reason, invalidated_by=by, invalidated_at=timezone.now()
        )
        tallies.apply(
            locked.campaign_id,
            locked.unit_id,
            locked.procedure_code,
            tallies.counted(spec, locked.answers),
            -1,
        )
        record_event(
            locked,
            "response.invalidated",
            by=by,
            data={"campaign": locked.campaign.code, "reason": reason},
            changes={"is_valid": [True, False]},
        )
    locked.refresh_from_db()
    return locked
