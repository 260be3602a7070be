"""Demo satisfaction surveys for An Giang, loaded by `manage.py load_demo_surveys`.

Labelled demo data (`is_demo`); the answers are random, seeded, with a different level of
satisfaction per unit so the ranking and the charts have something to show. What is loaded:

- the SIPAS questionnaires from the reference file (`seed.load_sipas`);
- **SIPAS 2024** and **SIPAS 2025** (closed; the 2640 questionnaire): departments, with the
  district-level units in 2024 and a few communes in 2025 (after the 2025 reorganisation);
- the **current campaign** (the ward form "Mẫu số 02", exact wording), collecting today:
  departments and communes, some units still under quota, a batch of one-time tokens for the
  demo unit (Sở Tư pháp).

Responses are written in bulk (checked by the same `clean_answers` as every submission) and
the counts are rebuilt from them. Each campaign is skipped when it exists: a second run
changes nothing.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from cchc.units.models import Unit

from .answers import QuestionSpec, VersionSpec, clean_answers, is_shown, spec_for
from .models import (
    Campaign,
    CampaignStatus,
    CampaignUnit,
    Channel,
    QuestionKind,
    QuestionnaireVersion,
    Response,
    SurveyToken,
)
from .services import tallies
from .services.responses import fingerprint, hour_of

DEMO_UNIT = "STP"
COMMENTS = [
    "Cán bộ hướng dẫn tận tình.",
    "Cần thêm chỗ ngồi chờ.",
    "Thời gian chờ hơi lâu.",
    "Nên niêm yết phí rõ hơn.",
]
PROCEDURES = ["Chứng thực bản sao", "Đăng ký khai sinh", "Cấp phiếu lý lịch tư pháp"]


class DemoError(Exception):
    """The database lacks what the demo is built on (run load_reference_data first)."""


@dataclass
class DemoResult:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _favourable_answer(q: QuestionSpec, quality: float, rng: random.Random) -> int:
    values = sorted(q.values)
    if len(values) == 2:  # disagree / agree
        return values[1] if rng.random() < quality else values[0]
    if rng.random() < quality:
        return rng.choice(values[-2:])
    return rng.choice(values[:-2])


def _answer(q: QuestionSpec, quality: float, rng: random.Random) -> Any:
    if q.kind in (QuestionKind.SATISFACTION, QuestionKind.ASSESSMENT):
        return _favourable_answer(q, quality, rng)
    if q.kind == QuestionKind.SINGLE:
        return rng.choice(sorted(q.values))
    if q.kind == QuestionKind.MULTIPLE:
        most = min(q.max_picks or 3, len(q.values))
        return sorted(rng.sample(sorted(q.values), rng.randint(1, most)))
    if q.kind == QuestionKind.NUMBER:
        low = int(q.min_value) if q.min_value is not None else 18
        high = int(q.max_value) if q.max_value is not None else 75
        return rng.randint(low, max(low, min(high, 75)))
    if "thu_tuc" in q.code:  # the form's "procedure handled" field
        return rng.choice(PROCEDURES)
    return rng.choice(COMMENTS) if q.required or rng.random() < 0.15 else None


def fake_answers(spec: VersionSpec, quality: float, rng: random.Random) -> dict[str, Any]:
    """A plausible complete set of answers (conditions respected), checked like any other."""
    raw: dict[str, Any] = {}
    for q in spec.questions:
        if not is_shown(q, raw):
            continue
        optional_detail = q.kind in (QuestionKind.NUMBER, QuestionKind.TEXT) and not q.required
        if optional_detail and rng.random() < 0.5:
            continue
        value = _answer(q, quality, rng)
        if value is not None:
            raw[q.code] = value
    return clean_answers(spec, raw)


def _responses(
    target: CampaignUnit,
    spec: VersionSpec,
    count: int,
    period: tuple[datetime.date, datetime.date],
    rng: random.Random,
) -> list[Response]:
    quality = rng.uniform(0.55, 0.97)
    start, end = period
    days = max((end - start).days, 0)
    out = []
    for _ in range(count):
        day = start + datetime.timedelta(days=rng.randint(0, days))
        moment = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(rng.randint(7, 16)))
        )
        hour = hour_of(moment)
        answers = fake_answers(spec, quality, rng)
        channel = Channel.PAPER if rng.random() < 0.2 else Channel.WEB
        out.append(
            Response(
                campaign_id=target.campaign_id,
                unit_id=target.unit_id,
                channel=channel,
                submitted_hour=hour,
                answers=answers,
                fingerprint=fingerprint(target, "", hour, answers),
                paper_serial=f"P-{rng.randint(10000, 99999)}" if channel == Channel.PAPER else "",
            )
        )
    return out


@transaction.atomic
def _campaign(
    *,
    code: str,
    name: str,
    version: QuestionnaireVersion,
    period: tuple[datetime.date, datetime.date],
    units: list[Unit],
    status: str,
    today: datetime.date,
    result: DemoResult,
) -> Campaign | None:
    if Campaign.objects.filter(code=code).exists():
        result.skipped.append(name)
        return None
    if version.locked_at is None:
        QuestionnaireVersion.objects.filter(pk=version.pk).update(locked_at=timezone.now())
        version.refresh_from_db()
    campaign = Campaign.objects.create(
        code=code, name=name, version=version, starts_on=period[0], ends_on=period[1],
        status=status, is_demo=True, opened_at=timezone.now(),
        closed_at=timezone.now() if status == CampaignStatus.CLOSED else None,
        notes="Dữ liệu minh họa (demo data).",
    )  # fmt: skip
    spec = spec_for(version)
    rng = random.Random(f"cchc-demo-{code}")
    collected_until = min(period[1], today)
    rows: list[Response] = []
    for unit in units:
        target = CampaignUnit(campaign=campaign, unit=unit, population=rng.randint(800, 6000))
        target.quota = target.suggested_sample()
        target.save()
        share = 1.0 if status == CampaignStatus.CLOSED else rng.uniform(0.35, 1.1)
        count = int((target.quota or 100) * share / 3)  # a third of the sample: a light demo
        rows += _responses(target, spec, count, (period[0], collected_until), rng)
    Response.objects.bulk_create(rows, batch_size=1000)
    tallies.rebuild(campaign, spec)
    result.created.append(f"{name}: {len(units)} units, {len(rows)} responses")
    return campaign


def _version(code: str) -> QuestionnaireVersion:
    from .seed import load_sipas

    load_sipas()
    version = QuestionnaireVersion.objects.filter(questionnaire__code=code).order_by("-number")
    found = version.first()
    if found is None:
        raise DemoError(f"The seed questionnaire {code} is missing.")
    return found


def _units(kind: str, on: datetime.date, limit: int | None = None) -> list[Unit]:
    units = Unit.objects.filter(kind=kind).current_on(on).order_by("code")
    return list(units[:limit] if limit else units)


def load_demo_surveys(today: datetime.date | None = None) -> DemoResult:
    today = today or timezone.localdate()
    if not Unit.objects.filter(kind=Unit.Kind.DEPARTMENT).exists():
        raise DemoError("No units: run load_reference_data first.")
    result = DemoResult()
    sipas, ward_form = _version("sipas-2640"), _version("mau-02")
    for year in (today.year - 2, today.year - 1):
        period = (datetime.date(year, 9, 1), datetime.date(year, 11, 30))
        units = _units(Unit.Kind.DEPARTMENT, period[0])
        units += _units(Unit.Kind.DISTRICT, period[0]) or _units(Unit.Kind.COMMUNE, period[0], 8)
        _campaign(
            code=f"sipas-{year}", name=f"Khảo sát SIPAS năm {year} (minh họa)", version=sipas,
            period=period, units=units, status=CampaignStatus.CLOSED, today=today, result=result,
        )  # fmt: skip
    # Within the year: the PAR Index reads a unit's satisfaction from campaigns ending in it.
    year_end = datetime.date(today.year, 12, 31)
    period = (
        today - datetime.timedelta(days=45),
        min(today + datetime.timedelta(days=35), year_end),
    )
    units = _units(Unit.Kind.DEPARTMENT, today) + _units(Unit.Kind.COMMUNE, today, 8)
    current = _campaign(
        code=f"sipas-{today.year}", name=f"Khảo sát SIPAS năm {today.year} (minh họa)",
        version=ward_form, period=period, units=units, status=CampaignStatus.OPEN, today=today,
        result=result,
    )  # fmt: skip
    demo_unit = Unit.objects.filter(code=DEMO_UNIT).first()
    if current is not None and demo_unit is not None:
        SurveyToken.objects.bulk_create(
            SurveyToken(campaign=current, unit=demo_unit, batch="demo") for _ in range(20)
        )
    return result
