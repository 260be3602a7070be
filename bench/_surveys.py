"""Shared builders of the survey benchmarks (bench/survey_intake.py, bench/survey_index.py).

- `pick_database`: `--db sqlite|postgres` as the DATABASE_URL that bench/plans.py's throw-away
  database reads (PostgreSQL: a new database next to the one named, dropped afterwards).
- `build_units`: a province with departments, districts and communes.
- `build_version`: the SIPAS 2640 questionnaire of the seed (`cchc.surveys.seed.load_sipas`)
  when it exists, else the benchmark's own SIPAS-like form (22 criteria in 5 elements, an
  element question each, the overall question, expectations, four questions about the
  respondent).
- `open_campaign`: an open campaign covering today over the units, with four procedures.
- `AnswerModel`: random, valid answers drawn a column (question) at a time for a block of
  respondents of one unit, each unit with its own level of satisfaction; as dicts (the
  intake bench) or as JSON text and answer counts (the index bench).

Setup only: written with the ORM's create/bulk_create, no history rows or audit events.
"""

from __future__ import annotations

import datetime
import json
import os
import random
from dataclasses import dataclass
from itertools import combinations
from typing import Any

PG_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PROCEDURES = [
    {"code": "gcn-qsdd", "name": "Cấp giấy chứng nhận quyền sử dụng đất"},
    {"code": "dkkd", "name": "Đăng ký thành lập doanh nghiệp"},
    {"code": "khai-sinh", "name": "Đăng ký khai sinh"},
    {"code": "gpxd", "name": "Cấp giấy phép xây dựng"},
]
COMMENTS = [
    "Cán bộ hướng dẫn tận tình.",
    "Cần thêm chỗ ngồi chờ.",
    "Thời gian chờ hơi lâu.",
    'Nên niêm yết phí rõ hơn, "đúng hạn".',
]
WHY = ["Phải đi lại nhiều lần.", "Trả kết quả trễ hẹn."]
EXPECTATIONS = [
    ("thu_tuc", "Tiếp tục đơn giản hóa thủ tục hành chính"),
    ("thai_do", "Nâng cao thái độ phục vụ của công chức"),
    ("cong_khai", "Công khai, minh bạch thông tin"),
    ("truc_tuyen", "Mở rộng dịch vụ công trực tuyến"),
    ("co_so", "Cải thiện cơ sở vật chất nơi tiếp nhận"),
    ("thoi_gian", "Rút ngắn thời gian giải quyết"),
]
ELEMENTS = [
    "Tiếp cận dịch vụ hành chính công",
    "Thủ tục hành chính",
    "Công chức trực tiếp giải quyết công việc",
    "Kết quả cung ứng dịch vụ hành chính công",
    "Tiếp nhận, giải quyết góp ý, phản ánh, kiến nghị",
]
CRITERIA_PER_ELEMENT = (4, 5, 6, 3, 4)  # QD 2640: 22 criteria


def pick_database(db: str, pg_url: str) -> None:
    """Point bench/plans.py's `throwaway_database` at SQLite (no DATABASE_URL) or PostgreSQL."""
    if db == "postgres":
        os.environ["DATABASE_URL"] = os.environ.get("DATABASE_URL") or pg_url
    else:
        os.environ.pop("DATABASE_URL", None)


def run_in_throwaway(args: Any, prefix: str, run: Any) -> None:
    """Run `run(args, tmp, database_url)` on a throw-away database (bench/plans.py) in a
    temporary folder, removed afterwards unless --keep; exit 1 when it reports a failure."""
    import shutil
    import sys
    import tempfile
    from pathlib import Path

    import plans as bench

    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    pick_database(args.db, args.pg_url)
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        with bench.throwaway_database(tmp) as database_url:
            ok = run(args, tmp, database_url)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    if not ok:
        sys.exit(1)


# Units, questionnaire, campaign --------------------------------------------------------


