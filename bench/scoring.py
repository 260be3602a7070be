"""Benchmark of the PAR Index: recomputing a round, publishing it and the ranking page.

    .venv/bin/python bench/scoring.py [--departments 120] [--districts 80] [--subcriteria 150]

Builds its own data (SQLite file in a temporary folder, or a new PostgreSQL database next
to the one DATABASE_URL names, dropped afterwards; both as bench/plans.py does): two
criteria sets of 8 areas and 150 scored sub-criteria using every method, plans data the
metric-linked criteria read, a round opened by `services.rounds.open_round` and every
score's declaration and appraisal filled in. Times recompute, the metrics refresh,
`results()` and `publish_round` in this process, next to ONE hand-written SQL aggregate
that computes the same totals (checked equal: the run exits non-zero when they differ),
then the ranking page on gunicorn. Prints the figures next to the targets. See
bench/README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import os
import pstats
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import plans as bench  # bench/plans.py: the throw-away database, gunicorn, the client

TARGET_RECOMPUTE_S = 2.0
TARGET_RECOMPUTE_RATIO = 3.0
TARGET_RANKING_P95_MS = 200.0
NA_KEY = "na"  # the key of the "not applicable" option of every choice criterion here
AREAS = 8
BONUS_MAX = Decimal(2)
PENALTY_MAX = Decimal(2)


# Criteria: the method of each sub-criterion, in turn ----------------------------------------


@dataclass(frozen=True)
class Spec:
    """One way of scoring a sub-criterion, with how a unit fills it in."""

    key: str
    method: str
    max_points: Decimal
    params: dict[str, Any]
    source: str = "self_assessment"
    allows_not_applicable: bool = False


def _bands(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"from": start, "points": points} for start, points in pairs]


CHOICE = Spec(
    "choice",
    "choice",
    Decimal(1),
    {
        "options": [
            {"key": "co", "label": "Có", "points": "1"},
            {"key": "mot_phan", "label": "Thực hiện một phần", "points": "0.5"},
            {"key": "khong", "label": "Không", "points": "0"},
            {"key": NA_KEY, "label": "Không áp dụng", "not_applicable": True},
        ]
    },
    allows_not_applicable=True,
)
# The methods of the sub-criteria, in turn: every method, manual with and without a step
# (the latter may be not applicable), bands on a ratio and on a number, both plans metrics.
SPECS = [
    Spec("manual_step", "manual", Decimal(1), {"step": "0.25"}),
    CHOICE,
    Spec("ratio", "ratio", Decimal("1.5"), {"threshold": "80"}),
    Spec("manual", "manual", Decimal("1.5"), {}, allows_not_applicable=True),
    Spec(
        "bands_ratio",
        "bands",
        Decimal(1),
        {"basis": "ratio", "bands": _bands(("0", "0"), ("50", "0.5"), ("80", "0.75"), ("95", "1"))},
    ),
    CHOICE,
    Spec(
        "bands_number",
        "bands",
        Decimal(1),
        {"basis": "number", "bands": _bands(("0", "0"), ("1", "0.25"), ("3", "0.5"), ("5", "1"))},
    ),
    Spec("metric", "metric", Decimal(2), {"metric": "plans.tasks_on_time", "threshold": "90"}),
    Spec("survey", "survey", Decimal(1), {}, source="survey"),
    Spec(
        "metric",
        "metric",
        Decimal(2),
        {
            "metric": "plans.tasks_completed",
            "bands": _bands(("0", "0"), ("50", "1"), ("80", "1.5"), ("95", "2")),
        },
    ),
]


def spec_of(position: int) -> Spec:
    return SPECS[position % len(SPECS)]


# Data ----------------------------------------------------------------------------------


@dataclass
class Built:
    secretariat_id: int
    set_ids: list[int]
    unit_ids: list[int]
    specs: dict[int, Spec]  # scored criterion id → how it is filled in
    assignments: int


def build_units(*, departments: int, districts: int, today: datetime.date) -> tuple[int, list]:
    """A province, its departments and districts, one focal point each, a secretariat."""
    from cchc.accounts.models import RoleAssignment, User
    from cchc.accounts.roles import Role
    from cchc.core.text import fold
    from cchc.units.models import Unit

    province = Unit.objects.create(code="AG", name="Tỉnh An Giang", kind=Unit.Kind.PROVINCE)
    rows = [
        Unit(
            code=f"D{i:03}",
            name=f"Sở thử nghiệm số {i}",
            short_name=f"D{i:03}",
            kind=Unit.Kind.DEPARTMENT,
            parent=province,
            search_text=fold(f"Sở thử nghiệm số {i} D{i:03}"),
        )
        for i in range(1, departments + 1)
    ]
    rows += [
        Unit(
            code=f"H{i:03}",
            name=f"Huyện thử nghiệm {i}",
            kind=Unit.Kind.DISTRICT,
            parent=province,
            search_text=fold(f"Huyện thử nghiệm {i} H{i:03}"),
        )
        for i in range(1, districts + 1)
    ]
    Unit.objects.bulk_create(rows, batch_size=1000)
    units = list(Unit.objects.exclude(kind=Unit.Kind.PROVINCE).order_by("pk"))
    since = today - datetime.timedelta(days=400)
    secretariat = User.objects.create_user(
        username="bench_secretariat", password=None, full_name="Thư ký thử nghiệm"
    )
    RoleAssignment.objects.create(
        user=secretariat, role=Role.SECRETARIAT, unit=units[0], valid_from=since
    )
    User.objects.bulk_create(
        [
            User(
                username=f"bench_fp_{u.code}",
                password="!",
                full_name=f"Đầu mối {u.name}",
                email=f"fp_{u.code.lower()}@bench.invalid",
                search_text=fold(f"Đầu mối {u.name} bench_fp_{u.code}"),
            )
            for u in units
        ],
        batch_size=1000,
    )
    people = list(User.objects.filter(username__startswith="bench_fp_").order_by("pk"))
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=p, role=Role.FOCAL_POINT, unit=u, valid_from=since)
            for p, u in zip(people, units, strict=True)
        ],
        batch_size=1000,
    )
    return secretariat.pk, units


Outline = list[tuple[str, list[tuple[str, list[tuple[str, Spec]]]]]]


def outline(subcriteria: int) -> Outline:
    """[(area code, [(criterion code, [(sub-criterion code, spec)])])]: the sub-criteria
    spread as evenly as possible over the areas, in criteria of five, methods in turn."""
    per_area = [subcriteria // AREAS + (a < subcriteria % AREAS) for a in range(AREAS)]
    leaves = iter(range(subcriteria))
    tree: Outline = []
    for a, count in enumerate(per_area):
        area = str(a + 1)
        criteria = []
        for c in range(-(-count // 5)):
            size = min(5, count - c * 5)
            subs = [(f"{area}.{c + 1}.{i + 1}", spec_of(next(leaves))) for i in range(size)]
            criteria.append((f"{area}.{c + 1}", subs))
        tree.append((area, criteria))
    return tree


BANDS = [("Xuất sắc", 90), ("Tốt", 80), ("Khá", 70), ("Trung bình", 50), ("Yếu", 0)]


def build_set(*, year: int, group: str, subcriteria: int) -> tuple[int, dict[int, Spec]]:
    """A criteria set: 8 areas → criteria of up to 5 sub-criteria → `subcriteria` scored
    sub-criteria (see `outline`), then a bonus and a penalty line; five bands."""
    from cchc.scoring import calculations as calc
    from cchc.scoring.models import Band, CriteriaSet, Criterion

    criteria_set = CriteriaSet.objects.create(
        year=year, group=group, name=f"Bộ tiêu chí thử tải ({group})"
    )
    Band.objects.bulk_create(
        Band(criteria_set=criteria_set, label=label, min_percent=Decimal(start))
        for label, start in BANDS
    )
    positions = iter(range(1, 10_000))

    def node(parent: Criterion | None, code: str, depth: int, spec: Spec | None = None, **kw: Any):
        if spec is not None:
            assert not calc.check_params(spec.method, spec.params, spec.max_points), code
            kw |= {"method": spec.method, "params": spec.params, "max_points": spec.max_points}
            kw |= {"source": spec.source, "allows_not_applicable": spec.allows_not_applicable}
        return Criterion(
            criteria_set=criteria_set,
            parent=parent,
            depth=depth,
            area_code=parent.area_code if parent else code,
            position=next(positions),  # depth first, as the tree is read
            code=code,
            **kw,
        )

    # Three levels, each bulk-created so that the next can point at its parents.
    levels: list[list[Criterion]] = [[], [], []]
    specs: list[Spec] = []
    for area_code, criteria in outline(subcriteria):
        maximum = sum((sp.max_points for _, subs in criteria for _, sp in subs), Decimal(0))
        area = node(None, area_code, 1, name=f"Lĩnh vực {area_code}", max_points=maximum)
        levels[0].append(area)
        for code, subs in criteria:
            maximum = sum((sp.max_points for _, sp in subs), Decimal(0))
            middle = node(area, code, 2, name=f"Tiêu chí {code}", max_points=maximum)
            levels[1].append(middle)
            for sub_code, spec in subs:
                levels[2].append(node(middle, sub_code, 3, spec, name=f"Tiêu chí con {sub_code}"))
                specs.append(spec)
    for kind, code, name, maximum in (
        ("bonus", "T", "Điểm thưởng", BONUS_MAX),
        ("penalty", "TR", "Điểm trừ", PENALTY_MAX),
    ):
        spec = Spec(kind, "manual", maximum, {"step": "0.25"})
        levels[2].append(node(None, code, 1, spec, name=name, kind=kind))
        specs.append(spec)
    for level in levels:
        for criterion in level:
            criterion.parent_id = criterion.parent.pk if criterion.parent else None
        Criterion.objects.bulk_create(level, batch_size=1000)
    return criteria_set.pk, {c.pk: spec for c, spec in zip(levels[2], specs, strict=True)}


def build_plan(*, units: list, secretariat_id: int, year: int, tasks: int, today: datetime.date):
    """One plan of the year with `tasks` tasks, each given to every unit, deadlines spread
    over the year; completed on time, late, or left overdue."""
    from cchc.core.text import fold
    from cchc.plans.models import Assignment, Plan, ReformArea, Task

    rng = random.Random(2026)
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    plan = Plan.objects.create(
        number="BENCH-PAR/KH-UBND",
        title="Kế hoạch cải cách hành chính thử tải",
        issuing_unit=units[0].parent,
        signed_on=start,
        period_start=start,
        period_end=end,
        created_by_id=secretariat_id,
    )
    area = ReformArea.objects.create(plan=plan, code="1", name="Cải cách thủ tục hành chính")
    Task.objects.bulk_create(
        Task(
            plan=plan,
            area=area,
            code=f"P{i:03}",
            content=f"Nhiệm vụ {i}",
            lead_unit=units[i % len(units)],
            scope=Task.Scope.ALL_DEPARTMENTS_AND_LOCAL,
            deadline=start + datetime.timedelta(days=rng.randint(0, (end - start).days)),
            expected_output="Báo cáo",
            search_text=fold(f"P{i:03} Nhiệm vụ {i}"),
        )
        for i in range(tasks)
    )
    rows = []
    for task in plan.tasks.order_by("pk"):
        for unit in units:
            roll = rng.random()
            completed = None
            if task.deadline < today and roll < 0.85:  # the rest stays overdue
                shift = rng.randint(1, 30) if roll < 0.15 else -rng.randint(0, 20)
                completed = min(task.deadline + datetime.timedelta(days=shift), today)
            rows.append(
                Assignment(
                    task=task,
                    unit=unit,
                    role=Assignment.Role.LEAD
                    if unit.pk == task.lead_unit_id
                    else Assignment.Role.ASSIGNED,
                    original_deadline=task.deadline,
                    deadline=task.deadline,
                    completed_on=completed,
                    progress_percent=100 if completed else rng.choice((10, 50, 90)),
                )
            )
    Assignment.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def build_data(args: argparse.Namespace, today: datetime.date) -> Built:
    """Units, people, plans data and the two criteria sets (bulk_create: a benchmark's
    setup only — no history rows, no audit events)."""
    from django.db import transaction

    year = today.year - 1
    with transaction.atomic():
        secretariat_id, units = build_units(
            departments=args.departments, districts=args.districts, today=today
        )
        assignments = build_plan(
            units=units, secretariat_id=secretariat_id, year=year, tasks=args.tasks, today=today
        )
        specs: dict[int, Spec] = {}
        set_ids = []
        for group, wanted in (("departments", args.departments), ("districts", args.districts)):
            if wanted:
                pk, found = build_set(year=year, group=group, subcriteria=args.subcriteria)
                set_ids.append(pk)
                specs |= found
    return Built(secretariat_id, set_ids, [u.pk for u in units], specs, assignments)


def open_the_round(built: Built, today: datetime.date):
    """`services.rounds.open_round` for the sets and units built (dates of next year)."""
    from cchc.accounts.models import User
    from cchc.scoring.models import CriteriaSet
    from cchc.scoring.services import rounds
    from cchc.units.models import Unit

    first = datetime.date(today.year + 1, 1, 5)
    schedule = {f: first + datetime.timedelta(days=3 * i) for i, f in enumerate(rounds.SCHEDULE)}
    return rounds.open_round(
        year=today.year - 1,
        name=f"Chỉ số CCHC năm {today.year - 1} (thử tải)",
        criteria_sets=list(CriteriaSet.objects.filter(pk__in=built.set_ids)),
        schedule=schedule,
        by=User.objects.get(pk=built.secretariat_id),
        units=list(Unit.objects.filter(pk__in=built.unit_ids)),
    )


def _points(rng: random.Random, maximum: Decimal, step: Decimal | None) -> Decimal:
    if step:
        return step * rng.randint(0, int(maximum / step))
    return Decimal(rng.randint(0, int(maximum * 100))) / 100


FILLED = [
    "numerator",
    "denominator",
    "value",
    "choice",
    "entered_points",
    "not_applicable",
    "round_1_points",
    "round_1_comment",
    "needs_explanation",
    "round_2_points",
]


def fill_scores(round_, specs: dict[int, Spec], *, appraised: float) -> int:
    """Random but valid declarations for every score (about 4 % left blank, some not
    applicable), and appraisers' round 1 points on a share, round 2 on a third of those."""
    from django.db import connection, transaction

    from cchc.scoring.models import Score

    rng = random.Random(150)
    scores = list(Score.objects.filter(sheet__round=round_).order_by("pk"))
    for score in scores:
        spec = specs[score.criterion_id]
        step = Decimal(spec.params["step"]) if "step" in spec.params else None
        na = False
        if spec.method != "metric" and rng.random() < 0.04:
            continue  # not declared yet
        if spec.key in ("manual_step", "manual", "survey", "bonus", "penalty"):
            if spec.allows_not_applicable and rng.random() < 0.08:
                score.not_applicable = na = True
            else:
                score.entered_points = _points(rng, spec.max_points, step)
        elif spec.key == "choice":
            keys = [o["key"] for o in spec.params["options"]]
            score.choice = rng.choices(keys, weights=[6, 3, 1, 1])[0]
            na = score.choice == NA_KEY
        elif spec.key in ("ratio", "bands_ratio"):
            score.denominator = Decimal(rng.randint(1, 500))
            score.numerator = Decimal(
                rng.randint(int(score.denominator) // 3, int(score.denominator))
            )
        elif spec.key == "bands_number":
            score.value = Decimal(rng.randint(0, 8))
        if not na and rng.random() < appraised:
            score.round_1_points = _points(rng, spec.max_points, step)
            score.round_1_comment = "Chưa đủ hồ sơ"
            if rng.random() < 1 / 3:
                score.needs_explanation = True
                score.round_2_points = _points(rng, spec.max_points, step)
    # One UPDATE per score through executemany, in one transaction: bulk_update builds a
    # CASE per field and row and takes minutes at this size (setup only, not timed).
    table = Score._meta.db_table
    columns = ", ".join(f"{Score._meta.get_field(f).column} = %s" for f in FILLED)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {columns} WHERE id = %s",
            [[getattr(score, f) for f in FILLED] + [score.pk] for score in scores],
        )
    return len(scores)


