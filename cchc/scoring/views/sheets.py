"""HTML pages of the PAR Index: the score sheet, its row actions and its sheet actions.

A row action answers htmx with the row re-rendered and the summary box (and the subtotals
above the row) swapped out of band; without JavaScript it redirects back to the row, or
shows the whole page with the errors next to the fields of the row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cchc.accounts.access import require
from cchc.core.viewhelpers import run

from ..forms.sheets import (
    AppraiseForm,
    EvidenceForm,
    ExplainForm,
    SelfScoreForm,
    SurveyForm,
    forms_for,
)
from ..models import Evidence, Score, ScoreSheet, Stage
from ..queries import SheetAccess, sheet_access, sheet_rows
from ..services import appraisal, sheets
from ..services._common import url

SHEET_RELATED = ("round", "unit", "criteria_set")


def _sheet(request: HttpRequest, pk: int) -> ScoreSheet:
    queryset = ScoreSheet.objects.visible_to(request.user).select_related(*SHEET_RELATED)
    return get_object_or_404(queryset, pk=pk)


def _score(request: HttpRequest, pk: int) -> Score:
    sheets_seen = ScoreSheet.objects.visible_to(request.user).values("pk")
    queryset = Score.objects.filter(sheet__in=sheets_seen).select_related(
        "criterion", *(f"sheet__{f}" for f in SHEET_RELATED)
    )
    return get_object_or_404(queryset, pk=pk)


def _references(request: HttpRequest, sheet: ScoreSheet, access: SheetAccess) -> list[Any]:
    return sheets.referable(sheet, request.user) if access.evidence_stage else []


def _context(
    request: HttpRequest, sheet: ScoreSheet, bound: dict[int, dict[str, Form]] | None = None
) -> dict[str, Any]:
    """Everything the page (or a row of it) shows; `bound` puts posted forms on their row."""
    access = sheet_access(sheet, request.user)
    rows = sheet_rows(sheet, request.user, access)
    references = _references(request, sheet, access)
    bound = bound or {}
    for row in rows:
        if row.score is not None:
            row.forms = forms_for(row, references=references, bound=bound.get(row.score.pk))
    stage = sheet.round.current_stage()
    draft = sheet.status == ScoreSheet.Status.DRAFT
    return {
        "sheet": sheet,
        "round": sheet.round,
        "round_url": url(sheet.round),
        "set_url": url(sheet.criteria_set),
        "access": access,
        "rows": rows,
        "missing": sheets.missing_items(sheet) if draft else [],
        "show_appraisal": not draft,
        "stage": stage,
        "stage_label": Stage(stage).label if stage else "",
        "stage_end": sheet.round.window(stage)[1] if stage else None,
    }


@login_required
def sheet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    return render(request, "scoring/sheet_detail.html", _context(request, sheet))


def _row_response(
    request: HttpRequest,
    score: Score,
    form: Form | None = None,
    key: str = "",
    *,
    saved: bool,
    done: str,
    problem: str = "",
) -> HttpResponse:
    """Answer a row action: the row (htmx) or the page, or back to the row on success."""
    sheet = _sheet(request, score.sheet_id)
    if saved and not request.htmx:
        messages.success(request, done)
        return redirect(f"{sheet.get_absolute_url()}#c-{score.criterion.code}")
    bound = {score.pk: {key: form}} if form is not None and not saved else {}
    context = _context(request, sheet, bound)
    if not request.htmx:
        return render(request, "scoring/sheet_detail.html", context)
    row = next((r for r in context["rows"] if r.score and r.score.pk == score.pk), None)
    if row is None:  # not a row this person sees
        return redirect(sheet)
    headings = [r for r in context["rows"] if r.heading and r.code in row.ancestors]
    context |= {"row": row, "headings": headings, "saved": done if saved else ""}
    context["problem"] = problem
    return render(request, "scoring/partials/sheet_row_update.html", context)


@require_POST
@login_required
def score_save(request: HttpRequest, pk: int) -> HttpResponse:
    score = _score(request, pk)
    require(score.sheet.can_self_assess(request.user))
    form = SelfScoreForm(request.POST, score=score)
    saved = form.is_valid() and run(
        form,
        sheets.self_score,
        score,
        by=request.user,
        note=form.cleaned_data["note"],
        **form.declared(),
    )
    return _row_response(request, score, form, "self", saved=bool(saved), done=_("Saved."))


@require_POST
@login_required
def score_survey(request: HttpRequest, pk: int) -> HttpResponse:
    score = _score(request, pk)
    require(score.sheet.round.can_manage(request.user))
    form = SurveyForm(request.POST, score=score)
    saved = form.is_valid() and run(
        form,
        sheets.enter_survey_points,
        score,
        points=form.cleaned_data["entered_points"],
        by=request.user,
    )
    done = _("Survey points saved.")
    return _row_response(request, score, form, "survey", saved=bool(saved), done=done)


def _all_or_nothing(form: Form, *steps: tuple[Callable[..., Any], tuple, dict]) -> bool:
    """Run services one after the other; if one refuses, undo the others."""
    with transaction.atomic():
        for service, args, kwargs in steps:
            if not run(form, service, *args, **kwargs):
                transaction.set_rollback(True)
                return False
    return True


@require_POST
@login_required
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    score = _score(request, pk)
    require(score.sheet.can_self_assess(request.user))
    references = sheets.referable(score.sheet, request.user)
    form = EvidenceForm(request.POST, request.FILES, score=score, references=references)
    saved = False
    if form.is_valid():
        note, by = form.cleaned_data["note"], request.user
        steps = []
        if form.cleaned_data["file"]:
            upload = form.cleaned_data["file"]
            steps.append((sheets.add_evidence_file, (score, upload), {"by": by, "note": note}))
        if reference := form.reference_key():
            kind, ref_pk = reference
            params = {"kind": kind, "pk": ref_pk, "by": by, "note": note}
            steps.append((sheets.add_evidence_reference, (score,), params))
        saved = _all_or_nothing(form, *steps)
    done = _("Evidence added.")
    return _row_response(request, score, form, "evidence", saved=saved, done=done)


@require_POST
@login_required
def evidence_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    sheets_seen = ScoreSheet.objects.visible_to(request.user).values("pk")
    queryset = Evidence.objects.filter(score__sheet__in=sheets_seen).select_related(
        "score__criterion", *(f"score__sheet__{f}" for f in SHEET_RELATED)
    )
    evidence = get_object_or_404(queryset, pk=pk)
    score = evidence.score
    require(score.sheet.can_self_assess(request.user))
    try:
        sheets.withdraw_evidence(evidence, by=request.user)
    except ValidationError as exc:
        problem = " ".join(exc.messages)
        if request.htmx:
            return _row_response(request, score, saved=False, done="", problem=problem)
        messages.error(request, problem)
        return redirect(f"{score.sheet.get_absolute_url()}#c-{score.criterion.code}")
    return _row_response(request, score, saved=True, done=_("Evidence withdrawn."))


@require_POST
@login_required
def score_appraise(request: HttpRequest, pk: int, round_no: int) -> HttpResponse:
    score = _score(request, pk)
    if round_no not in (1, 2):
        raise Http404
    require(appraisal.can_appraise(score, request.user))
    form = AppraiseForm(request.POST, score=score, round_no=round_no)
    saved = form.is_valid() and run(
        form,
        appraisal.appraise,
        score,
        round_no=round_no,
        points=form.cleaned_data["points"],
        comment=form.cleaned_data["comment"],
        needs_explanation=form.cleaned_data.get("needs_explanation", False),
        by=request.user,
    )
    done = _("Appraisal saved.")
    return _row_response(request, score, form, "appraise", saved=bool(saved), done=done)


@require_POST
@login_required
def score_explain(request: HttpRequest, pk: int) -> HttpResponse:
    score = _score(request, pk)
    require(score.sheet.can_self_assess(request.user))
    form = ExplainForm(request.POST, request.FILES, score=score)
    saved = False
    if form.is_valid():
        by, data = request.user, form.cleaned_data
        steps = [(appraisal.explain, (score,), {"text": data["explanation"], "by": by})]
        if data["file"]:
            steps.append((sheets.add_evidence_file, (score, data["file"]), {"by": by}))
        saved = _all_or_nothing(form, *steps)
    done = _("Explanation saved.")
    return _row_response(request, score, form, "explain", saved=saved, done=done)


# --- sheet actions --------------------------------------------------------------------------


def _sheet_action(
    request: HttpRequest,
    pk: int,
    allowed: Callable[[ScoreSheet], bool],
    service: Callable[..., Any],
    done: str,
) -> HttpResponse:
    sheet = _sheet(request, pk)
    require(allowed(sheet))
    try:
        service(sheet, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(sheet)


@require_POST
@login_required
def sheet_submit(request: HttpRequest, pk: int) -> HttpResponse:
    done = _("The self-assessment was submitted for appraisal.")
    return _sheet_action(
        request, pk, lambda sheet: sheet.can_submit(request.user), sheets.submit_sheet, done
    )


@require_POST
@login_required
def sheet_send_explanations(request: HttpRequest, pk: int) -> HttpResponse:
    done = _("The explanations were sent to the appraisers.")
    return _sheet_action(
        request,
        pk,
        lambda sheet: sheet.can_self_assess(request.user),
        appraisal.send_explanations,
        done,
    )


@require_POST
@login_required
def sheet_close_round_1(request: HttpRequest, pk: int) -> HttpResponse:
    done = _("Appraisal round 1 of the sheet is closed.")
    return _sheet_action(
        request,
        pk,
        lambda sheet: sheet.round.can_manage(request.user),
        appraisal.close_round_1,
        done,
    )


@require_POST
@login_required
def sheet_close_round_2(request: HttpRequest, pk: int) -> HttpResponse:
    done = _("Appraisal round 2 of the sheet is closed: the points are final.")
    return _sheet_action(
        request,
        pk,
        lambda sheet: sheet.round.can_manage(request.user),
        appraisal.close_round_2,
        done,
    )


urlpatterns: list[URLPattern] = [
    path("sheets/<int:pk>/", sheet_detail, name="sheet_detail"),
    path("sheets/<int:pk>/submit/", sheet_submit, name="sheet_submit"),
    path(
        "sheets/<int:pk>/explanations/send/",
        sheet_send_explanations,
        name="sheet_send_explanations",
    ),
    path("sheets/<int:pk>/round-1/close/", sheet_close_round_1, name="sheet_close_round_1"),
    path("sheets/<int:pk>/round-2/close/", sheet_close_round_2, name="sheet_close_round_2"),
    path("scores/<int:pk>/self/", score_save, name="score_save"),
    path("scores/<int:pk>/survey/", score_survey, name="score_survey"),
    path("scores/<int:pk>/evidence/", evidence_add, name="evidence_add"),
    path("scores/<int:pk>/appraise/<int:round_no>/", score_appraise, name="score_appraise"),
    path("scores/<int:pk>/explain/", score_explain, name="score_explain"),
    path("evidence/<int:pk>/withdraw/", evidence_withdraw, name="evidence_withdraw"),
]
