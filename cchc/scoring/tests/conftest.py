"""Scoring fixtures; the builders behind them are in `factories` for reuse."""

from __future__ import annotations

import pytest

from cchc.scoring.models import CriteriaSet

from .factories import make_criteria_set


@pytest.fixture
def small_set(db) -> CriteriaSet:
    """The departments set for 2025 of `factories.make_small_tree` (every method, a bonus
    and a penalty line, bands Xuất sắc ≥ 90 … Yếu ≥ 0)."""
    return make_criteria_set()