# The baseline: one hand-written SQL aggregate --------------------------------------------

# Every figure in integer hundredths (points x 100, index % x 100) so both databases add
# and divide exactly. Per score: NA (declared not applicable, or the choice's "na" option)
# leaves the maximum; otherwise the points are the latest appraisal, else the unit's own
# stored points, capped at the node's maximum. Ordinary lines add to the total and the
# maximum, bonus lines add to the total, penalty lines subtract; the total stays within
# 0 and (where the set caps it) the maximum; index = total / maximum x 100, half-up (or
# truncated where the set says so). Bonus and penalty lines are leaves here and ordinary
# lines sit under ordinary areas, as in the sets this benchmark builds.
SQL = """
SELECT u.sheet_id, u.total, u.maximum,
       CASE WHEN u.maximum <= 0 THEN NULL
            WHEN u.rounding = 'down' THEN (u.total * 10000) / u.maximum
            ELSE (2 * u.total * 10000 + u.maximum) / (2 * u.maximum) END AS index_c
FROM (
  SELECT t.sheet_id, t.maximum, cs.rounding,
         CASE WHEN cs.cap_at_maximum AND t.raw > t.maximum THEN t.maximum
              WHEN t.raw < 0 THEN 0 ELSE t.raw END AS total
  FROM (
    SELECT p.sheet_id,
           SUM(CASE WHEN p.kind = 'penalty' THEN -p.points ELSE p.points END) AS raw,
           SUM(CASE WHEN p.kind = 'normal' THEN p.maximum ELSE 0 END) AS maximum
    FROM (
      SELECT s.sheet_id, c.kind,
             CASE WHEN s.not_applicable OR (c.method = 'choice' AND s.choice = %(na)s) THEN 0
                  WHEN COALESCE(s.round_2_points, s.round_1_points, s.self_points, 0)
                       > c.max_points THEN CAST(ROUND(c.max_points * 100) AS INTEGER)
                  ELSE CAST(ROUND(COALESCE(s.round_2_points, s.round_1_points,
                                           s.self_points, 0) * 100) AS INTEGER) END AS points,
             CASE WHEN s.not_applicable OR (c.method = 'choice' AND s.choice = %(na)s) THEN 0
                  ELSE CAST(ROUND(c.max_points * 100) AS INTEGER) END AS maximum
      FROM {score} s
      JOIN {criterion} c ON c.id = s.criterion_id
      JOIN {sheet} sh ON sh.id = s.sheet_id
      WHERE sh.round_id = %(round)s
    ) p
    GROUP BY p.sheet_id
  ) t
  JOIN {sheet} sh ON sh.id = t.sheet_id
  JOIN {criteria_set} cs ON cs.id = sh.criteria_set_id
) u
"""


