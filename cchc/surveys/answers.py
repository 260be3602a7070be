"""Checking a respondent's answers against a questionnaire version.

Every way answers arrive (the public form, the API, paper entry, file import) goes through
`clean_answers`, so the rules are the same everywhere:

- only the version's question codes; a question hidden by its condition is not asked, and
  an answer to it is dropped (a form without JavaScript shows every question);
- a shown, required question must be answered;
- a discrete answer is one of the question's choices, given as its value (3, "3"), its
  XLSForm name or, for imports, its label; multiple choice takes a list (or a space-separated
  string) of distinct picks, at most `max_picks`;
- a number lies within the question's bounds (a decimal comma is accepted);
- text is stripped of HTML tags and control characters and kept within `max_length`.

The cleaned answers are {code: int | list[int] | str}; numbers are kept as decimal strings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from .models import QuestionKind, QuestionnaireVersion

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class QuestionSpec:
    id: int
    code: str
    text: str
    kind: str
    required: bool
    values: dict[int, str]  # value → label
    names: dict[str, int]  # XLSForm name (and lower-cased label) → value
    hint: str = ""
    section_id: int | None = None
    choice_names: dict[int, str] = field(default_factory=dict)  # value → XLSForm name
    max_picks: int | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    max_length: int = 500
    show_if: str | None = None
    show_if_values: frozenset[int] = frozenset()

    @property
    def is_discrete(self) -> bool:
        return bool(self.values)


@dataclass(frozen=True)
class VersionSpec:
    """A version's questions in order, read once (cached per locked version)."""

    version_id: int
    questions: tuple[QuestionSpec, ...]
    by_code: dict[str, QuestionSpec] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_code.update({q.code: q for q in self.questions})


class AnswersInvalid(ValidationError):
    """Answers refused: `problems` maps a question code (or "token", "procedure") to messages."""

    def __init__(self, problems: dict[str, list[str]]) -> None:
        self.problems = problems
        super().__init__(problems)


_CACHE: dict[tuple[int, Any], VersionSpec] = {}


def spec_for(version: QuestionnaireVersion) -> VersionSpec:
    """The version's spec; locked versions are cached (they never change)."""
    if not version.is_locked:
        return _read_spec(version)
    key = (version.pk, version.locked_at)
    cached = _CACHE.get(key)
    if cached is None:
        cached = _CACHE[key] = _read_spec(version)
    return cached


def clear_caches() -> None:
    """Forget cached specs and layouts (tests: primary keys repeat between tests)."""
    from . import public_form

    _CACHE.clear()
    public_form._CACHE.clear()


def _label_names(label: Any) -> set[str]:
    """A scale label in every language of the site, lower-cased (imports may use either)."""
    from django.conf import settings
    from django.utils import translation

    names = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(str(label).strip().lower())
    return names


def _read_spec(version: QuestionnaireVersion) -> VersionSpec:
    from .models.questionnaires import AGREE_DISAGREE_LABELS, AGREEMENT_LABELS, SATISFACTION_LABELS

    questions = list(
        version.questions.select_related("show_if").prefetch_related("choices").order_by("position")
    )
    specs = []
    for q in questions:
        choices = {c.value: (c.name, c.label) for c in q.choices.all()}
        names: dict[str, int] = {}
        scale_labels: dict[int, Any] = {}
        if not choices and q.kind == QuestionKind.SATISFACTION:
            scale_labels = SATISFACTION_LABELS
        elif not choices and q.kind == QuestionKind.ASSESSMENT:
            agree = q.scale == "agree_disagree"
            scale_labels = AGREE_DISAGREE_LABELS if agree else AGREEMENT_LABELS
        for v, label in scale_labels.items():
            choices[v] = (str(v), label)  # lazy: shown in the reader's language
            names.update(dict.fromkeys(_label_names(label), v))
        for value, (name, label) in choices.items():
            names.setdefault(str(label).strip().lower(), value)
            names[name] = value
        specs.append(
            QuestionSpec(
                id=q.pk,
                code=q.code,
                text=q.text,
                kind=q.kind,
                required=q.required,
                values={v: label for v, (_name, label) in choices.items()},
                names=names,
                hint=q.hint,
                section_id=q.section_id,
                choice_names={v: name for v, (name, _label) in choices.items()},
                max_picks=q.max_picks,
                min_value=q.min_value,
                max_value=q.max_value,
                max_length=q.max_length,
                show_if=q.show_if.code if q.show_if else None,
                show_if_values=frozenset(int(v) for v in q.show_if_values or ()),
            )
        )
    return VersionSpec(version.pk, tuple(specs))


