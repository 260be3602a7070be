"""Appraisal: round 1 with flags, the unit's explanations, round 2."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.access import require
from cchc.accounts.models import User
from cchc.core.audit import record_event
from cchc.core.notify import notify

from .. import calculations as calc
from ..models import Score, ScoreSheet, Stage
from ._common import appraisers_of, require_status, require_window, save, unit_people, url
from .recompute import recompute_sheet

Status = ScoreSheet.Status


def can_appraise(score: Score, user: User) -> bool:
    return score.criterion.area_code in score.sheet.appraised_areas(user)


def _check_points(score: Score, points: Decimal) -> None:
    step = calc._decimal(score.criterion.params.get("step"))
    try:
        calc.check_points(points, score.criterion.max_points, step)
    except calc.ScoringError as exc:
        raise ValidationError({"points": str(exc)}) from exc


@transaction.atomic
def appraise(
    score: Score,
    *,
    round_no: int,
    points: Decimal,
    comment: str = "",
    needs_explanation: bool = False,
    by: User,
) -> Score:
    """An appraiser of the criterion's area scores it in round 1 (with an optional flag
    asking the unit to explain) or round 2 (final)."""
    sheet = score.sheet
    require(can_appraise(score, by))
    if round_no == 1:
        require_status(
            sheet.status,
            Status.SUBMITTED,
            message=_("Round 1 is for submitted sheets that are not yet appraised."),
        )
        require_window(sheet.round, Stage.APPRAISAL_1)
    elif round_no == 2:
        require_status(
            sheet.status,
            Status.APPRAISED_1,
            Status.EXPLAINED,
            message=_("Round 2 comes after round 1 and the unit's explanation."),
        )
        require_window(sheet.round, Stage.APPRAISAL_2)
    else:
        raise ValueError(round_no)
    _check_points(score, points)
    if needs_explanation and not comment.strip():
        raise ValidationError({"comment": _("Say what the unit should explain.")})
    before = str(getattr(score, f"round_{round_no}_points"))
    setattr(score, f"round_{round_no}_points", points)
    setattr(score, f"round_{round_no}_comment", comment.strip())
    if round_no == 1:
        score.needs_explanation = needs_explanation
    score.appraised_by = by
    save(score, by=by)
    recompute_sheet(sheet)
    record_event(
        sheet,
        "score.appraised",
        by=by,
        data={
            "criterion": score.criterion.code,
            "round": round_no,
            "points": [before, str(points)],
            "needs_explanation": score.needs_explanation,
        },
    )
    return score


def _fill_missing(sheet: ScoreSheet, field: str, source: str, by: User) -> int:
    """Criteria an appraiser left untouched keep the points they had (accepted)."""
    filled = 0
    for score in sheet.scores.filter(**{f"{field}__isnull": True}).exclude(
        **{f"{source}__isnull": True}
    ):
        setattr(score, field, getattr(score, source))
        save(score, by=by, update_fields=[field])
        filled += 1
    return filled


@transaction.atomic
def close_round_1(sheet: ScoreSheet, *, by: User) -> ScoreSheet:
    """The secretariat closes round 1 of a sheet; the unit is asked to explain the flags."""
    require(sheet.round.can_manage(by))
    require_status(
        sheet.status, Status.SUBMITTED, message=_("Only a submitted sheet is in round 1.")
    )
    accepted = _fill_missing(sheet, "round_1_points", "self_points", by)
    sheet.status = Status.APPRAISED_1
    save(sheet, by=by, update_fields=["status"])
    recompute_sheet(sheet)
    flagged = sheet.scores.filter(needs_explanation=True).count()
    record_event(sheet, "sheet.appraised_1", by=by, data={"flagged": flagged, "accepted": accepted})
    if flagged:
        text = _(
            "%(round)s: the appraisers ask your unit to explain %(n)s criteria by %(date)s."
        ) % {
            "round": sheet.round.name,
            "n": flagged,
            "date": sheet.round.explanation_to.strftime("%d/%m/%Y"),
        }
    else:
        text = _("%(round)s: round 1 of your sheet is closed with nothing to explain.") % {
            "round": sheet.round.name
        }
    notify(
        unit_people(sheet.unit_id),
        verb="sheet.appraised_1",
        text=text,
        url=url(sheet),
        email_subject=text,
        email_body=text,
    )
    return sheet


@transaction.atomic
def explain(score: Score, *, text: str, by: User) -> Score:
    """The unit answers a flagged criterion (evidence goes with `add_evidence_file`)."""
    sheet = score.sheet
    require(sheet.can_self_assess(by))
    require_status(
        sheet.status,
        Status.APPRAISED_1,
        message=_("Explanations are written after round 1 and before they are sent."),
    )
    if not score.needs_explanation:
        raise ValidationError(
            {"explanation": _("The appraisers did not ask about this criterion.")}
        )
    require_window(sheet.round, Stage.EXPLANATION, unit_id=sheet.unit_id)
    if not text.strip():
        raise ValidationError({"explanation": _("Write the explanation.")})
    before = score.explanation
    score.explanation = text.strip()
    save(score, by=by, update_fields=["explanation"])
    record_event(
        sheet,
        "score.explained",
        by=by,
        data={"criterion": score.criterion.code, "explanation": [before, score.explanation]},
    )
    return score


@transaction.atomic
def send_explanations(sheet: ScoreSheet, *, by: User) -> ScoreSheet:
    """The unit sends its explanations back to the appraisers."""
    require(sheet.can_self_assess(by))
    require_status(sheet.status, Status.APPRAISED_1, message=_("There is nothing to send."))
    require_window(sheet.round, Stage.EXPLANATION, unit_id=sheet.unit_id)
    unanswered = list(
        sheet.scores.filter(needs_explanation=True, explanation="").values_list(
            "criterion__code", flat=True
        )
    )
    if unanswered:
        raise ValidationError(
            _("Explain every flagged criterion first: %(codes)s.")
            % {"codes": ", ".join(unanswered)}
        )
    sheet.status, sheet.explained_at = Status.EXPLAINED, timezone.now()
    save(sheet, by=by, update_fields=["status", "explained_at"])
    record_event(sheet, "sheet.explained", by=by)
    text = _("%(unit)s sent its explanations for %(round)s.") % {
        "unit": sheet.unit,
        "round": sheet.round.name,
    }
    notify(appraisers_of(sheet.round), verb="sheet.explained", text=text, url=url(sheet))
    return sheet


@transaction.atomic
def close_round_2(sheet: ScoreSheet, *, by: User) -> ScoreSheet:
    """The secretariat closes round 2: the appraised points are final."""
    require(sheet.round.can_manage(by))
    require_status(
        sheet.status,
        Status.APPRAISED_1,
        Status.EXPLAINED,
        message=_("Round 2 closes after round 1."),
    )
    accepted = _fill_missing(sheet, "round_2_points", "round_1_points", by)
    sheet.status = Status.FINAL
    save(sheet, by=by, update_fields=["status"])
    recompute_sheet(sheet)
    record_event(
        sheet, "sheet.finalised", by=by, data={"accepted": accepted, "index": str(sheet.index)}
    )
    text = _("%(round)s: the appraisal of your sheet is final: %(index)s %%.") % {
        "round": sheet.round.name,
        "index": sheet.index,
    }
    notify(unit_people(sheet.unit_id), verb="sheet.finalised", text=text, url=url(sheet))
    return sheet