def sql_totals(round_id: int) -> dict[int, tuple[int, int, int | None]]:
    """sheet id → (total, maximum, index), each in hundredths, from one SQL statement."""
    from django.db import connection

    from cchc.scoring.models import CriteriaSet, Criterion, Score, ScoreSheet

    statement = SQL.format(
        score=Score._meta.db_table,
        criterion=Criterion._meta.db_table,
        sheet=ScoreSheet._meta.db_table,
        criteria_set=CriteriaSet._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, {"na": NA_KEY, "round": round_id})
        return {
            sheet: (int(total), int(maximum), None if index is None else int(index))
            for sheet, total, maximum, index in cursor.fetchall()
        }


def compare(round_, found: dict[int, tuple[int, int, int | None]]) -> list[str]:
    """Where the SQL totals differ from the sheets' stored appraised_total/maximum/index."""
    hundred = Decimal(100)
    differences = []
    for sheet in round_.sheets.order_by("pk"):
        mine = (
            int(sheet.appraised_total * hundred),
            int(sheet.maximum * hundred),
            None if sheet.index is None else int(sheet.index * hundred),
        )
        if found.get(sheet.pk) != mine:
            differences.append(f"sheet {sheet.pk}: recompute {mine}, SQL {found.get(sheet.pk)}")
    differences += [
        f"sheet {pk}: only in SQL"
        for pk in set(found) - set(round_.sheets.values_list("pk", flat=True))
    ]
    return differences


