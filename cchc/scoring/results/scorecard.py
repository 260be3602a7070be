"""A unit's scorecard: totals, areas, the sub-criteria that lost most, last year."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from .. import calculations as calc
from ..models import Publication, PublishedResult, Round, Score, ScoreSheet, UnitGroup
from ..services import publication as publishing

if TYPE_CHECKING:
    from cchc.accounts.models import User

from .ranking import TOP_LOST, AreaFigure, GroupRanking, Line, group_bands, ranking

# --- the scorecard ------------------------------------------------------------------------


@dataclass(frozen=True)
class LostItem:
    """A sub-criterion that lost points, with what the appraisers said."""

    code: str
    name: str
    area_code: str
    maximum: Decimal
    points: Decimal | None  # None: not scored
    lost: Decimal
    comments: list[str]
    explanation: str
    score_id: int


@dataclass(frozen=True)
class Comparison:
    """One area (or the total) this year and last year."""

    code: str
    name: str
    index: Decimal | None
    last_index: Decimal | None
    points: Decimal | None
    last_points: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.index is None or self.last_index is None:
            return None
        return self.index - self.last_index


@dataclass
class Scorecard:
    sheet: ScoreSheet
    line: Line
    group_label: str
    publication: Publication | None
    bands: list[tuple[str, Decimal]]
    lost: list[LostItem]
    last_year: list[Comparison] | None = None
    last_round: Round | None = None
    distribution: GroupRanking | None = None  # only when the user may see the group

    @property
    def is_published(self) -> bool:
        return self.publication is not None

    @property
    def areas(self) -> list[AreaFigure]:
        return self.line.areas


def sheet_line(sheet: ScoreSheet, bands: Sequence[tuple[str, Decimal]]) -> Line:
    """A sheet's own (live) figures as a line, without a rank."""
    return Line(
        unit_id=sheet.unit_id,
        unit_name=sheet.unit.name,
        group=sheet.criteria_set.group,
        rank=None,
        self_total=sheet.self_total,
        appraised_total=sheet.appraised_total,
        maximum=sheet.maximum,
        index=sheet.index,
        band=calc.classify(sheet.index, bands),
        areas=[AreaFigure.of(a) for a in sheet.areas or []],
        sheet_id=sheet.pk,
    )


def _is_not_applicable(score: Score) -> bool:
    c = score.criterion
    return calc.is_not_applicable(c.method, c.params, score.inputs())


def lost_points(sheet: ScoreSheet, *, limit: int = TOP_LOST) -> list[LostItem]:
    """The scored sub-criteria that lost the most points (maximum - appraised points),
    most first; not-applicable ones and bonus or penalty lines are left out."""
    scores = sheet.scores.select_related("criterion").filter(criterion__kind="normal")
    items = []
    for score in scores:
        if _is_not_applicable(score):
            continue
        c, points = score.criterion, score.appraised_points
        lost = c.max_points - (points or Decimal(0))
        if lost <= 0:
            continue
        comments = [t.strip() for t in (score.round_1_comment, score.round_2_comment) if t.strip()]
        items.append(
            LostItem(
                code=c.code,
                name=c.name,
                area_code=c.area_code,
                maximum=c.max_points,
                points=points,
                lost=lost,
                comments=list(dict.fromkeys(comments)),
                explanation=score.explanation.strip(),
                score_id=score.pk,
            )
        )
    items.sort(key=lambda i: (-i.lost, i.code))
    return items[:limit]


def previous_round(round_: Round) -> Round | None:
    """The latest published round of the year before (None if there is none)."""
    return (
        Round.objects.filter(year=round_.year - 1, status=Round.Status.PUBLISHED)
        .order_by("-opened_at")
        .first()
    )


def last_year_comparison(line: Line, previous: Round) -> list[Comparison] | None:
    """Per area (matched by code) and the total against the same unit's published line of
    the previous year; None when the unit was not in that round."""
    current = publishing.current_publication(previous)
    if current is None:
        return None
    row = PublishedResult.objects.filter(publication=current, unit_id=line.unit_id).first()
    if row is None:
        return None
    before = {a.code: a for a in (AreaFigure.of(x) for x in row.areas)}
    rows = []
    for area in line.areas:
        old = before.get(area.code)
        rows.append(
            Comparison(
                code=area.code,
                name=area.name,
                index=area.index,
                last_index=old.index if old else None,
                points=area.points,
                last_points=old.points if old else None,
            )
        )
    rows.append(
        Comparison("", "", line.index, row.index, line.appraised_total, row.appraised_total)
    )
    return rows


def scorecard(sheet: ScoreSheet, user: User) -> Scorecard:
    """What the scorecard of `sheet` shows `user` (who can already see the sheet)."""
    round_ = sheet.round
    bands = group_bands(round_).get(sheet.criteria_set.group, [])
    group_label = str(UnitGroup(sheet.criteria_set.group).label)
    board = ranking(round_) if (round_.is_published or round_.can_manage(user)) else None
    line = board.line_of(sheet.unit_id) if board and board.publication else None
    card = Scorecard(
        sheet=sheet,
        line=line or sheet_line(sheet, bands),
        group_label=group_label,
        publication=board.publication if board else None,
        bands=bands,
        lost=lost_points(sheet),
        distribution=board.group_of(sheet.unit_id) if board else None,
    )
    previous = previous_round(round_)
    if previous is not None:
        card.last_round = previous
        card.last_year = last_year_comparison(card.line, previous)
    return card
