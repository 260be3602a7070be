"""PAR Index arithmetic (`calculations`): totals, index, rank and bands, and the published
figures they reproduce.

Published figures come from `cchc/scoring/reference/published_results.json`, a copy of
the domain folder's reference file; each row names its source.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from cchc.scoring.calculations import (
    NA,
    Node,
    Rounding,
    classify,
    index_percent,
    rank,
    sheet_totals,
)

pytestmark = pytest.mark.usefixtures("english")

D = Decimal
REFERENCE = Path(__file__).resolve().parent.parent / "reference"
PUBLISHED = json.loads((REFERENCE / "published_results.json").read_text(encoding="utf-8"))


# --- totals -------------------------------------------------------------------------------

# Area 1 (10): 1.1 (4), 1.2 (6), bonus 1.3 (1), penalty 1.4 (2)
# Area 2 (10): 2.1 (5) = 2.1.1 (2) + 2.1.2 (3); 2.2 (5)
TREE = [
    Node("1", None, D(10), scored=False),
    Node("1.1", "1", D(4)),
    Node("1.2", "1", D(6)),
    Node("1.3", "1", D(1), kind="bonus"),
    Node("1.4", "1", D(2), kind="penalty"),
    Node("2", None, D(10), scored=False),
    Node("2.1", "2", D(5), scored=False),
    Node("2.1.1", "2.1", D(2)),
    Node("2.1.2", "2.1", D(3)),
    Node("2.2", "2", D(5)),
]
FULL = {"1.1": D(4), "1.2": D(6), "1.3": D(0), "1.4": D(0), "2.1.1": D(2), "2.1.2": D(3)}
FULL["2.2"] = D(5)


def test_totals_add_up_the_tree_with_bonus_penalty_and_not_applicable():
    points = {**FULL, "1.2": D(5), "1.3": D(1), "1.4": D("0.5"), "2.1.2": NA, "2.2": D("3.5")}

    totals = sheet_totals(TREE, points)

    assert (totals.nodes["1"].points, totals.nodes["1"].maximum) == (D(9), D(10))
    assert (totals.nodes["2.1"].points, totals.nodes["2.1"].maximum) == (D(2), D(2))
    assert (totals.nodes["2"].points, totals.nodes["2"].maximum) == (D("5.5"), D(7))
    assert (totals.bonus, totals.penalty) == (D(1), D("0.5"))
    assert (totals.total, totals.maximum, totals.missing) == (D(15), D(17), 0)
    assert totals.index == D("88.24")
    assert totals.areas == ["1", "2"]
    assert totals.nodes["2"].index() == D("78.57")
    assert totals.nodes["2"].lost == D("1.5")


def test_missing_points_are_counted_and_score_nothing():
    points = {**FULL, "1.2": None}
    del points["2.2"]

    totals = sheet_totals(TREE, points)

    assert totals.missing == 2
    assert totals.nodes["1.2"].missing == 1
    assert (totals.nodes["1"].points, totals.nodes["1"].maximum) == (D(4), D(10))
    assert (totals.total, totals.maximum) == (D(9), D(20))


def test_a_bonus_cannot_lift_the_total_above_the_maximum_when_capped():
    points = {**FULL, "1.2": D("5.5"), "1.3": D(1)}

    capped = sheet_totals(TREE, points)
    uncapped = sheet_totals(TREE, points, cap_at_maximum=False)

    assert (capped.total, capped.index) == (D(20), D("100.00"))
    assert (uncapped.total, uncapped.index) == (D("20.5"), D("102.50"))


def test_penalties_cannot_take_the_total_below_zero():
    points = {key: D(0) for key in FULL} | {"1.4": D(2)}

    assert sheet_totals(TREE, points).total == D(0)


def test_a_leaf_score_above_its_maximum_counts_as_the_maximum():
    assert sheet_totals(TREE, {**FULL, "1.1": D(9)}).nodes["1.1"].points == D(4)


def test_everything_not_applicable_has_no_index():
    totals = sheet_totals(TREE, dict.fromkeys(FULL, NA))

    assert (totals.total, totals.maximum, totals.index) == (D(0), D(0), None)


@pytest.mark.parametrize(
    ("points", "maximum", "rounding", "index"),
    [
        (D(15), D(17), Rounding.HALF_UP, D("88.24")),
        (D(15), D(17), Rounding.DOWN, D("88.23")),
        (D(2), D(3), Rounding.HALF_UP, D("66.67")),
        (D(2), D(3), Rounding.DOWN, D("66.66")),
        (D(1), D(8), Rounding.HALF_UP, D("12.50")),
        (D(0), D(0), Rounding.HALF_UP, None),
    ],
)
def test_index_percent(points, maximum, rounding, index):
    assert index_percent(points, maximum, rounding) == index


# --- published figures ----------------------------------------------------------------------

_PROVINCIAL = {(r["year"], r["group"]): r for r in PUBLISHED["provincial_par_examples"]}


def test_nam_dinh_2020_departments_is_published_truncated():
    """Nam Định 2020, departments: mean appraised score 62.62 of 70, published as 89.45 %.

    62.62 / 70 x 100 = 89.4571…: rounding half up gives 89.46; only truncation gives the
    published 89.45. This is why the rounding of the index is a setting of each criteria set
    (`CriteriaSet.rounding`, `Rounding.DOWN`). Source: sonoivu.namdinh.gov.vn (see the row).
    """
    row = _PROVINCIAL[(2020, "departments")]
    points, maximum = D(row["mean_appraised_score"]), D(row["self_assessed_max"])

    assert index_percent(points, maximum, Rounding.DOWN) == D(row["appraised_percent"])
    assert index_percent(points, maximum, Rounding.HALF_UP) == D("89.46")
    totals = sheet_totals([Node("all", None, maximum)], {"all": points}, rounding=Rounding.DOWN)
    assert totals.index == D("89.45")


def test_nam_dinh_2020_districts_is_the_same_either_way():
    """Nam Định 2020, districts: 61.46 of 70 = 87.80 % exactly; both roundings agree."""
    row = _PROVINCIAL[(2020, "districts")]
    points, maximum = D(row["mean_appraised_score"]), D(row["self_assessed_max"])

    for rounding in Rounding:
        assert index_percent(points, maximum, rounding) == D(row["appraised_percent"])


_GROUPS_2022 = PUBLISHED["par_index_groups_2022"]
NATIONAL_BANDS = [(b["group"], D(b["min"])) for b in _GROUPS_2022["bands"]]
_EXPECTED_GROUP = {  # the published 2022 groups: A ≥ 90, B 80 to < 90, C 70 to < 80
    "Quảng Ninh": "A",
    "Hải Phòng": "A",
    "Hà Nội": "B",
    "Đồng Nai": "B",
    "An Giang": "B",
}
_ROWS_2022 = [r for r in PUBLISHED["par_index_provinces"] if r["year"] == 2022]


@pytest.mark.parametrize(
    "row",
    [
        pytest.param(r, id=f"{r['province']} 2022 {r['score']} ({r['source'][:40]})")
        for r in _ROWS_2022
    ],
)
def test_national_2022_groups_classify_the_published_scores(row):
    assert classify(D(row["score"]), NATIONAL_BANDS) == _EXPECTED_GROUP[row["province"]]


def test_the_two_group_a_provinces_of_2022_are_the_two_ranked_first():
    group_a = [r for r in _ROWS_2022 if classify(D(r["score"]), NATIONAL_BANDS) == "A"]

    assert len(group_a) == _GROUPS_2022["counts"]["A"]
    assert sorted(r["rank"] for r in group_a) == [1, 2]


@pytest.mark.parametrize("year", [2021, 2022, 2023])
def test_ranking_reproduces_the_published_order(year):
    rows = [r for r in PUBLISHED["par_index_provinces"] if r["year"] == year]

    ranks = rank({r["province"]: D(r["score"]) for r in rows})

    by_ours = sorted(rows, key=lambda r: ranks[r["province"]])
    assert [r["province"] for r in by_ours] == [
        r["province"] for r in sorted(rows, key=lambda r: r["rank"])
    ]


def test_ranking_the_2021_top_five_gives_the_published_ranks():
    """2021: Hải Phòng 91.80 (1), Quảng Ninh 91.14 (2), Đà Nẵng 90.25 (3), Thừa Thiên Huế
    89.32 (4), Vĩnh Phúc 89.28 (5); the list holds ranks 1-5 without gaps."""
    rows = [r for r in PUBLISHED["par_index_provinces"] if r["year"] == 2021 and r["rank"] <= 5]

    ranks = rank({r["province"]: D(r["score"]) for r in rows})

    assert ranks == {r["province"]: r["rank"] for r in rows}
    assert ranks["Hải Phòng"] == 1
    assert ranks["Vĩnh Phúc"] == 5


# --- ranking and classification -----------------------------------------------------------


def test_equal_scores_share_a_rank_and_the_next_rank_skips():
    scores = {"a": D("90.10"), "b": D("88"), "c": D("88.00"), "d": D("70"), "e": None}

    assert rank(scores) == {"a": 1, "b": 2, "c": 2, "d": 4, "e": None}


SMALL_BANDS = [("Xuất sắc", D(90)), ("Tốt", D(80)), ("Khá", D(70)), ("Trung bình", D(50))]


@pytest.mark.parametrize(
    ("index", "label"),
    [
        (D(100), "Xuất sắc"),
        (D(90), "Xuất sắc"),
        (D("89.99"), "Tốt"),
        (D(80), "Tốt"),
        (D("50.00"), "Trung bình"),
        (D("49.99"), ""),
        (None, ""),
    ],
)
def test_classify_takes_the_highest_band_reached(index, label):
    assert classify(index, SMALL_BANDS) == label
