"""PAR Index API: score sheets — self-assessment, evidence, submission, appraisal, explanations."""

import json
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Status
from ninja.pagination import PageNumberPagination, paginate
from pydantic import ValidationError as PydanticError

from cchc.accounts.roles import Role

from ..models import Evidence, Round, Score, ScoreSheet
from ..services import appraisal, sheets
from ._common import (
    PAGE,
    fields_as,
    get_evidence,
    get_round,
    get_score,
    get_sheet,
    router,
    visible_sheets,
)
from .schemas import (
    AppraisalIn,
    EvidenceOut,
    ExplanationIn,
    ReferenceIn,
    ScoreOut,
    SelfScoreIn,
    SheetDetailOut,
    SheetOut,
    SurveyIn,
    answers,
)

# What the API returns ----------------------------------------------------------------


def evidence_row(evidence: Evidence) -> dict[str, Any]:
    attachment = evidence.attachment
    return {
        "id": evidence.pk,
        "score_id": evidence.score_id,
        "stage": evidence.stage,
        "kind": "file" if attachment else "reference",
        "file_name": attachment.original_name if attachment else "",
        "file_url": reverse("core:attachment-download", args=[attachment.pk]) if attachment else "",
        "reference_type": evidence.reference_type,
        "reference_id": evidence.reference_id,
        "reference_label": evidence.reference_label,
        "reference_url": evidence.reference_url,
        "note": evidence.note,
        "added_at": evidence.added_at,
        "withdrawn_at": evidence.withdrawn_at,
    }


def score_row(score: Score, evidence: list[Evidence] | None = None) -> dict[str, Any]:
    """One score as the API writes it (read again with its evidence when `evidence` is not
    given: a service may have changed it in the database only)."""
    if evidence is None:
        score.refresh_from_db()
        evidence = list(score.evidence.select_related("attachment"))
    c = score.criterion
    return {
        "id": score.pk,
        "criterion_id": c.pk,
        "code": c.code,
        "name": c.name,
        "area_code": c.area_code,
        "max_points": c.max_points,
        "source": c.source,
        "kind": c.kind,
        "method": c.method,
        "declared": {f: getattr(score, f) for f in sheets.DECLARED},
        "note": score.note,
        "metric": score.metric_value,
        "metric_data": score.metric_data,
        "self_points": score.self_points,
        "round_1_points": score.round_1_points,
        "round_1_comment": score.round_1_comment,
        "needs_explanation": score.needs_explanation,
        "explanation": score.explanation,
        "round_2_points": score.round_2_points,
        "round_2_comment": score.round_2_comment,
        "appraised_points": score.appraised_points,
        "evidence": [evidence_row(e) for e in evidence],
    }


def sees_every_area(sheet: ScoreSheet, user: Any) -> bool:
    """Whether `user` reads every score of the sheet: managers, the unit itself, and those
    who see the sheet for another reason than appraising (council on a compiled round,
    everyone once published). An appraiser otherwise reads the areas assigned to them."""
    access = user.access
    if access.can_manage_units or sheet.is_own(user) or sheet.round.is_published:
        return True
    reviewing = (Round.Status.COMPILED, Round.Status.APPROVED)
    if access.has_role(Role.COUNCIL_MEMBER) and sheet.round.status in reviewing:
        return True
    return not sheet.round.appraisers.filter(appraiser=user).exists()


def sheet_detail(sheet: ScoreSheet, user: Any) -> dict[str, Any]:
    detail = SheetOut.from_orm(sheet).dict()
    areas = sheet.appraised_areas(user)
    scores = sheet.scores.select_related("criterion").order_by("criterion__position")
    if not sees_every_area(sheet, user):
        scores = scores.filter(criterion__area_code__in=areas)
    scores = list(scores)
    evidence: dict[int, list[Evidence]] = {s.pk: [] for s in scores}
    rows = Evidence.objects.filter(score__in=scores).select_related("attachment")
    for e in rows:
        evidence[e.score_id].append(e)
    detail |= {
        "areas": sheet.areas,
        "missing_items": [vars(m) for m in sheets.missing_items(sheet)],
        "can_self_assess": sheet.can_self_assess(user),
        "can_submit": sheet.can_submit(user),
        "appraised_areas": sorted(areas),
        "scores": [score_row(s, evidence[s.pk]) for s in scores],
    }
    return detail


