"""What a questionnaire version feeds into the indices, read once per version (3 queries).

Elements are the sections holding criteria (or an element question), in section order; each
criterion is a satisfaction or assessment question with `index_role` criterion. The overall
question, the element questions and the expectation questions are picked by their role.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..calculations import SCALE_5, AssessmentScale
from ..models import (
    AGREE,
    DISAGREE,
    IndexRole,
    Question,
    QuestionKind,
    QuestionnaireVersion,
    Section,
)

AGREE_DISAGREE_VALUES = frozenset({DISAGREE, AGREE})
INDEX_KINDS = frozenset({QuestionKind.SATISFACTION, QuestionKind.ASSESSMENT})


@dataclass(frozen=True)
class Scored:
    """A question read as a share: the valid answers and those favourable (satisfied/agree)."""

    id: int
    code: str
    text: str
    kind: str
    valid: frozenset[int]
    favourable: frozenset[int]


@dataclass(frozen=True)
class ElementSpec:
    code: str
    title: str
    criteria: tuple[Scored, ...]
    question: Scored | None  # the element's own satisfaction question, if any


@dataclass(frozen=True)
class ChoiceSpec:
    value: int
    name: str
    label: str


@dataclass(frozen=True)
class ExpectationSpec:
    id: int
    code: str
    text: str
    multiple: bool
    choices: tuple[ChoiceSpec, ...]


@dataclass(frozen=True)
class Structure:
    elements: tuple[ElementSpec, ...]
    overall: Scored | None
    expectations: tuple[ExpectationSpec, ...]

    @property
    def question_ids(self) -> set[int]:
        ids = {q.id for e in self.elements for q in e.criteria}
        ids |= {e.question.id for e in self.elements if e.question}
        ids |= {x.id for x in self.expectations}
        if self.overall:
            ids.add(self.overall.id)
        return ids

    def element(self, code: str) -> ElementSpec | None:
        return next((e for e in self.elements if e.code == code), None)


def _scored(q: Question) -> Scored:
    if q.kind == QuestionKind.ASSESSMENT and q.scale == AssessmentScale.AGREE_DISAGREE:
        valid = AGREE_DISAGREE_VALUES
    else:
        valid = frozenset(SCALE_5)
    return Scored(q.pk, q.code, q.text, q.kind, valid, q.favourable_values())


def _expectation(q: Question) -> ExpectationSpec:
    choices = tuple(ChoiceSpec(c.value, c.name, c.label) for c in q.choices.all())
    return ExpectationSpec(q.pk, q.code, q.text, q.kind == QuestionKind.MULTIPLE, choices)


def _element(section: Section, questions: list[Question]) -> ElementSpec | None:
    mine = [q for q in questions if q.section_id == section.pk and q.kind in INDEX_KINDS]
    criteria = tuple(_scored(q) for q in mine if q.index_role == IndexRole.CRITERION)
    question = next((_scored(q) for q in mine if q.index_role == IndexRole.ELEMENT), None)
    if not criteria and question is None:
        return None
    return ElementSpec(section.code, section.title, criteria, question)


def read_structure(version: QuestionnaireVersion) -> Structure:
    """The elements, overall question and expectation questions of `version`."""
    questions = list(
        Question.objects.filter(version=version)
        .exclude(index_role="")
        .prefetch_related("choices")
        .order_by("position")
    )
    sections = Section.objects.filter(version=version).order_by("position")
    elements = [_element(s, questions) for s in sections]
    overall = next(
        (
            _scored(q)
            for q in questions
            if q.index_role == IndexRole.OVERALL and q.kind in INDEX_KINDS
        ),
        None,
    )
    expectations = tuple(
        _expectation(q)
        for q in questions
        if q.index_role == IndexRole.EXPECTATION
        and q.kind in (QuestionKind.MULTIPLE, QuestionKind.SINGLE)
    )
    return Structure(tuple(e for e in elements if e), overall, expectations)
