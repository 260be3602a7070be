"""Small builders for scoring tests: criteria-set trees and the sets saved from them.

`make_small_tree()` is a departments set for 2025 (20 points) that uses every scoring
method, with a bonus and a penalty line and five bands:

    1   Chỉ đạo, điều hành CCHC                      10
    1.1   Kế hoạch CCHC                                4
    1.1.1   Ban hành kế hoạch đúng hạn      choice      2   (2 / 1 / 0, or not applicable)
    1.1.2   Tỷ lệ nhiệm vụ hoàn thành       ratio       2   (full marks from 80 %)
    1.2   Kiểm tra CCHC                    manual      3   (steps of 0.5, may be n/a)
    1.3   Tuyên truyền CCHC                bands       3   (on a number: 0 / 1.5 / 3)
    2   Cải cách thủ tục hành chính                  10
    2.1   Hồ sơ giải quyết đúng hạn        metric      4   (full marks from 95 %)
    2.2   Mức độ hài lòng (điều tra XHH)   survey      4
    2.3   Tỷ lệ TTHC trực tuyến            bands       2   (on a ratio: 0 / 1 / 2)
    2.4   Sáng kiến CCHC (điểm thưởng)     manual      1   bonus
    2.5   Vi phạm kỷ luật (điểm trừ)       manual      2   penalty

Bands: Xuất sắc ≥ 90, Tốt ≥ 80, Khá ≥ 70, Trung bình ≥ 50, Yếu ≥ 0.
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

from cchc.accounts.models import User
from cchc.accounts.tests.factories import make_user
from cchc.scoring.models import CriteriaSet
from cchc.scoring.sets_io import FORMAT

_seq = itertools.count(1)

SMALL_BANDS = [
    ("Xuất sắc", "90"),
    ("Tốt", "80"),
    ("Khá", "70"),
    ("Trung bình", "50"),
    ("Yếu", "0"),
]


def make_node(
    code: str,
    name: str,
    max_points: str,
    *,
    method: str = "",
    params: dict[str, Any] | None = None,
    children: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """One node of a JSON tree; a leaf without a method is scored by entering points."""
    node = {
        "code": code,
        "name": name,
        "max_points": max_points,
        "guidance": "",
        "evidence_required": "",
        "source": "self_assessment",
        "kind": "normal",
        "method": method or ("" if children else "manual"),
        "params": params or {},
        "allows_not_applicable": False,
        "children": children or [],
    }
    node.update(fields)
    return node


def make_tree(
    criteria: list[dict[str, Any]],
    *,
    bands: list[tuple[str, str]] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A JSON tree of a set (departments, 2025 unless told) around `criteria`."""
    tree = {
        "format": FORMAT,
        "year": 2025,
        "group": "departments",
        "name": "Bộ tiêu chí thử",
        "legal_basis": "",
        "rounding": "half_up",
        "cap_at_maximum": True,
        "is_template": False,
        "is_demo": False,
        "notes": "",
        "bands": [{"label": label, "min_percent": start} for label, start in bands or []],
        "criteria": criteria,
    }
    tree.update(fields)
    return tree


_SMALL_CRITERIA = [
    make_node(
        "1",
        "Chỉ đạo, điều hành CCHC",
        "10",
        children=[
            make_node(
                "1.1",
                "Kế hoạch CCHC",
                "4",
                children=[
                    make_node(
                        "1.1.1",
                        "Ban hành kế hoạch CCHC đúng hạn",
                        "2",
                        method="choice",
                        params={
                            "options": [
                                {"key": "on_time", "label": "Đúng hạn", "points": "2"},
                                {"key": "late", "label": "Chậm", "points": "1"},
                                {"key": "none", "label": "Không ban hành", "points": "0"},
                                {"key": "na", "label": "Không áp dụng", "not_applicable": True},
                            ]
                        },
                        allows_not_applicable=True,
                        guidance="Đúng hạn: 2 điểm\nChậm: 1 điểm\nKhông ban hành: 0 điểm",
                        evidence_required="Kế hoạch CCHC năm",
                    ),
                    make_node(
                        "1.1.2",
                        "Tỷ lệ nhiệm vụ trong kế hoạch hoàn thành",
                        "2",
                        method="ratio",
                        params={"threshold": "80"},
                        guidance="Từ 80 % trở lên: 2 điểm; dưới 80 %: tỷ lệ / 80 x 2",
                    ),
                ],
            ),
            make_node(
                "1.2",
                "Kiểm tra CCHC",
                "3",
                method="manual",
                params={"step": "0.5"},
                allows_not_applicable=True,
            ),
            make_node(
                "1.3",
                "Tuyên truyền CCHC",
                "3",
                method="bands",
                params={
                    "basis": "number",
                    "bands": [
                        {"from": "0", "points": "0"},
                        {"from": "1", "points": "1.5"},
                        {"from": "3", "points": "3"},
                    ],
                },
                guidance="Số tin, bài tuyên truyền",
            ),
        ],
    ),
    make_node(
        "2",
        "Cải cách thủ tục hành chính",
        "10",
        children=[
            make_node(
                "2.1",
                "Tỷ lệ hồ sơ giải quyết đúng hạn",
                "4",
                method="metric",
                params={"metric": "dossiers_on_time", "threshold": "95"},
            ),
            make_node(
                "2.2",
                "Mức độ hài lòng của người dân",
                "4",
                method="survey",
                source="survey",
            ),
            make_node(
                "2.3",
                "Tỷ lệ TTHC trực tuyến toàn trình",
                "2",
                method="bands",
                params={
                    "basis": "ratio",
                    "bands": [
                        {"from": "0", "points": "0"},
                        {"from": "50", "points": "1"},
                        {"from": "80", "points": "2"},
                    ],
                },
            ),
            make_node("2.4", "Sáng kiến CCHC được công nhận", "1", kind="bonus"),
            make_node("2.5", "Vi phạm kỷ luật hành chính", "2", kind="penalty"),
        ],
    ),
]


def make_small_tree(**fields: Any) -> dict[str, Any]:
    """The small set's JSON tree (a fresh copy each time; `fields` replace set fields)."""
    tree = make_tree(copy.deepcopy(_SMALL_CRITERIA), bands=SMALL_BANDS, name="Bộ tiêu chí sở 2025")
    tree.update(fields)
    return tree


def make_set_manager() -> User:
    """Someone allowed to manage criteria sets (a superuser acts as administrator)."""
    return make_user(f"set-manager-{next(_seq)}", is_superuser=True)


def make_criteria_set(
    tree: dict[str, Any] | None = None, *, by: User | None = None, **fields: Any
) -> CriteriaSet:
    """Save a set through `create_criteria_set` (the small set unless `tree` is given)."""
    from cchc.scoring.services.sets import create_criteria_set

    tree = dict(tree) if tree is not None else make_small_tree()
    tree.update(fields)
    return create_criteria_set(tree, by=by or make_set_manager())