def _fresh(sheet: ScoreSheet) -> ScoreSheet:
    sheet.refresh_from_db()
    return sheet


# Reading -----------------------------------------------------------------------------


@router.get(
    "/rounds/{int:round_id}/sheets",
    response=list[SheetOut],
    operation_id="par_sheet_list",
    summary="List the score sheets of a round the caller may see",
)
@paginate(PageNumberPagination, page_size=PAGE)
def sheet_list(request: HttpRequest, round_id: int) -> Any:
    """A unit sees its own; appraisers the sheets of rounds they appraise; the council those
    of compiled rounds; managers all; everyone all once published."""
    round_ = get_round(request, round_id)
    return visible_sheets(request).filter(round=round_).select_related("unit")


@router.get(
    "/sheets/{int:sheet_id}",
    response=answers(SheetDetailOut),
    operation_id="par_sheet_get",
    summary="Read a score sheet: totals, missing items and the scores with their evidence",
)
def sheet_get(request: HttpRequest, sheet_id: int) -> Any:
    return sheet_detail(get_sheet(request, sheet_id), request.user)


# Self-assessment and evidence --------------------------------------------------------


@router.put(
    "/scores/{int:score_id}/self",
    response=answers(ScoreOut),
    operation_id="par_score_self",
    summary="Self-assess a criterion (the unit's declaration)",
)
def score_self(request: HttpRequest, score_id: int, payload: SelfScoreIn) -> Any:
    """The unit's focal point or head, while the sheet is a draft and self-assessment is
    open. Send what the criterion's method reads: `entered_points` (manual), `choice`,
    `numerator` and `denominator` (ratio), `value` (bands by number), `not_applicable`."""
    score = get_score(request, score_id)
    declared = payload.dict(exclude_unset=True)
    note = declared.pop("note", None)
    if "not_applicable" in declared and declared["not_applicable"] is None:
        declared["not_applicable"] = False
    sheets.self_score(score, by=request.user, note=note, **declared)
    return score_row(score)


@router.put(
    "/scores/{int:score_id}/survey",
    response=answers(ScoreOut),
    operation_id="par_score_survey",
    summary="Enter the survey points of a criterion",
)
def score_survey(request: HttpRequest, score_id: int, payload: SurveyIn) -> Any:
    """Secretariat and administrators, for criteria whose source is the survey, while the
    round is open."""
    score = get_score(request, score_id)
    with fields_as({"entered_points": "points"}):
        sheets.enter_survey_points(score, points=payload.points, by=request.user)
    return score_row(score)


EVIDENCE_BODY = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "note": {"type": "string", "maxLength": 500},
                    },
                    "required": ["file"],
                }
            },
            "application/json": {"schema": ReferenceIn.model_json_schema()},
        },
        "required": True,
    }
}


@router.post(
    "/scores/{int:score_id}/evidence",
    response=answers(EvidenceOut, 201),
    operation_id="par_evidence_add",
    summary="Add evidence to a score: a file, or a record already in cchc",
    openapi_extra=EVIDENCE_BODY,
)
def evidence_add(request: HttpRequest, score_id: int) -> Any:
    """The unit's focal point or head, while self-assessing (or for a flagged criterion in
    the explanation window). Either multipart with `file` (and `note`), or JSON
    `{"kind": "progress_report" | "urging_notice", "pk": ..., "note": ...}`."""
    score = get_score(request, score_id)
    if request.content_type == "multipart/form-data":
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": _("Choose a file.")})
        note = request.POST.get("note", "")[:500]
        added = sheets.add_evidence_file(score, upload, by=request.user, note=note)
    else:
        reference = _reference(request)
        with fields_as({"reference": "pk"}):
            added = sheets.add_evidence_reference(
                score, kind=reference.kind, pk=reference.pk, by=request.user, note=reference.note
            )
    return Status(201, evidence_row(added))