# Timing --------------------------------------------------------------------------------


@dataclass
class Timing:
    label: str
    wall: list[float]  # seconds
    cpu: list[float]  # this process's CPU seconds (on SQLite the database's work too)

    @property
    def best(self) -> float:
        return min(self.wall)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)


def timed(
    label: str,
    repeat: int,
    action: Callable[[], Any],
    before: Callable[[], Any] | None = None,
) -> Timing:
    """Run `action` `repeat` times (`before` first each time, not timed) and print."""
    timing = Timing(label, [], [])
    result = None
    for _ in range(repeat):
        if before:
            before()
        started, cpu = time.perf_counter(), time.process_time()
        result = action()
        timing.wall.append(time.perf_counter() - started)
        timing.cpu.append(time.process_time() - cpu)
    note = "" if result is None else f"-> {len(result) if isinstance(result, list) else result}"
    print(
        f"  {label:<48} {timing.best * 1000:8.1f} {timing.median * 1000:8.1f} "
        f"{statistics.median(timing.cpu) * 1000:8.1f} {repeat:3}  {note}"
    )
    return timing


def profile(label: str, action: Callable[[], Any], lines: int = 25) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    action()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(lines)
    print(f"\ncProfile of {label} (cumulative; the profiler slows it down):")
    print(out.getvalue())


