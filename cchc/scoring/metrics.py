"""Metrics from cchc itself that criteria of method `metric` (or `survey`) are scored from.

A metric answers, for a set of units and a year, a percent per unit with the figures it was
computed from (shown next to the score so every point is traceable). Other apps register
their metrics here (`register`); a metric with no data for a unit gives None, and the
criterion then stays unscored until data exists or the secretariat enters points.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Reading:
    percent: Decimal | None
    data: dict[str, Any]


Compute = Callable[[list[int], int], dict[int, Reading]]


@dataclass(frozen=True)
class Metric:
    key: str
    label: str | Promise
    compute: Compute


_REGISTRY: dict[str, Metric] = {}


def register(key: str, label: str | Promise, compute: Compute) -> None:
    _REGISTRY[key] = Metric(key, label, compute)


def available() -> dict[str, Metric]:
    return dict(_REGISTRY)


def read(key: str, unit_ids: Iterable[int], year: int) -> dict[int, Reading]:
    """Readings of metric `key` for the units in `year` (None percent where no data)."""
    wanted = list(unit_ids)
    metric = _REGISTRY.get(key)
    found = metric.compute(wanted, year) if metric else {}
    empty = Reading(None, {"note": "no data"})
    return {pk: found.get(pk, empty) for pk in wanted}


# --- plans: tasks of the year's plans (plans.metrics is the documented interface) -------------


def _plans(field: str) -> Compute:
    def compute(unit_ids: list[int], year: int) -> dict[int, Reading]:
        from cchc.plans.metrics import unit_task_metrics

        figures = unit_task_metrics(
            unit_ids=unit_ids,
            period_start=datetime.date(year, 1, 1),
            period_end=datetime.date(year, 12, 31),
        )
        out = {}
        for pk, f in figures.items():
            data = {
                "on_time": f.on_time,
                "late": f.late,
                "overdue": f.overdue,
                "within_term": f.within_term,
                "due": f.due,
            }
            share = getattr(f, field)
            out[pk] = Reading(None if share is None else Decimal(share), data)
        return out

    return compute


register(
    "plans.tasks_on_time",
    _("Plan tasks completed on time (% of tasks due in the year)"),
    _plans("share_on_time"),
)
register(
    "plans.tasks_completed",
    _("Plan tasks completed, on time or late (% of tasks due in the year)"),
    _plans("share_completed"),
)
