"""Read models of the PAR Index results: the ranking of a round and a unit's scorecard.

Plain functions over the ORM, no writes. After publication every figure comes from the
current (or a chosen) revision of the publication, so the pages, the spreadsheet, the
Word annex and the PDF show exactly what was published; before publication the
provisional figures of `services.publication.results` are shown to the few who may see
them (`can_see_provisional`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import formats

from . import calculations as calc
from .models import Publication, PublishedResult, Round, Score, ScoreSheet, UnitGroup
from .services import publication as publishing

if TYPE_CHECKING:
    from cchc.accounts.models import User

TOP_LOST = 10
GROUP_ORDER = [g.value for g in UnitGroup]


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


# --- who sees what ------------------------------------------------------------------------


def can_see_provisional(round_: Round, user: User) -> bool:
    return round_.can_see_provisional(user)


def can_see_results(round_: Round, user: User) -> bool:
    return round_.can_see_results(user)


# --- the ranking --------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaFigure:
    code: str
    name: str
    points: Decimal | None
    maximum: Decimal | None
    index: Decimal | None

    @property
    def lost(self) -> Decimal | None:
        if self.points is None or self.maximum is None:
            return None
        return self.maximum - self.points

    @classmethod
    def of(cls, row: dict) -> AreaFigure:
        return cls(
            code=str(row.get("code", "")),
            name=str(row.get("name", "")),
            points=_decimal(row.get("points")),
            maximum=_decimal(row.get("maximum")),
            index=_decimal(row.get("index")),
        )


@dataclass(frozen=True)
class Line:
    """One unit's line of a ranking."""

    unit_id: int
    unit_name: str
    group: str
    rank: int | None
    self_total: Decimal | None
    appraised_total: Decimal | None
    maximum: Decimal | None
    index: Decimal | None
    band: str
    areas: list[AreaFigure]
    sheet_id: int | None = None

    def area(self, code: str) -> AreaFigure | None:
        return next((a for a in self.areas if a.code == code), None)


@dataclass(frozen=True)
class AreaColumn:
    code: str
    name: str


@dataclass(frozen=True)
class Cell:
    """The figure of one area column on one line (None where the unit has no such area)."""

    column: AreaColumn
    figure: AreaFigure | None


@dataclass
class GroupRanking:
    group: str
    label: str
    columns: list[AreaColumn]
    lines: list[Line]
    bands: list[tuple[str, Decimal]] = field(default_factory=list)

    def rows(self) -> list[tuple[Line, list[Cell]]]:
        """Each line with its area figures in column order (for templates and exports)."""
        return [(line, [Cell(c, line.area(c.code)) for c in self.columns]) for line in self.lines]

    @property
    def indices(self) -> list[Decimal]:
        return [line.index for line in self.lines if line.index is not None]


class Ranking:
    """A round's ranking: the publication shown (None: provisional), every revision, and
    the groups — read from the database only when first used, so a page whose table comes
    from the cache does not read the 200 lines at all."""

    def __init__(
        self,
        round: Round,
        groups: list[GroupRanking] | None = None,
        publication: Publication | None = None,
        revisions: list[Publication] | None = None,
        *,
        load: Callable[[], list[GroupRanking]] | None = None,
    ) -> None:
        self.round = round
        self.publication = publication
        self.revisions = revisions or []
        self._groups = groups
        self._load = load

    @property
    def groups(self) -> list[GroupRanking]:
        if self._groups is None:
            self._groups = self._load() if self._load else []
        return self._groups

    @property
    def is_provisional(self) -> bool:
        return self.publication is None

    @property
    def is_current(self) -> bool:
        return self.publication is None or (
            bool(self.revisions) and self.publication.pk == self.revisions[0].pk
        )

    def line_of(self, unit_id: int) -> Line | None:
        for group in self.groups:
            for line in group.lines:
                if line.unit_id == unit_id:
                    return line
        return None

    def group_of(self, unit_id: int) -> GroupRanking | None:
        return next((g for g in self.groups if any(x.unit_id == unit_id for x in g.lines)), None)


def _order(line: Line) -> tuple[Any, ...]:
    unranked = line.rank is None
    return (unranked, line.rank or 0, line.unit_name)


def group_bands(round_: Round) -> dict[str, list[tuple[str, Decimal]]]:
    """The band thresholds of each group's criteria set, highest first."""
    bands: dict[str, list[tuple[str, Decimal]]] = {}
    for criteria_set in round_.criteria_sets.prefetch_related("bands"):
        rows = sorted(criteria_set.bands.all(), key=lambda b: b.min_percent, reverse=True)
        bands[criteria_set.group] = [(b.label, b.min_percent) for b in rows]
    return bands


def _columns(lines: Iterable[Line]) -> list[AreaColumn]:
    seen: dict[str, AreaColumn] = {}
    for line in lines:
        for area in line.areas:
            seen.setdefault(area.code, AreaColumn(area.code, area.name))
    return list(seen.values())


def group_lines(round_: Round, lines: Sequence[Line]) -> list[GroupRanking]:
    """Lines into groups (departments, districts, communes …), each ranked high to low."""
    bands = group_bands(round_)
    groups = []
    for group in sorted({x.group for x in lines}, key=_group_position):
        chosen = sorted((x for x in lines if x.group == group), key=_order)
        label = str(UnitGroup(group).label) if group in UnitGroup.values else group
        groups.append(GroupRanking(group, label, _columns(chosen), chosen, bands.get(group, [])))
    return groups


