"""PAR Index API: results — published (or provisional) lines, a unit's scorecard, corrections."""

from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Status

from .. import calculations as calc
from ..models import PublishedResult, ScoreSheet
from ..services import publication
from ._common import get_round, get_score, get_sheet, router
from .schemas import CorrectionIn, PublicationOut, ResultsOut, ScorecardOut, answers


def _published_line(row: PublishedResult) -> dict[str, Any]:
    return {
        "unit_id": row.unit_id,
        "unit_name": str(row.unit),
        "group": row.group,
        "self_total": row.self_total,
        "appraised_total": row.appraised_total,
        "maximum": row.maximum,
        "index": row.index,
        "rank": row.rank,
        "band": row.band,
        "areas": row.areas,
    }


@router.get(
    "/rounds/{int:round_id}/results",
    response=answers(ResultsOut),
    operation_id="par_round_results",
    summary="The results of a round: published, or provisional before publication",
)
def round_results(request: HttpRequest, round_id: int, revision: int | None = None) -> Any:
    """Once published, every role reads the current revision (or `?revision=n`). Before,
    managers (and council members once compiled) read the provisional lines with
    `"published": false`; anyone else gets 404."""
    round_ = get_round(request, round_id)
    if round_.is_published:
        publications = round_.publications.all()
        if revision is None:
            chosen = publication.current_publication(round_)
        else:
            chosen = get_object_or_404(publications, revision=revision)
        rows = chosen.results.select_related("unit").order_by("group", "rank", "unit__name")
        return {
            "round_id": round_.pk,
            "published": True,
            "revision": chosen.revision,
            "reason": chosen.reason,
            "published_at": chosen.published_at,
            "lines": [_published_line(r) for r in rows],
        }
    if revision is not None or not round_.can_see_provisional(request.user):
        raise Http404
    lines = [
        {**line, "unit_id": line["unit"]}
        for line in sorted(
            publication.results(round_),
            key=lambda line: (line["group"], line["rank"] is None, line["rank"] or 0),
        )
    ]
    return {
        "round_id": round_.pk,
        "published": False,
        "revision": None,
        "reason": "",
        "published_at": None,
        "lines": lines,
    }


def _unranked_card(sheet: ScoreSheet) -> dict[str, Any]:
    bands = [(b.label, b.min_percent) for b in sheet.criteria_set.bands.all()]
    return {
        "published": False,
        "revision": None,
        "rank": None,
        "band": calc.classify(sheet.index, bands),
    }


@router.get(
    "/sheets/{int:sheet_id}/scorecard",
    response=answers(ScorecardOut),
    operation_id="par_sheet_scorecard",
    summary="A unit's scorecard: totals, areas, band, and rank once published",
)
def sheet_scorecard(request: HttpRequest, sheet_id: int) -> Any:
    """Whoever may read the sheet. Once published the figures are those of the current
    revision; before, the sheet's own (provisional) figures without a rank."""
    sheet = get_sheet(request, sheet_id)
    card: dict[str, Any] = {
        "sheet_id": sheet.pk,
        "round_id": sheet.round_id,
        "unit_id": sheet.unit_id,
        "unit_name": str(sheet.unit),
        "group": sheet.criteria_set.group,
        "status": sheet.status,
        "self_total": sheet.self_total,
        "self_index": sheet.self_index,
        "appraised_total": sheet.appraised_total,
        "maximum": sheet.maximum,
        "index": sheet.index,
        "areas": sheet.areas,
    }
    current = publication.current_publication(sheet.round) if sheet.round.is_published else None
    line = current.results.filter(unit_id=sheet.unit_id).first() if current else None
    if line is None:
        return card | _unranked_card(sheet)
    return card | {
        "published": True,
        "revision": current.revision,
        "self_total": line.self_total,
        "appraised_total": line.appraised_total,
        "maximum": line.maximum,
        "index": line.index,
        "areas": line.areas,
        "band": line.band,
        "rank": line.rank,
    }


@router.post(
    "/scores/{int:score_id}/correction",
    response=answers(PublicationOut, 201),
    operation_id="par_score_correct",
    summary="Correct a published score (publishes a new revision)",
)
def score_correct(request: HttpRequest, score_id: int, payload: CorrectionIn) -> Any:
    """Secretariat and administrators, after publication; the earlier revisions stay."""
    score = get_score(request, score_id)
    revised = publication.correct_published_score(
        score, points=payload.points, reason=payload.reason, by=request.user
    )
    return Status(201, revised)
