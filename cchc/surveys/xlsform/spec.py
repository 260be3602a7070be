"""The plain form of a questionnaire version, and its rules.

`FormDraft` (sections, questions, choices as dataclasses) is what the service
`services.questionnaires.create_version` saves, what the XLSForm reader produces and the
writer consumes, and what `spec_of(version)` reads back: an export imported again gives an
equal draft. Drafts built from JSON-like dicts go through `form_from_dict`.

`form_problems` checks a draft as a whole and names every problem by its place
(``questions[3].show_if``) so a page, the API or an importer (by row) can show it:

- codes (XLSForm names) are slugs starting with a letter or "_", unique among the sections
  and among the questions; choice names are unique within their question, values are
  whole numbers from 1 and unique;
- single and multiple choice have choices; satisfaction and assessment questions use their
  scale (choices, when given, carry exactly the scale's values); number and text have none;
- a condition (`show_if`) names an EARLIER discrete question and values it can take;
- `max_picks` only on multiple choice (at most the number of choices); number bounds only
  on numbers, smallest <= largest;
- a section's questions follow each other, and sections come in the order of their
  questions (as XLSForm groups do);
- index roles fit the kind: criterion - satisfaction or assessment; element and overall -
  satisfaction; expectation - multiple choice; criteria and element questions sit in a
  section (their element), one element question per section, one overall question.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from ..calculations import AssessmentScale
from ..models import DISCRETE_KINDS, IndexRole, QuestionKind

CODE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$")
MAX_TITLE = 300
MAX_SECTION_TITLE = 500
MAX_LABEL = 500
MAX_NAME = 64
MAX_TEXT_LENGTH = 2000
DEFAULT_TEXT_LENGTH = 500
NUMBER_LIMIT = Decimal("1e12")

SCALE_VALUES: dict[str, frozenset[int]] = {
    QuestionKind.SATISFACTION: frozenset(range(1, 6)),
    AssessmentScale.FIVE_LEVEL: frozenset(range(1, 6)),
    AssessmentScale.AGREE_DISAGREE: frozenset({1, 2}),
}
ROLE_KINDS: dict[str, frozenset[str]] = {
    IndexRole.CRITERION: frozenset({QuestionKind.SATISFACTION, QuestionKind.ASSESSMENT}),
    IndexRole.ELEMENT: frozenset({QuestionKind.SATISFACTION}),
    IndexRole.OVERALL: frozenset({QuestionKind.SATISFACTION}),
    IndexRole.EXPECTATION: frozenset({QuestionKind.MULTIPLE}),
}
CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE})


@dataclass
class ChoiceDraft:
    value: int
    name: str
    label: str
    row: int | None = field(default=None, compare=False, repr=False)


@dataclass
class SectionDraft:
    code: str
    title: str
    description: str = ""
    row: int | None = field(default=None, compare=False, repr=False)


@dataclass
class QuestionDraft:
    code: str
    text: str
    kind: str
    section: str = ""  # the code of its section, "" for none
    hint: str = ""
    scale: str = ""
    index_role: str = ""
    required: bool = False
    max_picks: int | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    max_length: int = DEFAULT_TEXT_LENGTH
    show_if: str = ""  # the code of an earlier question
    show_if_values: list[int] = field(default_factory=list)
    uncertain: bool = False
    note: str = ""
    choices: list[ChoiceDraft] = field(default_factory=list)
    row: int | None = field(default=None, compare=False, repr=False)

    def values(self) -> frozenset[int]:
        """The answer values this question can take (its choices, else its scale)."""
        if self.choices:
            return frozenset(c.value for c in self.choices)
        if self.kind == QuestionKind.SATISFACTION:
            return SCALE_VALUES[QuestionKind.SATISFACTION]
        if self.kind == QuestionKind.ASSESSMENT:
            return SCALE_VALUES.get(self.scale, frozenset())
        return frozenset()


@dataclass
class FormDraft:
    title: str
    notes: str = ""
    sections: list[SectionDraft] = field(default_factory=list)
    questions: list[QuestionDraft] = field(default_factory=list)


@dataclass(frozen=True)
class FormProblem:
    """A problem in a draft: `path` is "", "sections[i]", "questions[i]" or
    "questions[i].choices[j]"; `target` is the object it is about (for its row)."""

    path: str
    field: str
    message: str
    target: Any = None

    @property
    def key(self) -> str:
        return ".".join(part for part in (self.path, self.field) if part)


# Building drafts from dicts -----------------------------------------------------------------


def _decimal(raw: Any) -> Decimal | None:
    if raw is None or raw == "":
        return None
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        return Decimal("NaN")


def question_from_dict(data: Mapping[str, Any]) -> QuestionDraft:
    fields = {k: v for k, v in data.items() if k in QuestionDraft.__dataclass_fields__}
    fields["choices"] = [
        c if isinstance(c, ChoiceDraft) else ChoiceDraft(**c) for c in data.get("choices", ())
    ]
    fields["min_value"] = _decimal(data.get("min_value"))
    fields["max_value"] = _decimal(data.get("max_value"))
    fields["show_if_values"] = list(data.get("show_if_values") or [])
    return QuestionDraft(**fields)


def form_from_dict(data: Mapping[str, Any]) -> FormDraft:
    """A draft from plain data: {"title", "notes", "sections": [{code, title, description}],
    "questions": [{code, text, kind, section, …, "choices": [{value, name, label}]}]}."""
    return FormDraft(
        title=str(data.get("title") or ""),
        notes=str(data.get("notes") or ""),
        sections=[
            s if isinstance(s, SectionDraft) else SectionDraft(**s)
            for s in data.get("sections", ())
        ],
        questions=[
            q if isinstance(q, QuestionDraft) else question_from_dict(q)
            for q in data.get("questions", ())
        ],
    )


def as_form(form: FormDraft | Mapping[str, Any]) -> FormDraft:
    return form if isinstance(form, FormDraft) else form_from_dict(form)


# Checking ------------------------------------------------------------------------------------


class _Checker:
    """Collects problems while walking a draft once, in order."""

    def __init__(self, form: FormDraft) -> None:
        self.form = form
        self.problems: list[FormProblem] = []
        self.codes: dict[str, set[str]] = {"sections": set(), "questions": set()}
        self.earlier: dict[str, QuestionDraft] = {}
        self.sections = {s.code for s in form.sections}

    def add(self, path: str, name: str, message: str, target: Any = None) -> None:
        self.problems.append(FormProblem(path, name, message, target))

    def code(self, path: str, code: str, target: Any) -> None:
        seen = self.codes[path.partition("[")[0]]
        if not CODE.match(code or ""):
            self.add(path, "code", _code_message(code), target)
        elif code in seen:
            self.add(path, "code", _("The code “%(code)s” is used twice.") % {"code": code}, target)
        seen.add(code)


def _code_message(code: str) -> str:
    if not code:
        return _("A code (XLSForm name) is required.")
    return _(
        "“%(code)s” is not a valid code: at most 64 letters (without accents), digits, “_” "
        "or “-”, starting with a letter or “_”."
    ) % {"code": code[:80]}


def form_problems(form: FormDraft) -> list[FormProblem]:
    """Every problem of the draft, in order (empty when it can be saved)."""
    check = _Checker(form)
    if not form.title.strip():
        check.add("", "title", _("A title is required."))
    elif len(form.title) > MAX_TITLE:
        check.add("", "title", _("At most %(n)d characters.") % {"n": MAX_TITLE})
    for i, section in enumerate(form.sections):
        _check_section(check, f"sections[{i}]", section)
    for i, question in enumerate(form.questions):
        _check_question(check, f"questions[{i}]", question)
        check.earlier[question.code] = question
    _check_roles_once(check)
    _check_section_order(check)
    return check.problems


def _check_section(check: _Checker, path: str, section: SectionDraft) -> None:
    check.code(path, section.code, section)
    if not section.title.strip():
        check.add(path, "title", _("A section needs a title."), section)
    elif len(section.title) > MAX_SECTION_TITLE:
        check.add(path, "title", _("At most %(n)d characters.") % {"n": MAX_SECTION_TITLE})


def _check_question(check: _Checker, path: str, q: QuestionDraft) -> None:
    check.code(path, q.code, q)
    if not q.text.strip():
        check.add(path, "text", _("The question has no text."), q)
    if q.kind not in QuestionKind.values:
        check.add(path, "kind", _("Unknown question type “%(kind)s”.") % {"kind": q.kind}, q)
        return
    if q.section and q.section not in check.sections:
        check.add(path, "section", _("There is no section “%(code)s”.") % {"code": q.section}, q)
    for name, message in _kind_problems(q):
        check.add(path, name, message, q)
    for name, message in _role_problems(q):
        check.add(path, name, message, q)
    _check_choices(check, path, q)
    for name, message in _condition_problems(q, check.earlier):
        check.add(path, name, message, q)


def _kind_problems(q: QuestionDraft) -> Iterator[tuple[str, str]]:
    if q.kind == QuestionKind.ASSESSMENT and q.scale not in AssessmentScale.values:
        yield "scale", _("An assessment statement needs its scale (agree/disagree or five levels).")
    if q.kind != QuestionKind.ASSESSMENT and q.scale:
        yield "scale", _("Only an assessment statement has a scale.")
    if q.max_picks is not None:
        if q.kind != QuestionKind.MULTIPLE:
            yield "max_picks", _("Only a multiple-choice question limits the number of picks.")
        elif q.max_picks < 1 or (q.choices and q.max_picks > len(q.choices)):
            yield (
                "max_picks",
                _("Between 1 and the number of choices (%(n)d).") % {"n": len(q.choices)},
            )
    yield from _bounds_problems(q)
    if q.kind == QuestionKind.TEXT and not 1 <= q.max_length <= MAX_TEXT_LENGTH:
        yield "max_length", _("Between 1 and %(n)d characters.") % {"n": MAX_TEXT_LENGTH}


def _bounds_problems(q: QuestionDraft) -> Iterator[tuple[str, str]]:
    for name in ("min_value", "max_value"):
        value = getattr(q, name)
        if value is None:
            continue
        if q.kind != QuestionKind.NUMBER:
            yield name, _("Only a number question has bounds.")
        elif not value.is_finite() or abs(value) >= NUMBER_LIMIT or value != round(value, 2):
            yield name, _("A number with at most 2 decimal places is expected.")
    low, high = q.min_value, q.max_value
    both = low is not None and high is not None and low.is_finite() and high.is_finite()
    if both and low > high:
        yield "max_value", _("The largest number is below the smallest.")


def _role_problems(q: QuestionDraft) -> Iterator[tuple[str, str]]:
    if not q.index_role:
        return
    if q.index_role not in ROLE_KINDS:
        yield "index_role", _("Unknown role “%(role)s”.") % {"role": q.index_role}
        return
    if q.kind not in ROLE_KINDS[q.index_role]:
        kinds = ", ".join(str(QuestionKind(k).label) for k in sorted(ROLE_KINDS[q.index_role]))
        yield (
            "index_role",
            _("The role “%(role)s” fits only: %(kinds)s.")
            % {
                "role": IndexRole(q.index_role).label,
                "kinds": kinds,
            },
        )
    if q.index_role in (IndexRole.CRITERION, IndexRole.ELEMENT) and not q.section:
        yield "index_role", _("A criterion or element question belongs to a section (its element).")


def _check_choices(check: _Checker, path: str, q: QuestionDraft) -> None:
    if q.kind in CHOICE_KINDS and not q.choices:
        check.add(path, "choices", _("A choice question needs its list of choices."), q)
    if q.kind not in DISCRETE_KINDS and q.choices:
        check.add(path, "choices", _("Only choice and scale questions have choices."), q)
        return
    names: set[str] = set()
    values: set[int] = set()
    for j, choice in enumerate(q.choices):
        for name, message in _choice_problems(choice, names, values):
            check.add(f"{path}.choices[{j}]", name, message, choice)
        names.add(choice.name)
        values.add(choice.value)
    scale = SCALE_VALUES.get(q.kind if q.kind == QuestionKind.SATISFACTION else q.scale)
    if q.kind not in CHOICE_KINDS and q.choices and scale and values != scale:
        allowed = ", ".join(str(v) for v in sorted(scale))
        check.add(
            path, "choices", _("The scale's choices have the values %(values)s.") % {
                "values": allowed
            }, q
        )  # fmt: skip


def _choice_problems(
    choice: ChoiceDraft, names: set[str], values: set[int]
) -> Iterator[tuple[str, str]]:
    if isinstance(choice.value, bool) or not isinstance(choice.value, int) or choice.value < 1:
        yield "value", _("A choice's value is a whole number from 1.")
    elif choice.value in values:
        yield "value", _("The value %(v)s is used twice.") % {"v": choice.value}
    if not choice.name or len(choice.name) > MAX_NAME or any(c.isspace() for c in choice.name):
        yield "name", _("A choice's name is 1 to 64 characters without spaces.")
    elif choice.name in names:
        yield "name", _("The choice name “%(name)s” is used twice.") % {"name": choice.name}
    if not choice.label.strip():
        yield "label", _("A choice needs a label.")
    elif len(choice.label) > MAX_LABEL:
        yield "label", _("At most %(n)d characters.") % {"n": MAX_LABEL}


def _condition_problems(
    q: QuestionDraft, earlier: Mapping[str, QuestionDraft]
) -> Iterator[tuple[str, str]]:
    if not q.show_if:
        if q.show_if_values:
            yield "show_if", _("Answers that show the question are given, but not its question.")
        return
    source = earlier.get(q.show_if)
    if source is None:
        yield "show_if", _("“%(code)s” is not an earlier question.") % {"code": q.show_if}
        return
    if source.kind not in DISCRETE_KINDS:
        yield "show_if", _("A condition can only depend on a choice or scale question.")
        return
    if not q.show_if_values:
        yield "show_if_values", _("Give the answers that show the question.")
    unknown = [v for v in q.show_if_values if v not in source.values()]
    if unknown:
        yield (
            "show_if_values",
            _("“%(code)s” has no answer %(values)s.")
            % {
                "code": source.code,
                "values": ", ".join(str(v) for v in unknown),
            },
        )


def _check_roles_once(check: _Checker) -> None:
    element_of: dict[str, str] = {}
    overall = ""
    for i, q in enumerate(check.form.questions):
        if q.index_role == IndexRole.ELEMENT and q.section:
            if q.section in element_of:
                message = _("Section “%(section)s” already has its element question %(code)s.")
                check.add(
                    f"questions[{i}]", "index_role",
                    message % {"section": q.section, "code": element_of[q.section]}, q,
                )  # fmt: skip
            element_of.setdefault(q.section, q.code)
        if q.index_role == IndexRole.OVERALL:
            if overall:
                message = _("The overall question is already %(code)s.") % {"code": overall}
                check.add(f"questions[{i}]", "index_role", message, q)
            overall = overall or q.code


def _check_section_order(check: _Checker) -> None:
    order = {s.code: i for i, s in enumerate(check.form.sections)}
    done: set[str] = set()
    current, last = "", -1
    for i, q in enumerate(check.form.questions):
        if q.section == current or (q.section and q.section not in order):
            continue
        if current:
            done.add(current)
        current = q.section
        if not current:
            continue
        if current in done:
            message = _("The questions of a section follow each other.")
        elif order[current] < last:
            message = _("Sections come in the order of their questions.")
        else:
            last = order[current]
            continue
        check.add(f"questions[{i}]", "section", message, q)
