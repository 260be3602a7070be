"""The public form's layout: a questionnaire version as respondents see it.

`layout_for(version)` reads the sections once and builds on the version's questions as
`answers.spec_for` read them (cached for a locked version, like the spec); the page
(`views.public`) and the kiosk API (`api.public`) both present it. Scale labels stay lazy,
so they follow the language of each request. `public_target` finds a short code's surveyed
unit and `closed_reason` says whether its campaign collects answers today. `bind` pairs the
layout with what a respondent posted and the problems found, for re-rendering the form with
the answers kept and each error next to its question.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.functional import Promise
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from .answers import QuestionSpec, spec_for
from .models import Campaign, CampaignStatus, CampaignUnit, QuestionKind, QuestionnaireVersion

SCALE_KINDS = frozenset({QuestionKind.SATISFACTION, QuestionKind.ASSESSMENT})
CHOICE_KINDS = SCALE_KINDS | {QuestionKind.SINGLE, QuestionKind.MULTIPLE}
LONG_TEXT = 120  # characters: from here a text answer gets a text area


@dataclass(frozen=True)
class ChoiceView:
    value: int
    name: str
    label: str | Promise


@dataclass(frozen=True)
class Condition:
    """Shown only if question `number` (code `code`) was answered with one of `values`."""

    code: str
    number: int
    values: tuple[int, ...]
    labels: tuple[str | Promise, ...]


@dataclass(frozen=True)
class QuestionView:
    number: int
    code: str
    text: str
    hint: str
    kind: str
    required: bool
    choices: tuple[ChoiceView, ...]
    max_picks: int | None
    min_value: Decimal | None
    max_value: Decimal | None
    max_length: int
    condition: Condition | None

    @property
    def is_scale(self) -> bool:
        return self.kind in SCALE_KINDS

    @property
    def has_choices(self) -> bool:
        return self.kind in CHOICE_KINDS

    @property
    def is_multiple(self) -> bool:
        return self.kind == QuestionKind.MULTIPLE

    @property
    def is_long_text(self) -> bool:
        return self.kind == QuestionKind.TEXT and self.max_length > LONG_TEXT


@dataclass(frozen=True)
class SectionView:
    code: str
    title: str
    description: str
    questions: tuple[QuestionView, ...]


@dataclass(frozen=True)
class Layout:
    version_id: int
    sections: tuple[SectionView, ...]
    questions: tuple[QuestionView, ...] = field(default=())


_CACHE: dict[tuple[int, datetime.datetime], Layout] = {}


def layout_for(version: QuestionnaireVersion) -> Layout:
    """The version as a form; locked versions are cached (they never change)."""
    if version.locked_at is None:
        return _read_layout(version)
    key = (version.pk, version.locked_at)
    cached = _CACHE.get(key)
    if cached is None:
        cached = _CACHE[key] = _read_layout(version)
    return cached


def _choices(q: QuestionSpec) -> tuple[ChoiceView, ...]:
    return tuple(ChoiceView(v, q.choice_names[v], label) for v, label in q.values.items())


def _condition(q: QuestionSpec, seen: Mapping[str, QuestionView]) -> Condition | None:
    earlier = seen.get(q.show_if) if q.show_if else None
    if earlier is None:
        return None
    values = tuple(sorted(q.show_if_values))
    labels = {c.value: c.label for c in earlier.choices}
    return Condition(earlier.code, earlier.number, values, tuple(labels.get(v, v) for v in values))


def _read_layout(version: QuestionnaireVersion) -> Layout:
    """The layout on the version's `answers.spec_for` (its questions are read once)."""
    sections = list(version.sections.order_by("position"))
    seen: dict[str, QuestionView] = {}
    by_section: dict[int | None, list[QuestionView]] = {}
    for number, q in enumerate(spec_for(version).questions, start=1):
        view = QuestionView(
            number=number,
            code=q.code,
            text=q.text,
            hint=q.hint,
            kind=q.kind,
            required=q.required,
            choices=_choices(q),
            max_picks=q.max_picks if q.kind == QuestionKind.MULTIPLE else None,
            min_value=q.min_value,
            max_value=q.max_value,
            max_length=q.max_length,
            condition=_condition(q, seen),
        )
        seen[q.code] = view
        by_section.setdefault(q.section_id, []).append(view)
    shown = [
        SectionView(s.code, s.title, s.description, tuple(by_section.get(s.pk, ())))
        for s in sections
        if by_section.get(s.pk)
    ]
    if by_section.get(None):
        shown.append(SectionView("", "", "", tuple(by_section[None])))
    return Layout(version.pk, tuple(shown), tuple(seen.values()))


