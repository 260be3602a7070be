"""Self-assessment: the unit's declarations and points, evidence, and submission."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.accounts.access import require
from cchc.accounts.models import User
from cchc.core.audit import record_event
from cchc.core.notify import notify
from cchc.core.services import store_attachment
from cchc.core.uploads import UploadRejected

from .. import calculations as calc
from ..models import Criterion, Evidence, Score, ScoreSheet, Stage
from ._common import appraisers_of, require_status, require_window, save, secretariat, url
from .recompute import recompute_sheet

DECLARED = ("numerator", "denominator", "value", "choice", "entered_points", "not_applicable")
NOT_EDITABLE = gettext_lazy("The sheet is no longer a draft: the unit cannot change it.")


def _require_draft(sheet: ScoreSheet) -> None:
    require_status(sheet.status, ScoreSheet.Status.DRAFT, message=NOT_EDITABLE)


def _check_declaration(criterion: Criterion, values: dict[str, Any]) -> None:
    """Score the declaration once to turn bad input into a message on the right field."""
    if values.get("not_applicable") and not criterion.allows_not_applicable:
        raise ValidationError({"not_applicable": _("This criterion is always applicable.")})
    inputs = calc.Inputs(
        points=values.get("entered_points"),
        choice=values.get("choice") or "",
        numerator=values.get("numerator"),
        denominator=values.get("denominator"),
        value=values.get("value"),
        not_applicable=bool(values.get("not_applicable")),
    )
    if calc.is_not_applicable(criterion.method, criterion.params, inputs):
        if not criterion.allows_not_applicable:
            raise ValidationError({"choice": _("This criterion is always applicable.")})
        return
    try:
        calc.node_points(criterion.method, criterion.params, criterion.max_points, inputs)
    except calc.ScoringError as exc:
        raise ValidationError({_field_of(criterion.method): str(exc)}) from exc


def _field_of(method: str) -> str:
    return {
        calc.Method.CHOICE: "choice",
        calc.Method.RATIO: "numerator",
        calc.Method.BANDS: "value",
    }.get(method, "entered_points")


def _editable_inputs(criterion: Criterion) -> set[str]:
    """What a unit declares for a criterion of this method."""
    by_method = {
        calc.Method.MANUAL: {"entered_points"},
        calc.Method.CHOICE: {"choice"},
        calc.Method.RATIO: {"numerator", "denominator"},
        calc.Method.BANDS: {"value"}
        if criterion.params.get("basis") == "number"
        else {"numerator", "denominator"},
    }
    fields = by_method.get(criterion.method, set())
    return fields | ({"not_applicable"} if criterion.allows_not_applicable else set())


@transaction.atomic
def self_score(score: Score, *, by: User, note: str | None = None, **declared: Any) -> Score:
    """The focal point (or head) declares numbers or points for one criterion.

    Survey criteria are entered by the secretariat, metric criteria come from cchc: for
    those only the note can be written.
    """
    sheet = score.sheet
    require(sheet.can_self_assess(by))
    _require_draft(sheet)
    require_window(sheet.round, Stage.SELF_ASSESSMENT, unit_id=sheet.unit_id)
    criterion = score.criterion
    unknown = set(declared) - set(DECLARED)
    if unknown:
        raise TypeError(f"Not declarable: {sorted(unknown)}")
    allowed = _editable_inputs(criterion) if criterion.source != "survey" else set()
    refused = {k for k, v in declared.items() if k not in allowed and v not in (None, "", False)}
    if refused:
        raise ValidationError(
            {next(iter(sorted(refused))): _("This criterion is not scored by the unit this way.")}
        )
    values = {f: getattr(score, f) for f in DECLARED} | {
        k: _number(k, v) for k, v in declared.items() if k in allowed
    }
    _check_declaration(criterion, values)
    if criterion.method == calc.Method.CHOICE:
        # "Not applicable" is stored as one flag whichever way it was declared, so totals
        # can be summed in SQL (`recompute.recompute_round`).
        values["not_applicable"] = calc.is_not_applicable(
            criterion.method, criterion.params, calc.Inputs(choice=values.get("choice") or "")
        )
    before = {f: _text(getattr(score, f)) for f in (*DECLARED, "note")}
    for field, value in values.items():
        setattr(score, field, value if value is not None or field != "choice" else "")
    if note is not None:
        score.note = note.strip()
    save(score, by=by)
    changes = {
        f: [before[f], _text(getattr(score, f))]
        for f in before
        if before[f] != _text(getattr(score, f))
    }
    recompute_sheet(sheet)
    score.refresh_from_db(fields=["self_points"])
    record_event(sheet, "score.self_scored", by=by, data={"criterion": criterion.code, **changes})
    return score


NUMBERS = frozenset({"numerator", "denominator", "value", "entered_points"})


def _number(field: str, value: Any) -> Any:
    """Declared numbers as Decimal (an int or a numeric string is accepted)."""
    if field not in NUMBERS or value is None or isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except ArithmeticError as exc:
        raise ValidationError({field: _("Enter a number.")}) from exc


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


@transaction.atomic
def enter_survey_points(score: Score, *, points: Decimal | None, by: User) -> Score:
    """The secretariat enters the survey part (criteria whose source is the survey)."""
    sheet = score.sheet
    require(sheet.round.can_manage(by))
    if score.criterion.source != "survey":
        raise ValidationError({"entered_points": _("This criterion is not from the survey.")})
    require_status(
        sheet.round.status,
        sheet.round.Status.OPEN,
        message=_("The round is compiled: survey points no longer change."),
    )
    if points is not None:
        try:
            calc.check_points(points, score.criterion.max_points)
        except calc.ScoringError as exc:
            raise ValidationError({"entered_points": str(exc)}) from exc
    before = _text(score.entered_points)
    score.entered_points = points
    save(score, by=by, update_fields=["entered_points"])
    recompute_sheet(sheet)
    score.refresh_from_db(fields=["self_points"])
    record_event(
        sheet,
        "score.survey_entered",
        by=by,
        data={"criterion": score.criterion.code, "points": [before, _text(points)]},
    )
    return score


# --- evidence -----------------------------------------------------------------------------


def _evidence_stage(score: Score, by: User) -> str:
    """Evidence goes with the self-assessment, or with an explanation asked for."""
    sheet = score.sheet
    if sheet.status == ScoreSheet.Status.DRAFT:
        require_window(sheet.round, Stage.SELF_ASSESSMENT, unit_id=sheet.unit_id)
        return Evidence.Stage.SELF
    if sheet.status == ScoreSheet.Status.APPRAISED_1 and score.needs_explanation:
        require_window(sheet.round, Stage.EXPLANATION, unit_id=sheet.unit_id)
        return Evidence.Stage.EXPLANATION
    raise ValidationError(
        _("Evidence can be added while self-assessing, or to explain a flagged criterion.")
    )


@transaction.atomic
def add_evidence_file(score: Score, upload: UploadedFile, *, by: User, note: str = "") -> Evidence:
    """Store a file (checked by content and size) as evidence for a score."""
    require(score.sheet.can_self_assess(by))
    stage = _evidence_stage(score, by)
    try:
        attachment = store_attachment(score, upload, by=by, description=note[:255])
    except UploadRejected as exc:
        raise ValidationError({"file": str(exc)}) from exc
    evidence = Evidence(score=score, stage=stage, attachment=attachment, note=note, added_by=by)
    save(evidence, by=by)
    _record_evidence(evidence, by)
    return evidence


@dataclass(frozen=True)
class Reference:
    kind: str
    pk: int
    label: str
    url: str


def referable(sheet: ScoreSheet, user: User) -> list[Reference]:
    """Records already in cchc the unit may cite: its plan progress reports in the year and
    the urging notices it received."""
    from cchc.plans.models import ProgressReport, UrgingNotice

    year = sheet.round.year
    reports = (
        ProgressReport.objects.visible_to(user)
        .filter(assignment__unit_id=sheet.unit_id, created_at__year__in=[year, year + 1])
        .select_related("assignment__task")
        .order_by("-created_at")[:200]
    )
    notices = UrgingNotice.objects.filter(
        assignments__unit_id=sheet.unit_id, year__in=[year, year + 1]
    ).distinct()[:100]
    found = [
        Reference(
            "progress_report",
            r.pk,
            _("Progress report on task %(task)s (%(date)s)")
            % {"task": r.assignment.task.code, "date": r.created_at.strftime("%d/%m/%Y")},
            url(r.assignment),
        )
        for r in reports
    ]
    found += [
        Reference(
            "urging_notice",
            n.pk,
            _("Urging notice %(number)s: %(subject)s") % {"number": n, "subject": n.subject},
            url(n) if hasattr(n, "get_absolute_url") else "",
        )
        for n in notices
    ]
    return found


@transaction.atomic
def add_evidence_reference(
    score: Score, *, kind: str, pk: int, by: User, note: str = ""
) -> Evidence:
    """Cite a record already in cchc (a progress report, an urging notice) as evidence."""
    require(score.sheet.can_self_assess(by))
    stage = _evidence_stage(score, by)
    match = [r for r in referable(score.sheet, by) if r.kind == kind and r.pk == pk]
    if not match:
        raise ValidationError({"reference": _("Choose a report or notice of your unit.")})
    ref = match[0]
    evidence = Evidence(
        score=score,
        stage=stage,
        reference_type=ref.kind,
        reference_id=ref.pk,
        reference_label=ref.label[:500],
        reference_url=ref.url,
        note=note,
        added_by=by,
    )
    save(evidence, by=by)
    _record_evidence(evidence, by)
    return evidence


def _record_evidence(evidence: Evidence, by: User) -> None:
    record_event(
        evidence.score.sheet,
        "evidence.added",
        by=by,
        data={
            "criterion": evidence.score.criterion.code,
            "evidence": evidence.pk,
            "file": evidence.attachment.original_name if evidence.attachment else "",
            "reference": evidence.reference_label,
            "stage": evidence.stage,
        },
    )


@transaction.atomic
def withdraw_evidence(evidence: Evidence, *, by: User) -> Evidence:
    """Take back a piece of evidence while its stage is still open (it stays on record)."""
    score = evidence.score
    require(score.sheet.can_self_assess(by))
    if evidence.withdrawn_at is not None:
        raise ValidationError(_("This evidence is already withdrawn."))
    if _evidence_stage(score, by) != evidence.stage:
        raise ValidationError(_("This evidence belongs to a stage that is closed."))
    evidence.withdrawn_at = timezone.now()
    save(evidence, by=by, update_fields=["withdrawn_at"])
    record_event(
        score.sheet,
        "evidence.withdrawn",
        by=by,
        data={"criterion": score.criterion.code, "evidence": evidence.pk},
    )
    return evidence


# --- what is missing, and submission ------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    code: str
    name: str
    reason: str


def missing_items(sheet: ScoreSheet) -> list[Missing]:
    """What still stops the unit from submitting: unscored criteria, and criteria with
    neither evidence nor an explanation of why it is missing."""
    scores = (
        sheet.scores.filter(criterion__source="self_assessment")
        .select_related("criterion")
        .order_by("criterion__position")
    )
    with_evidence = set(
        Evidence.objects.filter(score__sheet=sheet, withdrawn_at__isnull=True).values_list(
            "score_id", flat=True
        )
    )
    out = []
    for score in scores:
        c = score.criterion
        if c.method == calc.Method.METRIC or (c.kind != "normal" and score.self_points is None):
            continue
        na = calc.is_not_applicable(c.method, c.params, score.inputs())
        if score.self_points is None and not na:
            out.append(Missing(c.code, c.name, _("not scored yet")))
        elif score.pk not in with_evidence and not score.note.strip():
            out.append(Missing(c.code, c.name, _("no evidence and no explanation")))
    return out


@transaction.atomic
def submit_sheet(sheet: ScoreSheet, *, by: User) -> ScoreSheet:
    """The head of unit signs off the self-assessment; the sheet locks for the unit."""
    require(sheet.can_submit(by))
    _require_draft(sheet)
    require_window(sheet.round, Stage.SELF_ASSESSMENT, unit_id=sheet.unit_id)
    recompute_sheet(sheet)
    missing = missing_items(sheet)
    if missing:
        listed = "; ".join(f"{m.code} ({m.reason})" for m in missing[:10])
        more = len(missing) - 10
        if more > 0:
            listed += " " + _("and %(n)s more") % {"n": more}
        raise ValidationError(
            _("The sheet cannot be submitted yet: %(items)s.") % {"items": listed}
        )
    sheet.status = ScoreSheet.Status.SUBMITTED
    sheet.submitted_by, sheet.submitted_at = by, timezone.now()
    save(sheet, by=by, update_fields=["status", "submitted_by", "submitted_at"])
    record_event(sheet, "sheet.submitted", by=by, data={"self_total": str(sheet.self_total)})
    text = _("%(unit)s submitted its self-assessment for %(round)s.") % {
        "unit": sheet.unit,
        "round": sheet.round.name,
    }
    people = list(secretariat()) + list(appraisers_of(sheet.round))
    notify(
        people,
        verb="sheet.submitted",
        text=text,
        url=url(sheet),
        email_subject=text,
        email_body=text,
    )
    return sheet