def _reference(request: HttpRequest) -> ReferenceIn:
    try:
        return ReferenceIn.model_validate_json(request.body or b"{}")
    except (PydanticError, json.JSONDecodeError) as exc:
        errors = getattr(exc, "errors", lambda: [])()
        raise ValidationError(
            {".".join(str(p) for p in e.get("loc", ())) or "body": e.get("msg", "") for e in errors}
            or {"body": _("Send a file, or a reference as JSON.")}
        ) from exc


@router.post(
    "/evidence/{int:evidence_id}/withdraw",
    response=answers(EvidenceOut),
    operation_id="par_evidence_withdraw",
    summary="Withdraw a piece of evidence (it stays on record)",
)
def evidence_withdraw(request: HttpRequest, evidence_id: int) -> Any:
    """The unit's focal point or head, while the evidence's stage is open."""
    evidence = get_evidence(request, evidence_id)
    return evidence_row(sheets.withdraw_evidence(evidence, by=request.user))


@router.post(
    "/sheets/{int:sheet_id}/submit",
    response=answers(SheetOut),
    operation_id="par_sheet_submit",
    summary="Submit a self-assessment for appraisal",
)
def sheet_submit(request: HttpRequest, sheet_id: int) -> Any:
    """The head of the unit, in the self-assessment window, once nothing is missing."""
    sheet = get_sheet(request, sheet_id)
    return _fresh(sheets.submit_sheet(sheet, by=request.user))


# Appraisal and explanations ----------------------------------------------------------


@router.put(
    "/scores/{int:score_id}/appraisal/{int:round_no}",
    response=answers(ScoreOut),
    operation_id="par_score_appraise",
    summary="Appraise a criterion in round 1 or 2",
)
def score_appraise(
    request: HttpRequest, score_id: int, round_no: Literal[1, 2], payload: AppraisalIn
) -> Any:
    """An appraiser of the criterion's area (or the secretariat), in the round's window.
    In round 1 `needs_explanation` asks the unit to explain (say what in `comment`)."""
    score = get_score(request, score_id)
    appraisal.appraise(
        score,
        round_no=round_no,
        points=payload.points,
        comment=payload.comment,
        needs_explanation=payload.needs_explanation,
        by=request.user,
    )
    return score_row(score)


@router.put(
    "/scores/{int:score_id}/explanation",
    response=answers(ScoreOut),
    operation_id="par_score_explain",
    summary="Explain a criterion the appraisers flagged",
)
def score_explain(request: HttpRequest, score_id: int, payload: ExplanationIn) -> Any:
    """The unit's focal point or head, after round 1, in the explanation window."""
    score = get_score(request, score_id)
    appraisal.explain(score, text=payload.explanation, by=request.user)
    return score_row(score)


@router.post(
    "/sheets/{int:sheet_id}/explanations/send",
    response=answers(SheetOut),
    operation_id="par_sheet_send_explanations",
    summary="Send the unit's explanations to the appraisers",
)
def sheet_send_explanations(request: HttpRequest, sheet_id: int) -> Any:
    """The unit's focal point or head, once every flagged criterion is explained."""
    sheet = get_sheet(request, sheet_id)
    return _fresh(appraisal.send_explanations(sheet, by=request.user))


@router.post(
    "/sheets/{int:sheet_id}/round-1/close",
    response=answers(SheetOut),
    operation_id="par_sheet_close_round_1",
    summary="Close appraisal round 1 of a sheet",
)
def sheet_close_round_1(request: HttpRequest, sheet_id: int) -> Any:
    """Secretariat and administrators; criteria left untouched keep the unit's points."""
    sheet = get_sheet(request, sheet_id)
    return _fresh(appraisal.close_round_1(sheet, by=request.user))


@router.post(
    "/sheets/{int:sheet_id}/round-2/close",
    response=answers(SheetOut),
    operation_id="par_sheet_close_round_2",
    summary="Close appraisal round 2 of a sheet (final)",
)
def sheet_close_round_2(request: HttpRequest, sheet_id: int) -> Any:
    """Secretariat and administrators; criteria left untouched keep their round-1 points."""
    sheet = get_sheet(request, sheet_id)
    return _fresh(appraisal.close_round_2(sheet, by=request.user))
