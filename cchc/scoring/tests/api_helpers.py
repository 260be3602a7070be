"""Shared helpers for the PAR Index API tests (test_api_*.py): requests, a small set and a
round opened through the API."""

import json
from typing import Any

from cchc.scoring.models import CriteriaSet

from .factories import make_criteria_set, make_node, make_tree
from .round_helpers import SCHEDULE

API = "/api/par-index"


def send(client, method: str, url: str, data: dict[str, Any] | None = None):
    body = json.dumps(data or {})
    return getattr(client, method)(f"{API}{url}", body, content_type="application/json")


def api_set() -> CriteriaSet:
    """Departments 2026: area 1 (10) = 1.1 manual (6, steps of 0.5) + 1.2 ratio (4, full
    from 80 %); area 2 (5) = 2.1 from the survey (5). Bands Tốt ≥ 80, Khá ≥ 0."""
    tree = make_tree(
        [
            make_node(
                "1",
                "Chỉ đạo, điều hành",
                "10",
                children=[
                    make_node("1.1", "Kiểm tra CCHC", "6", params={"step": "0.5"}),
                    make_node(
                        "1.2", "Tỷ lệ hoàn thành", "4", method="ratio", params={"threshold": "80"}
                    ),
                ],
            ),
            make_node(
                "2",
                "Sự hài lòng",
                "5",
                children=[make_node("2.1", "Điều tra XHH", "5", method="survey", source="survey")],
            ),
        ],
        bands=[("Tốt", "80"), ("Khá", "0")],
        year=2026,
        name="Bộ tiêu chí API 2026",
    )
    return make_criteria_set(tree)


def schedule() -> dict[str, str]:
    return {field: day.isoformat() for field, day in SCHEDULE.items()}


def open_round(client, officer, criteria_set: CriteriaSet, units) -> dict[str, Any]:
    client.force_login(officer)
    data = {
        "year": 2026,
        "name": "Chỉ số CCHC 2026",
        "criteria_set_ids": [criteria_set.pk],
        "schedule": schedule(),
        "unit_ids": [u.pk for u in units],
        "council_quorum": 1,
    }
    response = send(client, "post", "/rounds", data)
    assert response.status_code == 201, response.content
    return response.json()


def scores_by_code(client, sheet_id: int) -> dict[str, dict[str, Any]]:
    detail = client.get(f"{API}/sheets/{sheet_id}").json()
    return {s["code"]: s for s in detail["scores"]}