def build_units(count: int) -> list[Any]:
    """A province and `count` units below it: 1/8 departments, 1/18 districts, the rest
    communes spread over the districts. Returns the units (not the province)."""
    from cchc.core.text import fold
    from cchc.units.models import Unit

    province = Unit.objects.create(code="AG", name="Tỉnh An Giang", kind=Unit.Kind.PROVINCE)
    departments = max(1, count // 8)
    districts = max(1, count // 18)
    communes = max(0, count - departments - districts)

    def unit(code: str, name: str, kind: str, parent: Any) -> Any:
        return Unit(
            code=code, name=name, kind=kind, parent=parent, search_text=fold(f"{name} {code}")
        )

    rows = [
        unit(f"S{i:03}", f"Sở thử tải {i}", Unit.Kind.DEPARTMENT, province)
        for i in range(1, departments + 1)
    ]
    rows += [
        unit(f"H{i:03}", f"Huyện thử tải {i}", Unit.Kind.DISTRICT, province)
        for i in range(1, districts + 1)
    ]
    Unit.objects.bulk_create(rows)
    parents = list(Unit.objects.filter(kind=Unit.Kind.DISTRICT).order_by("pk"))
    Unit.objects.bulk_create(
        unit(f"X{i:04}", f"Xã thử tải {i}", Unit.Kind.COMMUNE, parents[i % len(parents)])
        for i in range(1, communes + 1)
    )
    return list(Unit.objects.exclude(pk=province.pk).order_by("pk"))


def build_version(source: str = "auto") -> tuple[Any, str]:
    """The questionnaire version and where it came from ("seed" or "bench")."""
    if source in ("auto", "seed"):
        version = _seed_version()
        if version is not None:
            return version, "seed sipas-2640 (cchc.surveys.seed.load_sipas)"
        if source == "seed":
            raise SystemExit("cchc.surveys.seed.load_sipas is not there (yet): use --form bench")
    return _bench_version(), "the benchmark's own SIPAS-like form"


def _seed_version() -> Any:
    try:
        from cchc.surveys.seed import load_sipas
    except ImportError:
        return None
    from cchc.surveys.models import QuestionnaireVersion

    load_sipas()
    versions = QuestionnaireVersion.objects.filter(questionnaire__code="sipas-2640")
    return versions.order_by("-number").first()


def _bench_version() -> Any:
    """22 criteria (elements 1 five-level assessment, 2 agree/disagree, 3-5 satisfaction),
    an element question each, overall, why (if 1-2), expectations (3 of 6), gender, age,
    education, a comment."""
    from cchc.surveys.models import (
        Choice,
        IndexRole,
        Question,
        QuestionKind,
        Questionnaire,
        QuestionnaireVersion,
        Section,
    )

    form = Questionnaire.objects.create(code="sipas-bench", title="Phiếu SIPAS (thử tải)")
    version = QuestionnaireVersion.objects.create(
        questionnaire=form, number=1, title="Phiếu SIPAS (thử tải)"
    )
    positions = iter(range(1, 200))

    def ask(section: Any, code: str, kind: str, text: str, **fields: Any) -> Any:
        return Question.objects.create(
            version=version,
            section=section,
            position=next(positions),
            code=code,
            text=text,
            kind=kind,
            **fields,
        )

    sat, assess = QuestionKind.SATISFACTION, QuestionKind.ASSESSMENT
    scales = {1: (assess, "five_level"), 2: (assess, "agree_disagree")}
    for e, (title, count) in enumerate(zip(ELEMENTS, CRITERIA_PER_ELEMENT, strict=True), 1):
        section = Section.objects.create(version=version, position=e, code=f"e{e}", title=title)
        kind, scale = scales.get(e, (sat, ""))
        for c in range(1, count + 1):
            ask(
                section,
                f"c{e}{c}",
                kind,
                f"Tiêu chí {e}.{c}",
                scale=scale,
                index_role=IndexRole.CRITERION,
            )
        ask(section, f"e{e}", sat, f"Hài lòng về: {title}", index_role=IndexRole.ELEMENT)
    other = Section.objects.create(
        version=version, position=6, code="chung", title="Đánh giá chung"
    )
    overall = ask(
        other,
        "overall",
        sat,
        "Hài lòng về toàn bộ sự phục vụ",
        index_role=IndexRole.OVERALL,
        required=True,
    )
    ask(
        other,
        "why",
        QuestionKind.TEXT,
        "Vì sao chưa hài lòng?",
        show_if=overall,
        show_if_values=[1, 2],
        required=True,
    )
    expect = ask(
        other,
        "expect",
        QuestionKind.MULTIPLE,
        "Mong đợi",
        index_role=IndexRole.EXPECTATION,
        max_picks=3,
    )
    Choice.objects.bulk_create(
        Choice(question=expect, value=v, name=name, label=label)
        for v, (name, label) in enumerate(EXPECTATIONS, 1)
    )
    gender = ask(other, "gender", QuestionKind.SINGLE, "Giới tính")
    education = ask(other, "education", QuestionKind.SINGLE, "Trình độ học vấn")
    for question, names in (
        (gender, ("nam", "nu", "khac")),
        (education, ("thpt", "trung_cap", "dai_hoc", "sau_dai_hoc")),
    ):
        Choice.objects.bulk_create(
            Choice(question=question, value=v, name=n, label=n) for v, n in enumerate(names, 1)
        )
    ask(other, "age", QuestionKind.NUMBER, "Tuổi", min_value=15, max_value=100)
    ask(other, "comment", QuestionKind.TEXT, "Góp ý khác", max_length=300)
    return version


def open_campaign(version: Any, units: list[Any], *, code: str = "sipas-bench") -> Any:
    """An open campaign from 30 days ago to 60 days ahead (the real clock) over `units`."""
    from django.utils import timezone

    from cchc.surveys.models import Campaign, CampaignStatus, CampaignUnit

    today = timezone.localdate()
    version.locked_at = timezone.now()
    version.save(update_fields=["locked_at"])
    campaign = Campaign.objects.create(
        code=code,
        name="Khảo sát SIPAS (thử tải)",
        version=version,
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=60),
        status=CampaignStatus.OPEN,
        procedures=PROCEDURES,
        opened_at=timezone.now(),
    )
    rng = random.Random(7)
    CampaignUnit.objects.bulk_create(
        CampaignUnit(campaign=campaign, unit=u, population=rng.randint(2_000, 40_000))
        for u in units
    )
    return campaign


# Random answers ------------------------------------------------------------------------

SCALE_WEIGHTS = (4, 6, 15, 45, 30)  # 1..5, before a unit's and a question's shift


@dataclass
class Column:
    """How one question is answered: `draw` gives values (0 = not answered); `answer`
    and `fragment` turn a value into the cleaned answer and its JSON text."""

    spec: Any
    values: list[int]
    answers: list[Any]  # index = value
    fragments: list[str]  # '"code":answer,' per value; "" for 0
    bias: float
    weights: tuple[float, ...] | None = None  # None: uniform over values 1..

    def draw(self, rng: random.Random, mood: float, n: int, missing: float) -> list[int]:
        if self.weights is None:
            weights = [1.0] * len(self.values)
        else:
            shift, centre = mood + self.bias, (len(self.weights) - 1) / 2
            weights = [w * (1 + shift * (i - centre) / centre) for i, w in enumerate(self.weights)]
        weights = [max(w, 0.05) for w in weights]
        population = list(self.values)
        if missing:
            population.append(0)
            weights.append(sum(weights) * missing / (1 - missing))
        return rng.choices(population, weights=weights, k=n)


class AnswerModel:
    """Random, valid answers for a version's questions (in question order)."""

    def __init__(self, spec: Any, seed: int = 2026) -> None:
        self.spec = spec
        rng = random.Random(seed)
        self.columns = [self._column(q, rng) for q in spec.questions]

    def _column(self, q: Any, rng: random.Random) -> Column:
        bias = rng.uniform(-0.4, 0.4)
        if q.kind == "multiple":
            picks = min(q.max_picks or len(q.values), 3)
            subsets = [s for k in range(1, picks + 1) for s in combinations(sorted(q.values), k)]
            answers: list[Any] = [None, *(list(s) for s in subsets)]
            return _column(q, answers, bias)
        if q.kind == "number":
            low, high = int(q.min_value or 18), min(int(q.max_value or 80), 80)
            return _column(q, [None, *(str(v) for v in range(max(low, 18), high + 1))], bias)
        if q.kind == "text":
            texts = WHY if q.required else COMMENTS
            return _column(q, [None, *texts], bias)
        values = sorted(q.values)
        weights = SCALE_WEIGHTS if values == [1, 2, 3, 4, 5] else None
        if values == [1, 2]:  # agree / disagree
            weights = (1.0, 4.0)
        column = _column(q, [None, *values], bias)
        column.weights = weights
        return column

    def adopt_cleaning(self, rng: random.Random) -> None:
        """Numbers as `clean_answers` keeps them (its decimal text), so the rows written
        straight into the table are what a submission would have stored."""
        from cchc.surveys.answers import clean_answers

        row = self.as_dicts(self.draw(rng, 0.0, 1, 0.0))[0]
        for column in self.columns:
            if column.spec.kind != "number":
                continue
            for i, answer in enumerate(column.answers[1:], 1):
                column.answers[i] = clean_answers(self.spec, {**row, column.spec.code: answer})[
                    column.spec.code
                ]
            column.fragments = _column(column.spec, column.answers, column.bias).fragments

    def draw(self, rng: random.Random, mood: float, n: int, missing: float) -> list[list[int]]:
        """One column of values per question for n respondents; a question hidden by its
        condition is not answered; required questions are always answered; an optional
        comment is left empty by most."""
        by_code: dict[str, list[int]] = {}
        out = []
        for column in self.columns:
            q = column.spec
            skip = 0.0 if q.required or not missing else (0.9 if q.kind == "text" else missing)
            values = column.draw(rng, mood, n, skip)
            if q.show_if is not None:
                shown = q.show_if_values
                parent = by_code[q.show_if]
                values = [v if parent[i] in shown else 0 for i, v in enumerate(values)]
            by_code[q.code] = values
            out.append(values)
        return out

    def as_dicts(self, columns: list[list[int]]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = [{} for _ in columns[0]] if columns else []
        for column, values in zip(self.columns, columns, strict=True):
            code, answers = column.spec.code, column.answers
            for row, v in zip(rows, values, strict=True):
                if v:
                    row[code] = answers[v]
        return rows

    def as_json(self, columns: list[list[int]]) -> list[str]:
        """The answers of each respondent as JSON text (as the app stores them)."""
        parts = [
            [c.fragments[v] for v in values]
            for c, values in zip(self.columns, columns, strict=True)
        ]
        return ["{" + "".join(row)[:-1] + "}" for row in zip(*parts, strict=True)]


def _column(q: Any, answers: list[Any], bias: float) -> Column:
    fragments = [""] + [
        f"{json.dumps(q.code)}:{json.dumps(a, ensure_ascii=False, separators=(',', ':'))},"
        for a in answers[1:]
    ]
    return Column(q, list(range(1, len(answers))), answers, fragments, bias)


def check_valid(model: AnswerModel, rng: random.Random, n: int = 500) -> None:
    """Generated answers are exactly what `clean_answers` keeps (else the bench is wrong)."""
    from cchc.surveys.answers import clean_answers

    columns = model.draw(rng, 0.0, n, 0.03)
    for row, text in zip(model.as_dicts(columns), model.as_json(columns), strict=True):
        cleaned = clean_answers(model.spec, row)
        if cleaned != row or json.loads(text) != row:
            raise SystemExit(f"generated answers are not valid: {row} -> {cleaned}")
