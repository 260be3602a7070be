"""From answer counts to the figures of one group (unit, procedure, level or the province).

No queries here: the counts come from one grouped query over `Tally` (`indices`), and every
figure is computed by the pure functions of `calculations`:

- a criterion: `proportion` of (favourable answers, valid answers), with its Wilson interval;
- an element and the overall, by the campaign's `ElementMethod`: the mean of the exact
  (unrounded) indices below it, or the share satisfied on the element's / overall question.
  A criterion nobody answered is left out of the mean (`skip_empty`), so an optional
  statement does not blank its element;
- expectation shares: respondents choosing each item of respondents answering.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from .. import calculations as calc
from ..models import ANSWERED
from .structure import ElementSpec, ExpectationSpec, Scored, Structure

Counts = Mapping[int, Mapping[int, int]]  # question id -> answer value -> count
OVERALL = "overall"


@dataclass(frozen=True)
class CriterionResult:
    code: str
    text: str
    result: calc.Result


@dataclass(frozen=True)
class ElementResult:
    code: str
    title: str
    result: calc.Result
    criteria: tuple[CriterionResult, ...] = ()


@dataclass(frozen=True)
class ChoiceShare:
    name: str
    label: str
    result: calc.Result
    count: int = 0  # respondents choosing the item


@dataclass(frozen=True)
class ExpectationResult:
    code: str
    text: str
    respondents: int
    shares: tuple[ChoiceShare, ...]


@dataclass(frozen=True)
class Weight:
    """A unit's stratum weight: its population N and its normalised share of the total."""

    unit_id: int
    unit_name: str
    population: int | None
    share: Decimal | None

    @property
    def percent(self) -> Decimal | None:
        return None if self.share is None else calc.quantize(self.share * calc.HUNDRED)


@dataclass(frozen=True)
class Weighting:
    """How a weighted figure was formed: the weights used and the units left out."""

    weights: tuple[Weight, ...]
    without_population: tuple[str, ...] = ()
    without_index: tuple[str, ...] = ()

    @property
    def applied(self) -> bool:
        return any(w.share is not None for w in self.weights)


@dataclass(frozen=True)
class GroupResult:
    """The figures of one group. `exact` keeps the unrounded overall, element and criterion
    values (keys "overall", element codes, criterion codes) for weighting."""

    level: str  # "province" | "level" | "procedure" | "unit"
    key: str | int
    label: str
    responses: int
    min_n: int
    overall: calc.Result
    elements: tuple[ElementResult, ...] = ()
    expectations: tuple[ExpectationResult, ...] = ()
    target: int | None = None
    code: str = ""
    members: tuple[int, ...] = ()  # unit ids of a level or the province
    weighting: Weighting | None = None
    exact: Mapping[str, calc.Result] = field(default_factory=dict, repr=False, compare=False)

    @property
    def insufficient(self) -> bool:
        """Fewer valid responses than the campaign's minimum n: no index is shown."""
        return self.responses < self.min_n

    @property
    def under_quota(self) -> bool:
        return self.target is not None and self.responses < self.target

    def shows(self, result: calc.Result) -> bool:
        """Whether one of this group's figures is published: its own answers suffice and the
        group has the minimum n of valid responses (else "insufficient sample")."""
        return result.sufficient and not self.insufficient

    @property
    def criteria(self) -> list[CriterionResult]:
        return [c for e in self.elements for c in e.criteria]

    def element(self, code: str) -> ElementResult | None:
        return next((e for e in self.elements if e.code == code), None)

    def discloses_other_units(self, own_unit_ids: frozenset[int] | set[int]) -> bool:
        """A level made of one unit that is not the reader's shows that unit's figures."""
        return len(self.members) == 1 and self.members[0] not in own_unit_ids


def tally(question: Scored | None, counts: Counts) -> calc.Tally:
    """(favourable, valid) answers of a question; (0, 0) without the question."""
    if question is None:
        return calc.Tally(0, 0)
    by_value = counts.get(question.id, {})
    n = sum(count for value, count in by_value.items() if value in question.valid)
    hits = sum(count for value, count in by_value.items() if value in question.favourable)
    return calc.Tally(hits, n)


@dataclass(frozen=True)
class _Element:
    shown: ElementResult
    exact: calc.Result
    exact_criteria: dict[str, calc.Result]


def _element(spec: ElementSpec, counts: Counts, method: str, options: calc.Options) -> _Element:
    exact_options = replace(options, places=None)
    tallies = [(c, tally(c, counts)) for c in spec.criteria]
    exact = [calc.proportion(t, exact_options) for _c, t in tallies]
    shown = [CriterionResult(c.code, c.text, calc.proportion(t, options)) for c, t in tallies]
    own = tally(spec.question, counts)
    args = (method, exact, own)
    return _Element(
        shown=ElementResult(
            spec.code,
            spec.title,
            calc.element_index(*args, options=options, skip_empty=True),
            tuple(shown),
        ),
        exact=calc.element_index(*args, options=exact_options, skip_empty=True),
        exact_criteria={c.code: r for (c, _t), r in zip(tallies, exact, strict=True)},
    )


def expectations(specs: tuple[ExpectationSpec, ...], counts: Counts, options: calc.Options):
    """Per expectation question: respondents answering and each item's share of them."""
    out = []
    for spec in specs:
        by_value = counts.get(spec.id, {})
        if spec.multiple:
            respondents = by_value.get(ANSWERED, 0)
        else:
            respondents = sum(c for v, c in by_value.items() if v != ANSWERED)
        shares = tuple(
            ChoiceShare(
                choice.name,
                choice.label,
                calc.proportion(calc.Tally(by_value.get(choice.value, 0), respondents), options),
                by_value.get(choice.value, 0),
            )
            for choice in spec.choices
        )
        out.append(ExpectationResult(spec.code, spec.text, respondents, shares))
    return tuple(out)


def group_result(
    structure: Structure,
    counts: Counts,
    *,
    method: str,
    options: calc.Options,
    level: str,
    key: str | int,
    label: str,
    responses: int,
    **extra: object,
) -> GroupResult:
    """Every figure of one group from its counts."""
    exact_options = replace(options, places=None)
    parts = [_element(spec, counts, method, options) for spec in structure.elements]
    exact_elements = [p.exact for p in parts]
    overall_tally = tally(structure.overall, counts)
    args = (method, exact_elements, overall_tally)
    exact: dict[str, calc.Result] = {}
    for part in parts:
        exact.update(part.exact_criteria)
        exact[part.shown.code] = part.exact
    exact[OVERALL] = calc.overall_index(*args, options=exact_options, skip_empty=True)
    return GroupResult(
        level=level,
        key=key,
        label=label,
        responses=responses,
        min_n=options.min_n,
        overall=calc.overall_index(*args, options=options, skip_empty=True),
        elements=tuple(p.shown for p in parts),
        expectations=expectations(structure.expectations, counts, options),
        exact=exact,
        **extra,  # type: ignore[arg-type]
    )