def _plain(number: Decimal) -> str:
    """15.00 -> "15", 2.50 -> "2.5"."""
    return f"{number.normalize():f}"


def public_target(code: str) -> CampaignUnit:
    """The surveyed unit of a short code, with its campaign and version (one query)."""
    rows = CampaignUnit.objects.select_related("campaign__version", "unit")
    return get_object_or_404(rows, code__in={code, code.lower()})


def closed_reason(campaign: Campaign, today: datetime.date) -> str:
    """Why the campaign does not collect answers today ("" when it does)."""
    if campaign.status == CampaignStatus.DRAFT or (campaign.is_open and today < campaign.starts_on):
        return _("This survey has not started yet.")
    if campaign.status == CampaignStatus.CLOSED or today > campaign.ends_on:
        return _("This survey has ended. Thank you for your interest.")
    return ""


# --- a form filled in -----------------------------------------------------------------------


@dataclass(frozen=True)
class BoundChoice:
    choice: ChoiceView
    id: str
    checked: bool


@dataclass(frozen=True)
class BoundQuestion:
    """A question with what was posted for it and its problems (ids for aria links)."""

    q: QuestionView
    value: str
    choices: tuple[BoundChoice, ...]
    errors: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"q-{self.q.code}"

    @property
    def anchor(self) -> str:
        """The element the error summary links to: the first option or the input."""
        return self.choices[0].id if self.choices else self.id

    @cached_property
    def help_lines(self) -> list[str]:
        """The question's hint and the limits of its answer, in the request's language."""
        q, lines = self.q, [self.q.hint] if self.q.hint else []
        if q.max_picks:
            lines.append(_("Pick at most %(n)d.") % {"n": q.max_picks})
        if q.kind == QuestionKind.NUMBER and q.min_value is not None and q.max_value is not None:
            bounds = {"min": _plain(q.min_value), "max": _plain(q.max_value)}
            lines.append(_("A number from %(min)s to %(max)s.") % bounds)
        return lines

    @property
    def condition_note(self) -> str:
        """The note of a conditional question (which earlier answers ask it), or ""."""
        condition = self.q.condition
        if condition is None:
            return ""
        answers = get_text_list([f"“{label}”" for label in condition.labels], _("or"))
        return _("Answer only if your answer to question %(number)d was %(answers)s.") % {
            "number": condition.number,
            "answers": answers,
        }

    @property
    def described_by(self) -> str:
        ids = []
        if self.help_lines:
            ids.append(f"{self.id}-hint")
        if self.q.condition:
            ids.append(f"{self.id}-condition")
        if self.errors:
            ids.append(f"{self.id}-error")
        return " ".join(ids)


@dataclass(frozen=True)
class BoundSection:
    section: SectionView
    questions: tuple[BoundQuestion, ...]


@dataclass(frozen=True)
class Problem:
    anchor: str
    label: str
    message: str


def _bind_question(q: QuestionView, data: Any, errors: list[str]) -> BoundQuestion:
    posted = [str(v) for v in data.getlist(q.code)] if data is not None else []
    choices = tuple(
        BoundChoice(c, f"q-{q.code}-{c.value}", str(c.value) in posted) for c in q.choices
    )
    value = "" if q.has_choices or not posted else posted[0]
    return BoundQuestion(q, value, choices, tuple(errors))


def bind(
    layout: Layout, data: Any = None, problems: Mapping[str, list[str]] | None = None
) -> tuple[list[BoundSection], list[Problem]]:
    """The sections with posted values (a QueryDict) and the error summary, in form order."""
    problems = problems or {}
    sections, summary = [], []
    for section in layout.sections:
        bound = tuple(
            _bind_question(q, data, list(problems.get(q.code, []))) for q in section.questions
        )
        for b in bound:
            label = _("Question %(n)d") % {"n": b.q.number}
            summary.extend(Problem(b.anchor, label, message) for message in b.errors)
        sections.append(BoundSection(section, bound))
    return sections, summary


def raw_answers(layout: Layout, data: Any) -> dict[str, Any]:
    """The answers posted for the version's questions only (lists for multiple choice)."""
    raw: dict[str, Any] = {}
    for q in layout.questions:
        if q.is_multiple:
            picks = [v for v in data.getlist(q.code) if v.strip()]
            if picks:
                raw[q.code] = picks
        elif data.get(q.code, "").strip():
            raw[q.code] = data.get(q.code)
    return raw