def load() -> str:
    """The machine's CPUs and load: on a busy machine wall times include waiting for a CPU
    (compare the CPU columns then)."""
    try:
        return f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    except OSError:
        return f"{os.cpu_count()} CPUs"


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


# Steps ---------------------------------------------------------------------------------


@dataclass
class Measured:
    cold: Timing | None
    steady: Timing
    baseline: Timing
    publish_seconds: float
    equal: bool


def prepare(args: argparse.Namespace, tmp: Path, database_url: str) -> tuple[Any, Built]:
    """Migrate, build the data, open the round and fill its scores in."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from cchc.scoring.models import Score

    today = timezone.localdate()
    where = "DATABASE_URL" if "postgres" in database_url else tmp
    print(f"database: {connection.vendor} ({where}); {load()}")
    step = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    print(f"migrate + collectstatic: {time.perf_counter() - step:.1f} s")

    step = time.perf_counter()
    built = build_data(args, today)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics, as a database in service has
    print(
        f"data: {len(built.unit_ids)} units ({args.departments} departments, {args.districts} "
        f"districts), a set per group of {args.subcriteria} scored sub-criteria + bonus + "
        f"penalty, {built.assignments} plan assignments; {time.perf_counter() - step:.1f} s"
    )
    step, cpu = time.perf_counter(), time.process_time()
    round_ = open_the_round(built, today)
    wall, cpu = time.perf_counter() - step, time.process_time() - cpu
    scores = Score.objects.filter(sheet__round=round_).count()
    print(
        f"open_round: {round_.sheets.count()} sheets, {scores} scores (creates them, reads the "
        f"metrics, recomputes, notifies): {wall:.1f} s (cpu {cpu:.1f} s)"
    )
    step = time.perf_counter()
    fill_scores(round_, built.specs, appraised=args.appraised)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"declarations and appraisals filled in: {time.perf_counter() - step:.1f} s")
    return round_, built


def in_process(args: argparse.Namespace, round_: Any, built: Built) -> Measured:
    """Recompute, metrics, the SQL baseline (checked equal), results and publication."""
    from cchc.accounts.models import User
    from cchc.scoring.models import Round, Score, ScoreSheet
    from cchc.scoring.services import publication, recompute

    print()
    print(f"  {'in this process':<48} {'min ms':>8} {'med. ms':>8} {'cpu ms':>8} {'n':>3}")
    scores = Score.objects.filter(sheet__round=round_)
    cold = None
    if args.cold_repeat:
        cold = timed(
            "recompute_round(rederive_points): every score",
            args.cold_repeat,
            lambda: recompute.recompute_round(round_, rederive_points=True),
            before=lambda: scores.update(self_points=None),
        )
    if cold is None:
        # The declarations were written straight into the table: derive their points once.
        recompute.recompute_round(round_, rederive_points=True)
    sheets = ScoreSheet.objects.filter(round=round_)
    steady = timed(
        "recompute_round: every sheet's totals rewritten",
        args.repeat,
        lambda: recompute.recompute_round(round_),
        before=lambda: sheets.update(index=None, appraised_total=None),
    )
    timed(
        "refresh_metrics, nothing changed", args.repeat, lambda: recompute.refresh_metrics(round_)
    )
    metric_scores = scores.filter(criterion__method="metric")
    if args.cold_repeat:
        timed(
            "refresh_metrics, every metric score rewritten",
            args.cold_repeat,
            lambda: recompute.refresh_metrics(round_),
            before=lambda: metric_scores.update(metric_value=None),
        )
    recompute.recompute_round(round_)

    found: dict[int, tuple[int, int, int | None]] = {}
    baseline = timed(
        "baseline: ONE SQL aggregate of the same totals",
        args.repeat,
        lambda: found.update(sql_totals(round_.pk)),
    )
    differences = compare(round_, found)
    equal = not differences and len(found) == len(built.unit_ids)
    print(f"  totals equal: {'yes' if equal else 'no'} ({len(found)} sheets compared)")
    for line in differences[:10]:
        print(f"    {line}")

    timed(
        "publication.results (lines, ranks, bands)",
        args.repeat,
        lambda: publication.results(round_),
    )
    # Straight to approved: a benchmark, not a workflow test.
    ScoreSheet.objects.filter(round=round_).update(status=ScoreSheet.Status.FINAL)
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.APPROVED)
    round_.refresh_from_db()
    started, cpu = time.perf_counter(), time.process_time()
    published = publication.publish_round(round_, by=User.objects.get(pk=built.secretariat_id))
    publish_seconds = time.perf_counter() - started
    print(
        f"  {'publish_round, once (recompute, freeze, notify)':<48} {publish_seconds * 1000:8.1f} "
        f"{publish_seconds * 1000:8.1f} {(time.process_time() - cpu) * 1000:8.1f}   1  "
        f"-> {published.results.count()} published lines"
    )
    if args.profile:
        profile("recompute_round (points up to date)", lambda: recompute.recompute_round(round_))
    return Measured(cold, steady, baseline, publish_seconds, equal)


def server_cpu(pid: int) -> float | None:
    """CPU seconds used so far by gunicorn's master and workers (Linux /proc; else None).

    On a busy machine latency includes waiting for a CPU; this does not."""
    try:
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:
                continue
            fields = text[text.rindex(")") + 2 :].split()  # from field 3 (state) on
            if int(stat.parent.name) == pid or int(fields[1]) == pid:
                total += int(fields[11]) + int(fields[12])  # utime + stime
        return total / ticks
    except (OSError, ValueError):
        return None


def ranking_path(round_id: int) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("scoring:ranking", args=[round_id])
    except NoReverseMatch:
        return ""


def pages(args: argparse.Namespace, env: dict, tmp: Path, round_id: int, user_id: int) -> list:
    """The ranking page and the baselines on gunicorn, as the secretariat."""
    from django.db import connection

    ranking = ranking_path(round_id)
    if not ranking:
        print("\nranking page: the URL scoring:ranking does not exist yet — skipped")
        return []
    if args.profile:
        from django.test import Client

        from cchc.accounts.models import User

        client = Client(HTTP_HOST="localhost")
        client.force_login(User.objects.get(pk=user_id))
        client.get(ranking)
        profile("one ranking page request (test client)", lambda: client.get(ranking))
    cookie = bench.session_cookie(user_id)
    connection.close()
    port = bench.free_port()
    figures = []
    with bench.gunicorn(env, port, tmp) as server:
        print(
            f"\ngunicorn: 2 workers on 127.0.0.1:{port}, DEBUG=0; up to {args.requests} requests "
            f"per page from {args.clients} client thread(s), after 4 warm-up requests"
        )
        for page in (
            bench.Endpoint("trivial view (bench-ok, no DB)", "/bench-ok", board=False),
            bench.Endpoint("/healthz (SELECT 1)", "/healthz", board=False),
            bench.Endpoint("ranking page", ranking),
        ):
            status, body = bench.get(port, page.path, cookie)
            if status != 200:
                print(f"  {page.path}: HTTP {status} — skipped ({body[:120]!r})")
                continue
            for _ in range(4):  # both workers past their first requests (lazy imports)
                bench.get(port, page.path, cookie)
            cpu = server_cpu(server.pid)
            figure = bench.measure(page, port, cookie, args.requests, args.clients, args.budget)
            used = server_cpu(server.pid)
            per_request = (
                ""
                if cpu is None or used is None
                else (f"server cpu {(used - cpu) * 1000 / (figure.count + 4):5.0f} ms/req  ")
            )
            figures.append(figure)
            print(
                f"  {page.label:<31} n {figure.count:3}  p50 {figure.p50:6.1f}  p95 "
                f"{figure.p95:6.1f}  p99 {figure.p99:6.1f} ms  {figure.throughput:5.1f} req/s  "
                f"{per_request}errors {figure.errors}  ({len(body) // 1024} KiB)"
            )
    return figures


def summary(measured: Measured, figures: list) -> None:
    baseline = measured.baseline.median
    print()
    print(f"targets ({load()})")
    for timing in (measured.steady, measured.cold):
        if timing is None:
            continue
        ratio = timing.median / baseline
        cpu = statistics.median(timing.cpu)
        print(
            f"  {timing.label}: median {timing.median:.3f} s (cpu {cpu:.3f} s) — "
            f"<= {TARGET_RECOMPUTE_S:.0f} s "
            f"{verdict(timing.median <= TARGET_RECOMPUTE_S)}; {ratio:.1f} x the SQL aggregate "
            f"({baseline * 1000:.1f} ms) — <= {TARGET_RECOMPUTE_RATIO:.0f} x "
            f"{verdict(ratio <= TARGET_RECOMPUTE_RATIO)}"
        )
    print(f"  publish_round: {measured.publish_seconds:.3f} s (no target of its own)")
    page = next((f for f in figures if f.board), None)
    if page is None:
        print("  ranking page p95: not measured")
    else:
        healthz = next((f for f in figures if f.label.startswith("/healthz")), figures[0])
        print(
            f"  ranking page p95 {page.p95:.1f} ms — <= {TARGET_RANKING_P95_MS:.0f} ms "
            f"{verdict(page.p95 <= TARGET_RANKING_P95_MS and page.errors == 0)}; "
            f"{page.p95 / healthz.p95:.1f} x /healthz's p95 ({healthz.p95:.1f} ms), throughput "
            f"{page.throughput / healthz.throughput:.2f} x /healthz's"
        )
    print(f"  totals equal (recompute and the SQL aggregate): {'yes' if measured.equal else 'NO'}")


# Main ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--departments", type=int, default=120, help="units of the first group")
    parser.add_argument("--districts", type=int, default=80, help="units of the second group")
    parser.add_argument("--subcriteria", type=int, default=150, help="scored, per set")
    parser.add_argument("--tasks", type=int, default=60, help="plan tasks, each for every unit")
    parser.add_argument(
        "--appraised", type=float, default=0.3, help="share of scores with round 1 points"
    )
    parser.add_argument("--repeat", type=int, default=5, help="repetitions of each timing")
    parser.add_argument(
        "--cold-repeat",
        type=int,
        default=1,
        help="repetitions of the timings that rewrite every row (0: skip them)",
    )
    parser.add_argument("--requests", type=int, default=100, help="requests per page")
    parser.add_argument("--clients", type=int, default=1, help="concurrent client threads")
    parser.add_argument("--budget", type=float, default=60, help="seconds at most per page")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile recompute_round and one ranking page"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    tmp = Path(tempfile.mkdtemp(prefix="cchc-bench-scoring-"))
    try:
        with bench.throwaway_database(tmp) as database_url:
            equal = run(args, tmp, database_url)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    if not equal:
        sys.exit(1)


def run(args: argparse.Namespace, tmp: Path, database_url: str) -> bool:
    env = bench.configure(tmp, database_url)
    import django

    django.setup()
    round_, built = prepare(args, tmp, database_url)
    measured = in_process(args, round_, built)
    figures = pages(args, env, tmp, round_.pk, built.secretariat_id)
    summary(measured, figures)
    return measured.equal


if __name__ == "__main__":
    main()