def _as_list(raw: Any) -> list[Any]:
    if raw is None:
        return []
    if isinstance(raw, list | tuple):
        return [r for r in raw if not (isinstance(r, str) and not r.strip())]
    if isinstance(raw, str):
        return raw.split() if raw.strip() else []
    return [raw]


def _is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or raw in ([], ())


def _choice(q: QuestionSpec, raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, int) and raw in q.values:
        return raw
    text = str(raw).strip()
    if text.isdigit() and int(text) in q.values:
        return int(text)
    if text in q.names:
        return q.names[text]
    if text.lower() in q.names:
        return q.names[text.lower()]
    raise ValueError


def _allowed(q: QuestionSpec) -> str:
    return ", ".join(f"{v} ({label})" for v, label in q.values.items())


def _clean_multiple(q: QuestionSpec, raw: Any) -> tuple[Any, str | None]:
    picks = []
    for item in _as_list(raw):
        try:
            picks.append(_choice(q, item))
        except ValueError:
            return None, _("“%(answer)s” is not one of the choices: %(allowed)s.") % {
                "answer": str(item)[:40],
                "allowed": _allowed(q),
            }
    if len(set(picks)) != len(picks):
        return None, _("A choice is picked twice.")
    if q.max_picks is not None and len(picks) > q.max_picks:
        return None, _("Pick at most %(n)d.") % {"n": q.max_picks}
    return sorted(picks), None


def _clean_one(q: QuestionSpec, raw: Any) -> tuple[Any, str | None]:
    """The cleaned answer, or None and the reason it is refused."""
    if q.kind == QuestionKind.MULTIPLE:
        return _clean_multiple(q, raw)
    if isinstance(raw, list | tuple):
        if len(raw) != 1:
            return None, _("Give one answer only.")
        raw = raw[0]
    if q.is_discrete:
        try:
            return _choice(q, raw), None
        except ValueError:
            return None, _("“%(answer)s” is not one of the answers: %(allowed)s.") % {
                "answer": str(raw)[:40],
                "allowed": _allowed(q),
            }
    if q.kind == QuestionKind.NUMBER:
        return _clean_number(q, raw)
    # NFC: the same words typed with decomposed accents (some keyboards) compare equal.
    text = unicodedata.normalize("NFC", CONTROL.sub("", strip_tags(str(raw)))).strip()
    if len(text) > q.max_length:
        return None, _("At most %(n)d characters (this answer has %(got)d).") % {
            "n": q.max_length,
            "got": len(text),
        }
    return text, None


def _clean_number(q: QuestionSpec, raw: Any) -> tuple[str | None, str | None]:
    try:
        if isinstance(raw, bool):
            raise InvalidOperation
        number = Decimal(str(raw).strip().replace(",", "."))
        if not number.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        return None, _("“%(answer)s” is not a number.") % {"answer": str(raw)[:40]}
    if q.min_value is not None and number < q.min_value:
        return None, _("The smallest number allowed is %(n)s.") % {"n": q.min_value}
    if q.max_value is not None and number > q.max_value:
        return None, _("The largest number allowed is %(n)s.") % {"n": q.max_value}
    # Whole numbers without a trailing ".0" and never in exponent form ("60", not "6E+1").
    return format(number.normalize() if number == number.to_integral() else number, "f"), None


def is_shown(q: QuestionSpec, cleaned: Mapping[str, Any]) -> bool:
    """Whether `q` is asked given the earlier answers (cleaned)."""
    if q.show_if is None:
        return True
    earlier = cleaned.get(q.show_if)
    picked = set(earlier) if isinstance(earlier, list) else {earlier}
    return bool(picked & q.show_if_values)


def clean_answers(
    spec: VersionSpec, raw: Mapping[str, Any], *, unknown_is_error: bool = True
) -> dict[str, Any]:
    """The cleaned answers, or `AnswersInvalid` naming every question with its reason."""
    problems: dict[str, list[str]] = {}
    if unknown_is_error:
        problems.update(
            {
                str(code)[:64]: [_("There is no question with this code.")]
                for code in raw
                if code not in spec.by_code
            }
        )
    cleaned: dict[str, Any] = {}
    for q in spec.questions:
        value = raw.get(q.code)
        if not is_shown(q, cleaned):
            continue
        if _is_blank(value) or (q.kind == QuestionKind.MULTIPLE and not _as_list(value)):
            if q.required:
                problems[q.code] = [_("This question is required.")]
            continue
        answer, problem = _clean_one(q, value)
        if problem is None and answer == "":  # only tags or control characters were sent
            if not q.required:
                continue
            problem = _("This question is required.")
        if problem:
            problems[q.code] = [problem]
        else:
            cleaned[q.code] = answer
    if problems:
        raise AnswersInvalid(problems)
    return cleaned
