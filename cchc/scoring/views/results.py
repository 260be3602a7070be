"""HTML pages of the PAR Index: results — the ranking, a unit's scorecard, their exports,
and the correction of a published score (a new revision of the publication).

Before publication no unit sees other units' results: the ranking is a 404 for everyone
but the secretariat (and the council once the round is compiled), and a scorecard is
reached only through `ScoreSheet.objects.visible_to`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cchc.accounts.access import require
from cchc.core.viewhelpers import DOCX, XLSX, file_response, run

from .. import charts
from .. import results as queries
from ..forms.results import CorrectionForm, RankingViewForm
from ..models import Publication, Round, Score, ScoreSheet
from ..services import publication as publishing

PDF = "application/pdf"


def _ranking(request: HttpRequest, pk: int) -> tuple[queries.Ranking, RankingViewForm]:
    round_ = get_object_or_404(Round.objects.visible_to(request.user), pk=pk)
    form = RankingViewForm(request.GET)
    if form.is_bound and "revision" in form.errors:
        raise Http404
    board = queries.ranking_for(round_, request.user, revision=form.revision_asked())
    if board is None:
        raise Http404
    return board, form


def _scorecard_link() -> Callable[[int], str]:
    """The scorecard URL of a sheet by string formatting: `reverse` once, not per line."""
    marker = 2_147_483_647
    head, tail = reverse("scoring:scorecard", args=[marker]).rsplit(str(marker), 1)
    return lambda sheet_id: f"{head}{sheet_id}{tail}"


def _sections(
    board: queries.Ranking, figures: str
) -> list[tuple[queries.GroupRanking, str, list[queries.ShownLine]]]:
    """Each group with its distribution chart and its lines as shown."""
    link = _scorecard_link()
    return [
        (
            group,
            charts.distribution(
                group.indices,
                bands=group.bands,
                title=_("Distribution of the indices: %(group)s") % {"group": group.label},
                chart_id=f"distribution-{group.group}",
            ),
            queries.shown_lines(group, figures=figures, link=link),
        )
        for group in board.groups
    ]


# A published revision never changes, so its tables and charts are kept rendered. The unit
# names are read live from the units, hence a time limit: a renamed unit shows within it.
GROUPS_CACHE_SECONDS = 3600
GROUPS_TEMPLATE = "scoring/partials/results_groups.html"


def _groups_cache_key(publication: Publication, figures: str) -> str:
    """Per revision (its pk and time, so a pk used again after a rollback is not taken for
    it), what the area columns show and the language (labels and number format)."""
    return ":".join(
        (
            "scoring.ranking.groups.v1",
            str(publication.round_id),
            str(publication.pk),
            str(publication.revision),
            publication.published_at.isoformat(),
            figures,
            get_language() or "",
        )
    )


def _groups_html(board: queries.Ranking, figures: str) -> str:
    """The groups of the ranking, rendered (without the request: nothing in them depends
    on who asks). A published revision is rendered once and cached; provisional figures
    change at any moment, so they are never cached."""

    def rendered() -> str:
        context = {"sections": _sections(board, figures), "figures": figures}
        return render_to_string(GROUPS_TEMPLATE, context)

    if board.publication is None:
        return rendered()
    key = _groups_cache_key(board.publication, figures)
    html = cache.get(key)
    if html is None:
        html = rendered()
        cache.set(key, html, GROUPS_CACHE_SECONDS)
    return html


@login_required
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    # Who may see the ranking, and which revision, is decided before any cached table is
    # used: `_ranking` is a 404 otherwise.
    board, form = _ranking(request, pk)
    figures = form.figures()
    groups = mark_safe(_groups_html(board, figures))  # rendered by a template, escaped there
    if request.htmx:
        return HttpResponse(groups)
    context = {
        "board": board,
        "round": board.round,
        "form": form,
        "figures": figures,
        "groups": groups,
        "can_manage": board.round.can_manage(request.user),
    }
    return render(request, "scoring/ranking.html", context)


def _file_stem(board: queries.Ranking) -> str:
    stem = f"chi-so-cchc-{board.round.year}-{board.round.pk}"
    if board.publication is None:
        return f"{stem}-tam-tinh"
    return f"{stem}-lan-{board.publication.revision}"


@login_required
def ranking_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    from ..exporting import ranking_xlsx as render_xlsx

    board, _form = _ranking(request, pk)
    return file_response(render_xlsx(board), f"{_file_stem(board)}.xlsx", XLSX)


@login_required
def ranking_docx(request: HttpRequest, pk: int) -> HttpResponse:
    from ..documents import ranking_docx as render_docx

    board, _form = _ranking(request, pk)
    return file_response(render_docx(board), f"phu-luc-{_file_stem(board)}.docx", DOCX)


def _scorecard(request: HttpRequest, pk: int) -> queries.Scorecard:
    sheets = ScoreSheet.objects.visible_to(request.user).select_related(
        "unit", "round", "criteria_set"
    )
    sheet = get_object_or_404(sheets, pk=pk)
    return queries.scorecard(sheet, request.user)


def _scorecard_charts(card: queries.Scorecard) -> dict[str, str]:
    bars = [charts.AreaBar(f"{a.code}. {a.name}", a.index) for a in card.areas]
    found = {"areas": charts.area_bars(bars, title=_("Index by area"), chart_id="scorecard-areas")}
    if card.distribution is not None:
        found["distribution"] = charts.distribution(
            card.distribution.indices,
            bands=card.bands,
            title=_("This unit among %(group)s") % {"group": card.group_label},
            chart_id="scorecard-distribution",
            marked=card.line.index,
            marked_label=card.sheet.unit.name,
        )
    return found


@login_required
def scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    card = _scorecard(request, pk)
    round_ = card.sheet.round
    can_correct = round_.is_published and round_.can_manage(request.user)
    scores = card.sheet.scores.select_related("criterion") if can_correct else None
    context = {
        "card": card,
        "sheet": card.sheet,
        "charts": _scorecard_charts(card),
        "scores": scores,
    }
    return render(request, "scoring/scorecard.html", context)


@login_required
def scorecard_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from ..documents import scorecard_pdf as render_pdf

    card = _scorecard(request, pk)
    name = f"bang-diem-cchc-{card.sheet.round.year}-{card.sheet.unit_id}.pdf"
    return file_response(render_pdf(card), name, PDF)


@login_required
def score_correct(request: HttpRequest, pk: int) -> HttpResponse:
    visible = ScoreSheet.objects.visible_to(request.user)
    scores = Score.objects.filter(sheet__in=visible).select_related(
        "criterion", "sheet__round", "sheet__unit"
    )
    score = get_object_or_404(scores, pk=pk)
    round_ = score.sheet.round
    require(round_.can_manage(request.user))
    if not round_.is_published:
        raise Http404
    form = CorrectionForm(request.POST or None)
    if form.is_valid():
        data = form.cleaned_data
        done = run(
            form,
            publishing.correct_published_score,
            score,
            points=data["points"],
            reason=data["reason"],
            by=request.user,
        )
        if done:
            messages.success(
                request, _("Revision %(n)s of the results is published.") % {"n": done.revision}
            )
            return redirect("scoring:ranking", round_.pk)
    return render(request, "scoring/correction_form.html", {"form": form, "score": score})


urlpatterns: list[URLPattern] = [
    path("rounds/<int:pk>/ranking/", ranking, name="ranking"),
    path("rounds/<int:pk>/ranking.xlsx", ranking_xlsx, name="ranking_xlsx"),
    path("rounds/<int:pk>/ranking.docx", ranking_docx, name="ranking_docx"),
    path("sheets/<int:pk>/scorecard/", scorecard, name="scorecard"),
    path("sheets/<int:pk>/scorecard.pdf", scorecard_pdf, name="scorecard_pdf"),
    path("scores/<int:pk>/correct/", score_correct, name="score_correct"),
]
