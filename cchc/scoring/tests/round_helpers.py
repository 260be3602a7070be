"""A round's schedule and time travel for tests (role assignments start today, so rounds in
tests run in the future: the 2026 round, self-assessment in January 2027)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import time_machine

from cchc.scoring.models import Band, CriteriaSet, Criterion

SCHEDULE = {
    "self_from": datetime.date(2027, 1, 1),
    "self_to": datetime.date(2027, 1, 10),
    "appraisal_1_from": datetime.date(2027, 1, 11),
    "appraisal_1_to": datetime.date(2027, 1, 15),
    "explanation_from": datetime.date(2027, 1, 16),
    "explanation_to": datetime.date(2027, 1, 18),
    "appraisal_2_from": datetime.date(2027, 1, 19),
    "appraisal_2_to": datetime.date(2027, 1, 20),
    "council_from": datetime.date(2027, 1, 21),
    "council_to": datetime.date(2027, 1, 25),
    "publish_on": datetime.date(2027, 1, 26),
}
DAY_IN = {
    "self": datetime.date(2027, 1, 2),
    "appraisal_1": datetime.date(2027, 1, 12),
    "explanation": datetime.date(2027, 1, 17),
    "appraisal_2": datetime.date(2027, 1, 19),
    "council": datetime.date(2027, 1, 22),
    "after": datetime.date(2027, 2, 1),
}


def on(stage: str) -> time_machine.travel:
    """Travel to 09:00 on a day inside `stage`'s window (or "after" the round)."""
    day = DAY_IN[stage]
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, 2, tzinfo=datetime.UTC), tick=False
    )


def tiny_set(year: int = 2026, group: str = "departments") -> CriteriaSet:
    """One area of 10 points: 1.1 manual (6, step 0.5) and 1.2 ratio (4, threshold 80 %)."""
    s = CriteriaSet.objects.create(year=year, group=group, name=f"Tiny {group} {year}")
    area = Criterion.objects.create(
        criteria_set=s, code="1", name="Area", max_points=Decimal(10), area_code="1"
    )
    common = {"criteria_set": s, "parent": area, "depth": 2, "area_code": "1"}
    Criterion.objects.create(
        **common,
        code="1.1",
        name="Manual",
        max_points=Decimal(6),
        position=1,
        method="manual",
        params={"step": "0.5"},
    )
    Criterion.objects.create(
        **common,
        code="1.2",
        name="Ratio",
        max_points=Decimal(4),
        position=2,
        method="ratio",
        params={"threshold": "80"},
    )
    Band.objects.create(criteria_set=s, label="Tốt", min_percent=Decimal(80))
    Band.objects.create(criteria_set=s, label="Khá", min_percent=Decimal(0))
    return s
