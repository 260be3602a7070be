"""The seed criteria sets in `cchc/scoring/reference/`: well-formed trees whose arithmetic
adds up, checked without the database (plain JSON and `calculations.check_params`)."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import cchc.scoring
from cchc.scoring.calculations import Method, Rounding, check_params

REFERENCE = Path(cchc.scoring.__file__).parent / "reference"
TEMPLATE = "national_876_template.json"
DEMOS = ["demo_an_giang_departments.json", "demo_an_giang_districts.json"]
ALL = [TEMPLATE, *DEMOS]

GROUPS = {"departments", "districts", "communes", "provinces"}
SOURCES = {"self_assessment", "survey"}
KINDS = {"normal", "bonus", "penalty"}
NODE_KEYS = {
    "code",
    "name",
    "max_points",
    "guidance",
    "evidence_required",
    "source",
    "kind",
    "method",
    "params",
    "allows_not_applicable",
    "children",
}
METRICS = {
    "plans.tasks_on_time",
    "plans.tasks_completed",
    "surveys.satisfaction",
    "dossiers.on_time",
}
AREA_CODES = [str(n) for n in range(1, 9)]


def load(name: str) -> dict[str, Any]:
    return json.loads((REFERENCE / name).read_text(encoding="utf-8"))


def walk(
    nodes: list[dict[str, Any]], parent: dict[str, Any] | None = None, depth: int = 1
) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None, int]]:
    for node in nodes:
        yield node, parent, depth
        yield from walk(node["children"], node, depth + 1)


def leaves(tree: dict[str, Any]) -> list[dict[str, Any]]:
    return [n for n, _, _ in walk(tree["criteria"]) if not n["children"]]


def points(tree: dict[str, Any], source: str | None = None) -> Decimal:
    """Sum of the maxima of the ordinary leaves (of one source)."""
    return sum(
        (
            Decimal(n["max_points"])
            for n in leaves(tree)
            if n["kind"] == "normal" and source in (None, n["source"])
        ),
        Decimal(0),
    )


@pytest.fixture(params=ALL)
def tree(request) -> dict[str, Any]:
    return load(request.param)


def test_the_header_follows_the_exchange_format(tree):
    assert tree["format"] == "cchc-criteria-set/1"
    assert tree["group"] in GROUPS
    assert isinstance(tree["year"], int)
    assert 2000 <= tree["year"] <= 2100
    assert tree["rounding"] in Rounding.values
    assert isinstance(tree["cap_at_maximum"], bool)
    assert tree["is_template"] is not tree["is_demo"]
    assert tree["name"].strip()
    assert tree["legal_basis"].strip()
    assert tree["notes"].strip()


def test_codes_are_unique_and_dotted_by_depth(tree):
    codes = [n["code"] for n, _, _ in walk(tree["criteria"])]
    assert len(codes) == len(set(codes))
    assert [a["code"] for a in tree["criteria"]] == AREA_CODES
    for node, parent, depth in walk(tree["criteria"]):
        assert set(node) == NODE_KEYS, node["code"]
        assert depth <= 3, node["code"]
        parts = node["code"].split(".")
        assert len(parts) == depth, node["code"]
        assert all(re.fullmatch(r"[1-9]\d*", part) for part in parts), node["code"]
        if parent is not None:
            position = parent["children"].index(node) + 1
            assert node["code"] == f"{parent['code']}.{position}"


def test_every_parent_is_the_sum_of_its_ordinary_children(tree):
    for node, _, _ in walk(tree["criteria"]):
        if not node["children"]:
            continue
        assert node["method"] == "", node["code"]
        assert node["params"] == {}, node["code"]
        assert node["kind"] == "normal", node["code"]
        assert node["allows_not_applicable"] is False, node["code"]
        ordinary = [Decimal(c["max_points"]) for c in node["children"] if c["kind"] == "normal"]
        assert ordinary, node["code"]
        assert Decimal(node["max_points"]) == sum(ordinary), node["code"]


def test_every_leaf_has_a_well_formed_method(tree):
    for leaf in leaves(tree):
        maximum = Decimal(leaf["max_points"])
        assert isinstance(leaf["max_points"], str), leaf["code"]
        assert maximum >= 0, leaf["code"]
        assert leaf["method"] in Method.values, leaf["code"]
        assert check_params(leaf["method"], leaf["params"], maximum) == [], leaf["code"]
        assert leaf["source"] in SOURCES, leaf["code"]
        assert leaf["kind"] in KINDS, leaf["code"]
        if "metric" in leaf["params"]:
            assert leaf["params"]["metric"] in METRICS, leaf["code"]
        if leaf["method"] == Method.SURVEY:
            assert leaf["source"] == "survey", leaf["code"]


def test_not_applicable_options_only_where_the_node_allows_it(tree):
    for leaf in leaves(tree):
        options = leaf["params"].get("options", [])
        if any(o.get("not_applicable") for o in options):
            assert leaf["allows_not_applicable"] is True, leaf["code"]


def test_bands_descend_with_distinct_thresholds(tree):
    thresholds = [Decimal(b["min_percent"]) for b in tree["bands"]]
    assert thresholds == sorted(thresholds, reverse=True)
    assert len(set(thresholds)) == len(thresholds)
    assert all(0 <= t <= 100 for t in thresholds)
    labels = [b["label"] for b in tree["bands"]]
    assert all(label.strip() for label in labels)
    assert len(set(labels)) == len(labels)


def test_texts_are_normalised_vietnamese(tree):
    """NFC text, so names match what officials type (domain README §3)."""
    for node, _, _ in walk(tree["criteria"]):
        for key in ("name", "guidance", "evidence_required"):
            assert unicodedata.normalize("NFC", node[key]) == node[key], node["code"]
        assert node["name"].strip(), node["code"]
        if not node["children"]:
            assert node["guidance"].strip(), node["code"]


def test_the_876_template_keeps_only_the_confirmed_totals():
    tree = load(TEMPLATE)
    assert tree["is_template"] is True
    assert (tree["group"], tree["year"]) == ("provinces", 2022)
    assert len(tree["criteria"]) == 8
    assert points(tree) == Decimal(100)
    assert points(tree, "survey") == Decimal(32)
    assert points(tree, "self_assessment") == Decimal(68)
    assert [(b["label"], b["min_percent"]) for b in tree["bands"]] == [
        ("Nhóm A", "90"),
        ("Nhóm B", "80"),
        ("Nhóm C", "70"),
    ]
    assert all(n["kind"] == "normal" for n in leaves(tree))
    for figure in ("8", "37", "88", "100", "32"):
        assert figure in tree["notes"]


@pytest.mark.parametrize("name", DEMOS)
def test_a_demo_set_uses_every_method_and_has_bonus_and_penalty(name):
    tree = load(name)
    assert tree["is_demo"] is True
    assert points(tree) == Decimal(100)
    assert points(tree, "survey") == Decimal(30)
    found = leaves(tree)
    assert {n["method"] for n in found} == set(Method.values)
    assert any(n["kind"] == "bonus" for n in found)
    assert any(n["kind"] == "penalty" for n in found)
    assert any(n["allows_not_applicable"] for n in found)
    used = {n["params"].get("metric") for n in found} - {None}
    assert used == METRICS
    ratios = [n["params"] for n in found if n["method"] == Method.RATIO]
    assert {"threshold" in p for p in ratios} == {True, False}
    bases = {n["params"]["basis"] for n in found if n["method"] == Method.BANDS}
    assert bases == {"ratio", "number"}


def test_the_demo_sets_share_their_area_codes():
    departments, districts = (load(name) for name in DEMOS)
    assert [a["code"] for a in departments["criteria"]] == AREA_CODES
    assert [a["code"] for a in districts["criteria"]] == AREA_CODES
    assert (departments["group"], districts["group"]) == ("departments", "districts")
