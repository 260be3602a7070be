"""Reading criteria sets: the JSON tree's rules."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cchc.scoring.sets_io import read_tree, tree_problems

from .factories import make_node, make_small_tree, make_tree
from .set_helpers import _reasons

pytestmark = pytest.mark.usefixtures("english")


# --- the JSON tree ------------------------------------------------------------------------


def test_small_tree_is_valid():
    spec, problems = read_tree(make_small_tree())

    assert problems == []
    assert [(n.code, depth) for n, depth in spec.nodes()][:4] == [
        ("1", 1),
        ("1.1", 2),
        ("1.1.1", 3),
        ("1.1.2", 3),
    ]
    assert spec.bands[0] == ("Xuất sắc", Decimal("90.00"))
    assert spec.bands[-1] == ("Yếu", Decimal("0.00"))


def test_problem_names_the_json_path_of_the_node():
    tree = make_small_tree()
    tree["criteria"][1]["children"][0]["max_points"] = "four"

    problems = tree_problems(tree, file="set.json")

    assert _reasons(problems) == [
        (None, "criteria[1].children[0].max_points", "Must be a number."),
    ]
    assert problems[0].file == "set.json"


def test_children_must_add_up_to_their_parent():
    tree = make_tree(
        [
            make_node(
                "1",
                "A",
                "10",
                children=[
                    make_node(
                        "1.2",
                        "B",
                        "5",
                        children=[make_node("1.2.1", "x", "3"), make_node("1.2.2", "y", "1")],
                    ),
                    make_node("1.3", "C", "5"),
                ],
            )
        ]
    )

    assert _reasons(tree_problems(tree)) == [
        (
            None,
            "criteria[0].children[0].max_points",
            "The sub-criteria of 1.2 add up to 4.00 but 1.2 has 5.00.",
        )
    ]


def test_bonus_and_penalty_lines_are_outside_the_parents_maximum():
    tree = make_tree(
        [
            make_node(
                "1",
                "A",
                "5",
                children=[
                    make_node("1.1", "x", "5"),
                    make_node("1.2", "bonus", "2", kind="bonus"),
                    make_node("1.3", "penalty", "3", kind="penalty"),
                ],
            )
        ]
    )

    assert tree_problems(tree) == []


@pytest.mark.parametrize(
    ("change", "column", "reason"),
    [
        pytest.param(
            {"max_points": "-1"}, "max_points", "Must be between 0 and 99999.99.", id="negative"
        ),
        pytest.param({"max_points": "1.005"}, "max_points", "At most 2 decimal places.", id="3dp"),
        pytest.param({"max_points": True}, "max_points", "Must be a number.", id="boolean"),
        pytest.param({"name": "  "}, "name", "A value is required.", id="no name"),
        pytest.param({"code": ""}, "code", "A value is required.", id="no code"),
        pytest.param({"method": "magic"}, "method", "Unknown scoring method “magic”.", id="method"),
        pytest.param({"method": ""}, "method", "Choose a scoring method for this criterion."),
        pytest.param(
            {"method": "choice", "params": {"options": []}},
            "params",
            "A choice list needs at least two options.",
            id="params",
        ),
        pytest.param(
            {"params": {"step": "1e-40"}},
            "params",
            "The step must be a number of at least 0.01, with at most 2 decimals.",
            id="tiny step",
        ),
        pytest.param({"params": []}, "params", "Must be an object (a JSON dictionary)."),
        pytest.param(
            {"allows_not_applicable": "yes"}, "allows_not_applicable", "Must be true or false."
        ),
        pytest.param({"colour": "red"}, "colour", "Unknown field."),
        pytest.param(
            {"code": "2.1"}, "code", "A criterion under 1 must be numbered 1.1, 1.2, …", id="code"
        ),
        pytest.param(
            {"code": "1 a"},
            "code",
            "“1 a” is not a code: write 1, 1.2 or 1.2.3 (areas may be I, II, …).",
        ),
        pytest.param(
            {"kind": "extra"},
            "kind",
            "Unknown value “extra”; use one of: normal (Scored), bonus (Bonus), penalty (Penalty).",
        ),
    ],
)
def test_a_bad_leaf_is_reported_at_its_field(change, column, reason):
    leaf = make_node("1.1", "Leaf", "4", params={})
    leaf.update(change)
    tree = make_tree([make_node("1", "Area", "4", children=[leaf])])

    problems = tree_problems(tree)

    assert (None, f"criteria[0].children[0].{column}", reason) in _reasons(problems)


def test_an_aggregate_is_not_scored_and_penalties_have_no_children():
    tree = make_tree(
        [
            make_node(
                "1",
                "A",
                "2",
                method="manual",
                children=[
                    make_node("1.1", "x", "2"),
                    make_node(
                        "1.2", "p", "1", kind="penalty", children=[make_node("1.2.1", "y", "1")]
                    ),
                ],
            )
        ]
    )

    assert _reasons(tree_problems(tree)) == [
        (None, "criteria[0].children[1].kind", "Bonus and penalty lines cannot have sub-criteria."),
        (
            None,
            "criteria[0].method",
            "A criterion with sub-criteria is not scored itself; leave its method empty.",
        ),
    ]


def test_codes_are_unique_and_areas_have_one_part():
    tree = make_tree(
        [
            make_node("1", "A", "1", children=[make_node("1.1", "x", "1")]),
            make_node("1", "B", "1"),
            make_node("2.1", "C", "1"),
        ]
    )

    assert _reasons(tree_problems(tree)) == [
        (None, "criteria[1].code", "The code 1 is used more than once."),
        (None, "criteria[2].code", "An area's code is a single number, such as 1 or I."),
    ]


def test_four_levels_are_too_many():
    deep = make_node("1.1.1.1", "d", "1")
    tree = make_tree(
        [
            make_node(
                "1",
                "A",
                "1",
                children=[
                    make_node(
                        "1.1", "b", "1", children=[make_node("1.1.1", "c", "1", children=[deep])]
                    )
                ],
            )
        ]
    )

    reasons = _reasons(tree_problems(tree))

    assert reasons[0] == (
        None,
        "criteria[0].children[0].children[0].children[0].code",
        "Too many levels: a set has areas, criteria and sub-criteria (3 levels).",
    )


@pytest.mark.parametrize(
    ("change", "column", "reason"),
    [
        pytest.param({"year": 1890}, "year", "Must be a year between 1990 and 2100."),
        pytest.param({"year": None}, "year", "Must be a year between 1990 and 2100."),
        pytest.param(
            {"group": "ministries"},
            "group",
            "Unknown value “ministries”; use one of: departments (Departments and agencies), "
            "districts (District-level People's Committees), communes (Commune-level People's "
            "Committees), provinces (Provinces (national index)).",
        ),
        pytest.param({"group": ""}, "group", "A value is required."),
        pytest.param({"rounding": "up"}, "rounding", None),
        pytest.param({"name": ""}, "name", "A value is required."),
        pytest.param({"cap_at_maximum": "no"}, "cap_at_maximum", "Must be true or false."),
        pytest.param({"criteria": []}, "criteria", "The set has no criteria."),
        pytest.param({"bands": {}}, "bands", "Must be a list of bands."),
    ],
)
def test_a_bad_set_field_is_reported(change, column, reason):
    tree = make_small_tree(**change)

    problems = _reasons(tree_problems(tree))

    assert [c for _row, c, _r in problems] == [column]
    if reason:
        assert problems[0][2] == reason


def test_bands_need_labels_and_distinct_thresholds_within_0_to_100():
    tree = make_small_tree(
        bands=[
            {"label": "A", "min_percent": "90"},
            {"label": "", "min_percent": "80"},
            {"label": "C", "min_percent": "90"},
            {"label": "D", "min_percent": "100.5"},
            {"label": "E", "min_percent": "x"},
        ]
    )

    assert _reasons(tree_problems(tree)) == [
        (None, "bands[1].label", "A value is required."),
        (None, "bands[2].min_percent", "Another band starts at the same percent."),
        (None, "bands[3].min_percent", "Must be between 0 and 100."),
        (None, "bands[4].min_percent", "Must be a number."),
    ]


@pytest.mark.parametrize(
    "tree",
    [
        pytest.param([], id="a list"),
        pytest.param({"year": 2025}, id="no format"),
        pytest.param({**make_small_tree(), "format": "cchc-criteria-set/9"}, id="other format"),
    ],
)
def test_something_else_than_a_criteria_set_is_refused(tree):
    problems = tree_problems(tree)

    assert len(problems) == 1


def test_malformed_nodes_do_not_crash_the_check():
    tree = make_tree([42, {"code": ["1"], "name": 3, "max_points": {}, "children": "x"}])

    reasons = _reasons(tree_problems(tree))

    assert reasons == [
        (None, "criteria[0]", "A criterion must be an object with a code and a name."),
        (None, "criteria[1].code", "A value is required."),
        (None, "criteria[1].name", "Must be text."),
        (None, "criteria[1].max_points", "Must be a number."),
        (None, "criteria[1].children", "Must be a list of criteria."),
        (None, "criteria[1].method", "Choose a scoring method for this criterion."),
    ]
