"""SIPAS index arithmetic: pure `Decimal` functions, no ORM (domain README §6).

The formula annex of QĐ 2640/QĐ-BNV (2017) and QĐ 1001/QĐ-BNV (2023) could not be retrieved;
these are the working formulas of `reference/sipas_questionnaire.json` → `index_formulas`,
reconstructed from how results are published. What the sources leave open is a parameter with
a documented default.

- Criterion satisfaction index = answers 4-5 ÷ valid answers x 100. Valid = an answer 1-5; a
  missing or "not applicable" answer (`None`) is left out. That 4-5 count as satisfied is itself
  inferred (reference: `counts_as_satisfied_uncertain`), hence `favourable`.
- Assessment index = share agreeing: "agree" on an agree/disagree statement, or 4-5 on the
  five-level agreement scale (which one the national form uses is uncertain: `AssessmentScale`).
- Element and overall index, by `ElementMethod`: the mean of the indices below (criteria of an
  element, elements of the overall; default, as README §6 and issue 5 state) or the share
  satisfied on the element's / overall question (the reference's `element_satisfaction_index`
  names this one first). Neither reproduces the published national SIPAS 2023 (82.66).
- Expectation share = respondents choosing an item ÷ respondents answering the question x 100.
- Weighting by stratum (unit): Σ wᵢ·xᵢ ÷ Σ wᵢ, the normalised weights returned to be shown.
- Every share comes with its n and a 95 % Wilson score interval; an index on fewer than
  `min_n` valid answers is flagged "insufficient sample" (the sources give no figure: 30).
- Sample size n = N ÷ (1 + N·e²) (Yamane/Slovin), e = 5 %, rounded up to a whole respondent.
- Published figures: 2 decimals, half-up (`Options.places`, `Options.rounding`).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import TypeVar

from django.db import models
from django.utils.translation import gettext_lazy

K = TypeVar("K", bound=Hashable)

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

SCALE_5 = (1, 2, 3, 4, 5)  # 1 Rất không hài lòng … 5 Rất hài lòng (reference: answer_scales)
SATISFIED = frozenset({4, 5})  # Hài lòng, Rất hài lòng
AGREEING = frozenset({4, 5})  # Đồng ý, Rất đồng ý on the five-level agreement scale
DEFAULT_MIN_N = 30  # no figure in the sources; the usual rule of thumb for a proportion
DEFAULT_Z = Decimal("1.96")  # 95 %
DEFAULT_MARGIN = Decimal("0.05")  # e in n = N ÷ (1 + N·e²), README §6


class ElementMethod(models.TextChoices):
    """How an element (or the overall) index is formed; chosen per campaign."""

    MEAN_OF_CRITERIA = (
        "mean_of_criteria",
        gettext_lazy(
            "Mean of the indices below it (criteria of an element, elements of the overall)"
        ),
    )
    SHARE_ON_QUESTION = (
        "share_on_question",
        gettext_lazy("Share satisfied on the element's or the overall question"),
    )


class AssessmentScale(models.TextChoices):
    """Answers to an assessment statement (nhận định)."""

    AGREE_DISAGREE = "agree_disagree", gettext_lazy("Agree / disagree")
    FIVE_LEVEL = "five_level", gettext_lazy("Five levels, 4-5 agree")


@dataclass(frozen=True)
class Options:
    """What a campaign may set; the defaults are the ones documented above."""

    min_n: int = DEFAULT_MIN_N
    z: Decimal = DEFAULT_Z
    places: int | None = 2  # None: not rounded (for figures that feed further arithmetic)
    rounding: str = ROUND_HALF_UP  # a `decimal` rounding mode, e.g. ROUND_DOWN to truncate


DEFAULTS = Options()


@dataclass(frozen=True)
class Tally:
    """`hits` of `n` valid answers (satisfied, agreeing, choosing an item)."""

    hits: int
    n: int

    def __post_init__(self) -> None:
        if not 0 <= self.hits <= self.n:
            raise ValueError(f"a tally needs 0 ≤ hits ≤ n, got {self.hits} of {self.n}")


@dataclass(frozen=True)
class Result:
    """An index in percent with its base n, interval (percent) and the minimum-n flag."""

    value: Decimal | None
    n: int
    low: Decimal | None = None
    high: Decimal | None = None
    sufficient: bool = False


@dataclass(frozen=True)
class Weighted:
    """A weighted index, the normalised weights used (sum 1) and strata left out (no index)."""

    value: Decimal | None
    weights: dict[Hashable, Decimal]
    left_out: tuple[Hashable, ...] = ()


def quantize(value: Decimal, places: int | None = 2, rounding: str = ROUND_HALF_UP) -> Decimal:
    """Round a published figure: 2 places half-up unless configured; `places=None` keeps it."""
    if places is None:
        return value
    return value.quantize(Decimal(1).scaleb(-places), rounding=rounding)


def share(hits: int, n: int) -> Decimal | None:
    """hits ÷ n x 100, unrounded; None when n = 0."""
    if n == 0:
        return None
    return Decimal(hits) / Decimal(n) * HUNDRED


def wilson_interval(hits: int, n: int, z: Decimal = DEFAULT_Z) -> tuple[Decimal, Decimal] | None:
    """Wilson score interval for hits of n, in percent, unrounded (Wilson 1927).

    (p̂ + z²/2n ± z·√(p̂(1 - p̂)/n + z²/4n²)) ÷ (1 + z²/n); None when n = 0.
    """
    Tally(hits, n)
    if z <= 0:
        raise ValueError("z must be positive")
    if n == 0:
        return None
    return _wilson(hits, n, z)


def _wilson(hits: int, n: int, z: Decimal) -> tuple[Decimal, Decimal]:
    size = Decimal(n)
    p = Decimal(hits) / size
    z2 = z * z
    denominator = ONE + z2 / size
    centre = (p + z2 / (2 * size)) / denominator
    half = z * (p * (ONE - p) / size + z2 / (4 * size * size)).sqrt() / denominator
    low = ZERO if hits == 0 else max(ZERO, centre - half)
    high = ONE if hits == n else min(ONE, centre + half)
    return low * HUNDRED, high * HUNDRED


def proportion(tally: Tally, options: Options = DEFAULTS) -> Result:
    """The share of a tally as a `Result`: value, n, Wilson interval, sufficient if n ≥ min n."""
    value = share(tally.hits, tally.n)
    if value is None:
        return Result(None, 0)
    low, high = _wilson(tally.hits, tally.n, options.z)
    return Result(
        value=quantize(value, options.places, options.rounding),
        n=tally.n,
        low=quantize(low, options.places, options.rounding),
        high=quantize(high, options.places, options.rounding),
        sufficient=tally.n >= options.min_n,
    )


def tally_answers(
    answers: Iterable[int | None],
    favourable: Collection[int] = SATISFIED,
    scale: Collection[int] = SCALE_5,
) -> Tally:
    """Count valid answers (on the scale) and favourable ones; None (missing, not applicable)
    is left out, anything else off the scale is an error (intake must have rejected it)."""
    hits = n = 0
    for answer in answers:
        if answer is None:
            continue
        if isinstance(answer, bool) or answer not in scale:
            raise ValueError(f"answer {answer!r} is not on the scale")
        n += 1
        hits += answer in favourable
    return Tally(hits, n)


def satisfaction_index(
    answers: Iterable[int | None],
    options: Options = DEFAULTS,
    favourable: Collection[int] = SATISFIED,
) -> Result:
    """Criterion satisfaction index: answers 4-5 ÷ valid answers (1-5) x 100 (README §6)."""
    return proportion(tally_answers(answers, favourable), options)


def assessment_index(
    answers: Iterable[int | bool | None],
    scale: str = AssessmentScale.FIVE_LEVEL,
    options: Options = DEFAULTS,
) -> Result:
    """Assessment index: the share agreeing (README §6). On the agree/disagree scale answers are
    True (agree) / False / None; on the five-level scale 1-5 / None, 4-5 agreeing."""
    if scale == AssessmentScale.FIVE_LEVEL:
        return proportion(tally_answers(answers, AGREEING), options)
    hits = n = 0
    for answer in answers:
        if answer is None:
            continue
        if not isinstance(answer, bool):
            raise ValueError(f"answer {answer!r} is not agree (True) or disagree (False)")
        n += 1
        hits += answer
    return proportion(Tally(hits, n), options)


def mean_of(
    parts: Sequence[Result], options: Options = DEFAULTS, skip_empty: bool = False
) -> Result:
    """The mean of the parts' values, no interval (a mean of shares has no Wilson interval).

    n is the smallest n of the parts used; sufficient only if every part used is. A part
    without a value makes the mean None unless `skip_empty`, which leaves it out instead.
    """
    used = [part for part in parts if part.value is not None]
    if not used or (len(used) < len(parts) and not skip_empty):
        return Result(None, min((part.n for part in parts), default=0))
    total = sum((part.value for part in used if part.value is not None), ZERO)
    return Result(
        value=quantize(total / len(used), options.places, options.rounding),
        n=min(part.n for part in used),
        sufficient=all(part.sufficient for part in used),
    )


def element_index(
    method: str = ElementMethod.MEAN_OF_CRITERIA,
    criteria: Sequence[Result] = (),
    question: Tally | None = None,
    options: Options = DEFAULTS,
    skip_empty: bool = False,
) -> Result:
    """Element index: mean of its criteria indices (default) or the share satisfied on the
    element's own question (README §6; reference `element_satisfaction_index`).

    For an exact mean pass criteria computed with `Options(places=None)`; the mean is rounded.
    """
    if method == ElementMethod.SHARE_ON_QUESTION:
        if question is None:
            raise ValueError("the share on the question needs the question's tally")
        return proportion(question, options)
    return mean_of(criteria, options, skip_empty)


def overall_index(
    method: str = ElementMethod.MEAN_OF_CRITERIA,
    elements: Sequence[Result] = (),
    question: Tally | None = None,
    options: Options = DEFAULTS,
    skip_empty: bool = False,
) -> Result:
    """Overall index: mean of the five element indices (default) or the share satisfied on the
    overall question (README §6). The published national SIPAS since 2022 follows neither
    exactly (reference `index_formulas.sipas`)."""
    return element_index(method, elements, question, options, skip_empty)


def tally_choices(
    selections: Iterable[Collection[str] | None],
    items: Sequence[str],
    max_picks: int | None = None,
) -> dict[str, Tally]:
    """Per item: respondents choosing it of respondents answering the multiple-choice question.

    None or an empty selection is "not answered" (on paper the two cannot be told apart). An
    unknown item or more than `max_picks` picks is an error (intake must have rejected it).
    """
    counts = dict.fromkeys(items, 0)
    respondents = 0
    for selection in selections:
        if not selection:
            continue
        picked = set(selection)
        if unknown := picked - counts.keys():
            raise ValueError(f"unknown items {sorted(unknown)}")
        if max_picks is not None and len(picked) > max_picks:
            raise ValueError(f"{len(picked)} items picked, at most {max_picks} allowed")
        respondents += 1
        for item in picked:
            counts[item] += 1
    return {item: Tally(count, respondents) for item, count in counts.items()}


def expectation_shares(
    selections: Iterable[Collection[str] | None],
    items: Sequence[str],
    max_picks: int | None = None,
    options: Options = DEFAULTS,
) -> dict[str, Result]:
    """Expectation shares: respondents choosing item k ÷ respondents answering x 100
    (reference `expectation_index`). Shares do not add up to 100 when several picks are allowed."""
    tallies = tally_choices(selections, items, max_picks)
    return {item: proportion(tally, options) for item, tally in tallies.items()}


def weighted_index(
    strata: Mapping[K, tuple[Decimal | None, Decimal]],
    options: Options = DEFAULTS,
) -> Weighted:
    """Weighted index from (index, weight) per stratum: Σ wᵢ·xᵢ ÷ Σ wᵢ.

    Weights (e.g. each unit's transactions N) are normalised to sum 1 over the strata that have
    an index; strata without one are left out and listed. Negative weights are an error.
    """
    if any(weight < 0 for _, weight in strata.values()):
        raise ValueError("weights cannot be negative")
    used: dict[K, tuple[Decimal, Decimal]] = {
        key: (index, weight) for key, (index, weight) in strata.items() if index is not None
    }
    left_out = tuple(key for key in strata if key not in used)
    total_weight = sum((weight for _, weight in used.values()), ZERO)
    if total_weight == 0:
        return Weighted(None, {}, left_out)
    weighted_sum = sum((index * weight for index, weight in used.values()), ZERO)
    return Weighted(
        value=quantize(weighted_sum / total_weight, options.places, options.rounding),
        weights={key: weight / total_weight for key, (_, weight) in used.items()},
        left_out=left_out,
    )


def sample_size(population: int, margin: Decimal = DEFAULT_MARGIN) -> int:
    """n = N ÷ (1 + N·e²) (Yamane/Slovin; README §6), rounded up to a whole respondent."""
    if population < 0:
        raise ValueError("the population cannot be negative")
    if not ZERO < margin < ONE:
        raise ValueError("the margin of error must be between 0 and 1")
    size = Decimal(population)
    n = size / (ONE + size * margin * margin)
    return int(n.to_integral_value(rounding=ROUND_CEILING))
