"""Demo PAR Index data for An Giang, loaded by `manage.py load_demo_scoring`.

Everything here is labelled demo data (`is_demo`); the criteria sets are modelled on other
provinces' published sets, not An Giang's official ones. What is loaded:

- the national 876 structure as a template, and the demo department (2025) and district
  (2024) sets from `reference/`;
- the **2024 round** (departments on a clone of the department set, and the district-level
  units), appraised and **published**;
- the **2025 round** (departments after the 1/3/2025 mergers), **published** — so
  scorecards compare with last year;
- the **current round** (departments, on a clone for this year), in appraisal round 1
  today: most units submitted, the demo unit (Sở Tư pháp) still self-assessing under a
  recorded deadline exception, the demo appraiser assigned to areas 2 and 3.

Past rounds are filled directly (bulk writes, seeded random values by method) and then
recomputed and published through the services; the current round is opened through the
services. Each round is skipped when it already exists, so a second run changes nothing.
"""

from __future__ import annotations

import datetime
import json
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from cchc.accounts.models import User
from cchc.core.bulk import update_rows
from cchc.units.models import Unit

from . import calculations as calc
from .models import CouncilApproval, CriteriaSet, Round, Score, ScoreSheet
from .services import publication, rounds, sets
from .services.recompute import recompute_round

REFERENCE = Path(__file__).parent / "reference"
SEED_FILES = (
    "national_876_template.json",
    "demo_an_giang_departments.json",
    "demo_an_giang_districts.json",
)
DEMO_UNIT = "STP"
CENT = Decimal("0.01")


class DemoError(Exception):
    """The database lacks what the demo is built on (run load_demo_data first)."""


