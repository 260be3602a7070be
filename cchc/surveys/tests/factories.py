"""Small questionnaires and campaigns for the surveys tests (plain helpers, STYLE §6)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from cchc.units.models import Unit

from ..models import (
    Campaign,
    CampaignStatus,
    CampaignUnit,
    Choice,
    IndexRole,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireVersion,
    Section,
)

EXPECTATIONS = [
    ("thai_do", "Nâng cao thái độ phục vụ"),
    ("cong_khai", "Công khai minh bạch"),
    ("nang_luc", "Nâng cao năng lực công chức"),
]


def make_version(code: str = "mini", *, locked: bool = False) -> QuestionnaireVersion:
    """A small SIPAS-like form, every question type once:

    section e1 "Tiếp cận": c11, c12 (satisfaction criteria, required), e1 (element question);
    section e2 "Thủ tục": c21 (assessment, agree/disagree), c22 (assessment, five-level), e2;
    section other: overall (required), why (text, shown only if overall is 1 or 2),
    expect (multiple, at most 2 picks, expectation), gender (single), age (number 15 to 100),
    comment (text, 200 characters).
    """
    questionnaire = Questionnaire.objects.create(code=code, title=f"Phiếu {code}")
    version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire,
        number=1,
        title=f"Phiếu {code}",
        locked_at=timezone.now() if locked else None,
    )
    s1 = Section.objects.create(version=version, position=1, code="e1", title="Tiếp cận dịch vụ")
    s2 = Section.objects.create(version=version, position=2, code="e2", title="Thủ tục hành chính")
    s3 = Section.objects.create(version=version, position=3, code="other", title="Thông tin khác")
    pos = iter(range(1, 100))

    def q(section: Section, code: str, kind: str, **fields: Any) -> Question:
        return Question.objects.create(
            version=version,
            section=section,
            position=next(pos),
            code=code,
            text=fields.pop("text", f"Câu hỏi {code}"),
            kind=kind,
            **fields,
        )

    sat, assess = QuestionKind.SATISFACTION, QuestionKind.ASSESSMENT
    q(s1, "c11", sat, index_role=IndexRole.CRITERION, required=True)
    q(s1, "c12", sat, index_role=IndexRole.CRITERION, required=True)
    q(s1, "e1", sat, index_role=IndexRole.ELEMENT)
    q(s2, "c21", assess, scale="agree_disagree", index_role=IndexRole.CRITERION)
    q(s2, "c22", assess, scale="five_level", index_role=IndexRole.CRITERION)
    q(s2, "e2", sat, index_role=IndexRole.ELEMENT)
    overall = q(s3, "overall", sat, index_role=IndexRole.OVERALL, required=True)
    q(s3, "why", QuestionKind.TEXT, show_if=overall, show_if_values=[1, 2], required=True)
    expect = q(s3, "expect", QuestionKind.MULTIPLE, index_role=IndexRole.EXPECTATION, max_picks=2)
    for value, (name, label) in enumerate(EXPECTATIONS, start=1):
        Choice.objects.create(question=expect, value=value, name=name, label=label)
    gender = q(s3, "gender", QuestionKind.SINGLE)
    for value, (name, label) in enumerate([("nam", "Nam"), ("nu", "Nữ")], start=1):
        Choice.objects.create(question=gender, value=value, name=name, label=label)
    q(s3, "age", QuestionKind.NUMBER, min_value=15, max_value=100)
    q(s3, "comment", QuestionKind.TEXT, max_length=200)
    return version


def full_answers(**overrides: Any) -> dict[str, Any]:
    """A complete, valid set of answers for `make_version` (satisfied respondent)."""
    answers: dict[str, Any] = {
        "c11": 5,
        "c12": 4,
        "e1": 4,
        "c21": 2,
        "c22": 4,
        "e2": 5,
        "overall": 4,
        "expect": [1, 3],
        "gender": 2,
        "age": 41,
        "comment": "Cán bộ nhiệt tình",
    }
    answers.update(overrides)
    return {k: v for k, v in answers.items() if v is not None}


def make_campaign(
    version: QuestionnaireVersion | None = None,
    units: Iterable[Unit] = (),
    *,
    code: str = "sipas-2026",
    status: str = CampaignStatus.OPEN,
    starts_on: datetime.date = datetime.date(2026, 10, 1),
    ends_on: datetime.date = datetime.date(2026, 12, 31),
    quota: int | None = 30,
    **fields: Any,
) -> Campaign:
    """An open campaign (by default) over `units`, each with a quota; locks the version."""
    version = version or make_version()
    if status != CampaignStatus.DRAFT and not version.is_locked:
        version.locked_at = timezone.now()
        version.save(update_fields=["locked_at"])
    campaign = Campaign.objects.create(
        code=code,
        name=fields.pop("name", f"Khảo sát {code}"),
        version=version,
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
        **fields,
    )
    for unit in units:
        CampaignUnit.objects.create(campaign=campaign, unit=unit, quota=quota)
    return campaign
