"""PAR Index arithmetic (`calculations`): properties that hold for any tree, score or band."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc.scoring.calculations import (
    NA,
    Inputs,
    Method,
    Node,
    Rounding,
    classify,
    node_points,
    rank,
    sheet_totals,
)

pytestmark = pytest.mark.usefixtures("english")

D = Decimal


# --- properties -----------------------------------------------------------------------------

cents = st.integers(min_value=0, max_value=2000).map(lambda n: D(n) / 100)


@st.composite
def trees(draw: st.DrawFn) -> tuple[list[Node], dict]:
    """A random tree of up to 3 levels with consistent maxima, and points for its leaves."""
    nodes: list[Node] = []
    points: dict = {}

    def leaf_points(key: str, maximum: Decimal) -> None:
        choice = draw(st.sampled_from(["points", "points", "none", "na"]))
        if choice == "points":
            points[key] = draw(st.integers(0, int(maximum * 100)).map(lambda n: D(n) / 100))
        elif choice == "na":
            points[key] = NA

    def build(key: str, parent: str | None, depth: int) -> Decimal:
        if depth < 3 and draw(st.booleans()):
            index = len(nodes)
            nodes.append(Node(key, parent, D(0), scored=False))
            count = draw(st.integers(1, 3))
            total = sum((build(f"{key}.{i}", key, depth + 1) for i in range(count)), D(0))
            for i, kind in enumerate(
                draw(st.lists(st.sampled_from(["bonus", "penalty"]), max_size=2))
            ):
                extra = draw(cents)
                nodes.append(Node(f"{key}.x{i}", key, extra, kind=kind))
                leaf_points(f"{key}.x{i}", extra)
            nodes[index] = Node(key, parent, total, scored=False)
            return total
        maximum = draw(cents)
        nodes.append(Node(key, parent, maximum))
        leaf_points(key, maximum)
        return maximum

    for area in range(draw(st.integers(1, 4))):
        build(str(area + 1), None, 1)
    return nodes, points


@settings(max_examples=100, deadline=None)
@given(trees(), st.sampled_from(list(Rounding)))
def test_totals_stay_within_zero_and_the_applicable_maximum(tree, rounding):
    nodes, points = tree

    totals = sheet_totals(nodes, points, rounding=rounding)
    uncapped = sheet_totals(nodes, points, rounding=rounding, cap_at_maximum=False)

    assert D(0) <= totals.total <= totals.maximum
    assert uncapped.total >= totals.total
    if totals.index is not None:
        assert D(0) <= totals.index <= D(100)
    for node in nodes:
        result = totals.nodes[node.key]
        assert D(0) <= result.points <= result.maximum <= node.max_points


@settings(max_examples=100, deadline=None)
@given(
    st.integers(1, 10_000),
    st.integers(0, 10_000),
    st.one_of(st.none(), st.integers(1, 100)),
    st.integers(0, 2000),
)
def test_ratio_points_never_exceed_the_maximum(denominator, numerator, threshold, maximum):
    numerator = min(numerator, denominator)
    params = {"threshold": str(threshold)} if threshold else {}

    points = node_points(
        Method.RATIO,
        params,
        D(maximum) / 100,
        Inputs(numerator=D(numerator), denominator=D(denominator)),
    )

    assert D(0) <= points <= D(maximum) / 100


@given(st.dictionaries(st.text(max_size=3), st.one_of(st.none(), cents), max_size=12))
def test_a_higher_score_never_ranks_lower(scores):
    ranks = rank(scores)

    for a, score_a in scores.items():
        if score_a is None:
            assert ranks[a] is None
            continue
        assert ranks[a] == 1 + sum(1 for s in scores.values() if s is not None and s > score_a)
        for b, score_b in scores.items():
            if score_b is not None and score_a > score_b:
                assert ranks[a] < ranks[b]
            if score_b is not None and score_a == score_b:
                assert ranks[a] == ranks[b]


@given(
    st.lists(st.integers(0, 10_000), min_size=1, max_size=6, unique=True),
    st.integers(0, 10_000),
    st.integers(0, 10_000),
)
def test_classification_is_monotone_in_the_index(starts, low, high):
    low, high = sorted((low, high))
    bands = [(f"band {s}", D(s) / 100) for s in starts]
    threshold = dict(bands) | {"": D(-1)}

    lower = classify(D(low) / 100, bands)
    upper = classify(D(high) / 100, bands)

    assert threshold[lower] <= threshold[upper]