def _group_position(group: str) -> tuple[int, str]:
    return (GROUP_ORDER.index(group) if group in GROUP_ORDER else len(GROUP_ORDER), group)


def _sheet_ids(round_: Round) -> dict[int, int]:
    return dict(round_.sheets.values_list("unit_id", "pk"))


def published_lines(publication: Publication) -> list[Line]:
    sheets = _sheet_ids(publication.round)
    rows = PublishedResult.objects.filter(publication=publication).select_related("unit")
    return [
        Line(
            unit_id=r.unit_id,
            unit_name=r.unit.name,
            group=r.group,
            rank=r.rank,
            self_total=r.self_total,
            appraised_total=r.appraised_total,
            maximum=r.maximum,
            index=r.index,
            band=r.band,
            areas=[AreaFigure.of(a) for a in r.areas],
            sheet_id=sheets.get(r.unit_id),
        )
        for r in rows
    ]


def provisional_lines(round_: Round) -> list[Line]:
    sheets = _sheet_ids(round_)
    return [
        Line(
            unit_id=r["unit"],
            unit_name=r["unit_name"],
            group=r["group"],
            rank=r["rank"],
            self_total=_decimal(r["self_total"]),
            appraised_total=_decimal(r["appraised_total"]),
            maximum=_decimal(r["maximum"]),
            index=_decimal(r["index"]),
            band=r["band"],
            areas=[AreaFigure.of(a) for a in r["areas"] or []],
            sheet_id=sheets.get(r["unit"]),
        )
        for r in publishing.results(round_)
    ]


def revisions(round_: Round) -> list[Publication]:
    """Every revision of the round's publication, the current (latest) first; without the
    frozen snapshot (every line again, as JSON), which no page reads."""
    found = round_.publications.select_related("published_by").defer("snapshot")
    return list(found.order_by("-revision"))


def ranking(round_: Round, *, revision: int | None = None) -> Ranking | None:
    """The published ranking (the current revision, or `revision`); before publication the
    provisional one. None when the revision asked for does not exist."""
    if not round_.is_published:
        return Ranking(round_, load=lambda: group_lines(round_, provisional_lines(round_)))
    every = revisions(round_)
    if not every:
        return None
    chosen = (
        every[0] if revision is None else next((p for p in every if p.revision == revision), None)
    )
    if chosen is None:
        return None
    return Ranking(
        round_,
        publication=chosen,
        revisions=every,
        load=lambda: group_lines(round_, published_lines(chosen)),
    )


def ranking_for(round_: Round, user: User, *, revision: int | None = None) -> Ranking | None:
    """The ranking `user` may see, or None (the page is then not found)."""
    if not can_see_results(round_, user):
        return None
    return ranking(round_, revision=revision)


# --- the ranking as shown on the page -----------------------------------------------------

NONE_SHOWN = "—"


def number_formatter() -> Callable[[Decimal | int | None], str]:
    """A function writing a number exactly as `{{ value }}` would in the active language
    ("82,50"; "—" for None), with the language's separator read once instead of once per
    cell: the ranking table has some 3,000 numbers."""
    if settings.USE_THOUSAND_SEPARATOR:
        return lambda value: NONE_SHOWN if value is None else str(formats.number_format(value))
    separator = str(formats.get_format("DECIMAL_SEPARATOR"))

    def shown(value: Decimal | int | None) -> str:
        if value is None:
            return NONE_SHOWN
        if type(value) is int:
            return str(value)
        if type(value) is Decimal:
            _sign, digits, exponent = value.as_tuple()
            if isinstance(exponent, int) and abs(exponent) + len(digits) <= 200:
                return f"{value:f}".replace(".", separator)  # as django.utils.numberformat
        return str(formats.number_format(value))

    return shown


@dataclass(frozen=True)
class ShownLine:
    """One line of the ranking table with every figure written out for the active
    language ("—" where there is none): the template only places the strings."""

    rank: str
    unit_name: str
    url: str  # the unit's scorecard; "" when the unit has no sheet
    self_total: str
    appraised_total: str
    maximum: str
    index: str
    band: str
    areas: list[str]  # in column order: the area's index, or its points


def shown_lines(
    group: GroupRanking, *, figures: str, link: Callable[[int], str]
) -> list[ShownLine]:
    """The lines of `group` as the ranking table shows them; the area columns show each
    area's points when `figures` is "points", else its index. `link` gives a sheet's URL."""
    shown = number_formatter()
    codes = [c.code for c in group.columns]
    lines = []
    for line in group.lines:
        areas = {a.code: a for a in line.areas}
        cells = []
        for code in codes:
            area = areas.get(code)
            if area is None:
                cells.append(NONE_SHOWN)
            else:
                cells.append(shown(area.points if figures == "points" else area.index))
        lines.append(
            ShownLine(
                rank=shown(line.rank) if line.rank else NONE_SHOWN,
                unit_name=line.unit_name,
                url=link(line.sheet_id) if line.sheet_id else "",
                self_total=shown(line.self_total),
                appraised_total=shown(line.appraised_total),
                maximum=shown(line.maximum),
                index=shown(line.index),
                band=line.band or NONE_SHOWN,
                areas=cells,
            )
        )
    return lines


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
