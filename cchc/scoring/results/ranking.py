"""The ranking of a round: its lines (published or provisional), groups, figures shown.

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

from ..models import Publication, PublishedResult, Round, UnitGroup
from ..services import publication as publishing

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
