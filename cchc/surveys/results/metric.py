"""`surveys.satisfaction` for the PAR Index (filled in by the results module)."""

from __future__ import annotations

from cchc.scoring.metrics import Reading


def unit_satisfaction(unit_ids: list[int], year: int) -> dict[int, Reading]:
    return {}