@dataclass
class DemoResult:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _person(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise DemoError(f"Run load_demo_data first (missing demo person {username!r}).")
    return user


def _tree(name: str) -> dict[str, Any]:
    return json.loads((REFERENCE / name).read_text(encoding="utf-8"))


def _seed_set(tree: dict[str, Any], by: User, result: DemoResult) -> CriteriaSet:
    found = CriteriaSet.objects.filter(
        year=tree["year"], group=tree["group"], name=tree["name"]
    ).first()
    if found:
        result.skipped.append(str(found))
        return found
    created = sets.create_criteria_set(tree, by=by, file=tree["name"])
    result.created.append(str(created))
    return created


def _clone_for(source: CriteriaSet, year: int, by: User, result: DemoResult) -> CriteriaSet:
    name = source.name.replace(str(source.year), str(year))
    found = CriteriaSet.objects.filter(year=year, group=source.group, name=name).first()
    if found:
        return found
    clone = sets.clone_criteria_set(source, year=year, name=name, by=by)
    if source.is_demo:
        clone.is_demo = True
        clone.save(update_fields=["is_demo"])
    result.created.append(str(clone))
    return clone


def _schedule(start: datetime.date) -> dict[str, datetime.date]:
    """A schedule whose self-assessment opens on `start`, with the usual spacing."""
    offsets = [0, 14, 15, 24, 25, 29, 30, 36, 37, 44, 50]
    return {
        name: start + datetime.timedelta(days=days)
        for name, days in zip(rounds.SCHEDULE, offsets, strict=True)
    }


# --- values by method ---------------------------------------------------------------------


def _quantum(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(rounding="ROUND_FLOOR") * step


def _declare(score: Score, criterion: Any, quality: float, rng: random.Random) -> None:
    """Plausible declared inputs for one score, better for a better unit."""
    maximum, params = criterion.max_points, criterion.params
    good = rng.random() < quality
    if criterion.kind != "normal":
        score.entered_points = Decimal(1) if good and rng.random() < 0.3 else Decimal(0)
        if criterion.kind == "penalty":
            score.entered_points = Decimal("0.5") if rng.random() < 0.1 else Decimal(0)
        return
    method = criterion.method
    if method in (calc.Method.MANUAL, calc.Method.SURVEY):
        step = Decimal(str(params.get("step", "0.25")))
        share = Decimal(str(round(quality * rng.uniform(0.85, 1.02), 3)))
        score.entered_points = min(maximum, _quantum(maximum * share, step))
    elif method == calc.Method.CHOICE:
        options = [o for o in params["options"] if not o.get("not_applicable")]
        best = max(options, key=lambda o: Decimal(str(o["points"])))
        score.choice = best["key"] if good else rng.choice(options)["key"]
    elif method == calc.Method.RATIO or (
        method == calc.Method.BANDS and params.get("basis", "ratio") == "ratio"
    ):
        total = rng.randint(4, 60)
        done = min(total, round(total * min(1.0, quality * rng.uniform(0.9, 1.12))))
        score.numerator, score.denominator = Decimal(done), Decimal(total)
    elif method == calc.Method.BANDS:
        starts = sorted(Decimal(str(b["from"])) for b in params["bands"])
        score.value = starts[-1] if good else rng.choice(starts)
    elif method == calc.Method.METRIC and score.metric_value is None:
        score.metric_value = Decimal(str(round(100 * min(1.0, quality * rng.uniform(0.9, 1.1)), 2)))
        score.metric_data = {"note": "demo"}
    score.note = "Minh chứng: báo cáo CCHC năm, kế hoạch và văn bản chỉ đạo (dữ liệu minh họa)."


DECLARED = [
    "numerator", "denominator", "value", "choice", "entered_points", "metric_value",
    "metric_data", "note",
]  # fmt: skip


def _fill_declarations(round_: Round, rng: random.Random, *, skip_unit: int | None = None) -> None:
    sheets = list(round_.sheets.exclude(unit_id=skip_unit))
    quality = {s.pk: rng.uniform(0.72, 0.99) for s in sheets}
    scores = list(Score.objects.filter(sheet__in=sheets).select_related("criterion").order_by("pk"))
    for score in scores:
        _declare(score, score.criterion, quality[score.sheet_id], rng)
    update_rows(scores, DECLARED)


def _appraise_all(round_: Round, rng: random.Random) -> None:
    """Round 1 keeps most points and trims some; round 2 gives part back after explanation."""
    recompute_round(round_, rederive_points=True)
    scores = list(Score.objects.filter(sheet__round=round_).select_related("criterion"))
    for score in scores:
        own = score.self_points
        if own is None:
            continue
        trimmed = own
        if rng.random() < 0.15 and own > 0:
            trimmed = max(Decimal(0), _quantum(own * Decimal("0.7"), Decimal("0.25")))
            score.needs_explanation = True
            score.round_1_comment = "Minh chứng chưa đầy đủ, đề nghị giải trình."
            score.explanation = "Đơn vị đã bổ sung văn bản và số liệu kèm theo."
        score.round_1_points = trimmed
        score.round_2_points = trimmed if trimmed == own or rng.random() < 0.5 else own
    fields = ["round_1_points", "round_1_comment", "needs_explanation", "explanation"]
    update_rows(scores, [*fields, "round_2_points"])


@transaction.atomic
def _published_round(
    year: int, sets_: list[CriteriaSet], people: dict[str, User], result: DemoResult
) -> Round | None:
    name = f"Xác định Chỉ số CCHC năm {year} (dữ liệu minh họa)"
    if Round.objects.filter(year=year, name=name).exists():
        result.skipped.append(name)
        return None
    start = datetime.date(year + 1, 1, 2)
    round_ = rounds.open_round(
        year=year, name=name, criteria_sets=sets_, schedule=_schedule(start),
        by=people["secretariat"], is_demo=True, tell_units=False,
    )  # fmt: skip
    rng = random.Random(f"cchc-demo-{year}")
    _fill_declarations(round_, rng)
    _appraise_all(round_, rng)
    round_.sheets.update(status=ScoreSheet.Status.FINAL, submitted_at=timezone.now())
    recompute_round(round_)
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.APPROVED)
    round_.refresh_from_db()
    CouncilApproval.objects.create(
        round=round_, member=people["council_member"], comment="Thống nhất kết quả."
    )
    publication.publish_round(round_, by=people["secretariat"], tell_units=False)
    result.created.append(name)
    return round_


@transaction.atomic
def _current_round(
    source: CriteriaSet, people: dict[str, User], today: datetime.date, result: DemoResult
) -> Round | None:
    year = today.year
    name = f"Xác định Chỉ số CCHC năm {year} (dữ liệu minh họa)"
    if Round.objects.filter(year=year, name=name).exists():
        result.skipped.append(name)
        return None
    current_set = _clone_for(source, year, people["secretariat"], result)
    secretariat = people["secretariat"]
    # Today falls in appraisal round 1: self-assessment began 17 days ago.
    round_ = rounds.open_round(
        year=year, name=name, criteria_sets=[current_set],
        schedule=_schedule(today - datetime.timedelta(days=17)), by=secretariat, is_demo=True,
    )  # fmt: skip
    demo_unit = Unit.objects.filter(code=DEMO_UNIT).first()
    rng = random.Random(f"cchc-demo-{year}")
    _fill_declarations(round_, rng, skip_unit=demo_unit.pk if demo_unit else None)
    recompute_round(round_, rederive_points=True)
    others = round_.sheets.exclude(unit=demo_unit)
    others.update(status=ScoreSheet.Status.SUBMITTED, submitted_at=timezone.now())
    for area in ("2", "3"):
        rounds.assign_appraiser(
            round_, area_code=area, appraiser=people["appraiser"], by=secretariat
        )
    if demo_unit and round_.sheets.filter(unit=demo_unit).exists():
        rounds.grant_exception(
            round_, unit=demo_unit, stage="self", until=today + datetime.timedelta(days=7),
            reason="Đơn vị đề nghị gia hạn do kiện toàn tổ chức sau sắp xếp (minh họa).",
            by=secretariat,
        )  # fmt: skip
    result.created.append(name)
    return round_


def load_demo_scoring(today: datetime.date | None = None) -> DemoResult:
    today = today or timezone.localdate()
    people = {name: _person(name) for name in ("secretariat", "appraiser", "council_member")}
    result = DemoResult()
    _template, departments, districts = (
        _seed_set(_tree(f), people["secretariat"], result) for f in SEED_FILES
    )
    departments_2024 = _clone_for(departments, 2024, people["secretariat"], result)
    _published_round(2024, [departments_2024, districts], people, result)
    _published_round(2025, [departments], people, result)
    _current_round(departments, people, today, result)
    return result
