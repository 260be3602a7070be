"""The few XLSForm expressions cchc understands, read and written.

relevant (when a question is shown), one earlier question only, alternatives joined by
``or`` (outer parentheses allowed)::

    ${q} = 'v'      ${q} = v      ${q}='v'      selected(${q}, 'v')

constraint (what an answer may be)::

    count-selected(.) <= 2            most picks of a multiple choice (also "< 3")
    . >= 15 and . <= 100              number bounds (either side alone too)
    string-length(.) <= 500           longest text

Anything else is not understood and is reported by the reader, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_NAME = r"\$\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}"
_VALUE = r"(?:'([^']*)'|\"([^\"]*)\"|([A-Za-z0-9_.-]+))"
_EQUALS = re.compile(rf"^{_NAME}\s*=\s*{_VALUE}$")
_SELECTED = re.compile(rf"^selected\(\s*{_NAME}\s*,\s*{_VALUE}\s*\)$")
_OR = re.compile(r"\s+or\s+")
_PICKS = re.compile(r"^count-selected\(\s*\.\s*\)\s*(<=|<)\s*(\d+)$")
_LENGTH = re.compile(r"^string-length\(\s*\.\s*\)\s*(<=|<)\s*(\d+)$")
_BOUND = re.compile(r"^\.\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)$")
_AND = re.compile(r"\s+and\s+")


@dataclass(frozen=True)
class Condition:
    question: str
    names: tuple[str, ...]  # choice names that show the question


@dataclass(frozen=True)
class Constraint:
    max_picks: int | None = None
    max_length: int | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None


def _strip_parens(text: str) -> str:
    text = text.strip()
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    return text


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _term(term: str) -> tuple[str, str] | None:
    match = _EQUALS.match(term) or _SELECTED.match(term)
    if not match:
        return None
    name, *quoted = match.groups()
    return name, next(v for v in quoted if v is not None)


def parse_relevant(text: str) -> Condition | None:
    """The condition, or None when the expression is not one cchc can keep."""
    terms = [_term(_strip_parens(t)) for t in _OR.split(_strip_parens(text))]
    if not terms or any(t is None for t in terms):
        return None
    questions = {t[0] for t in terms if t}
    if len(questions) != 1:
        return None
    return Condition(questions.pop(), tuple(t[1] for t in terms if t))


def format_relevant(question: str, names: list[str], *, multiple: bool) -> str:
    if multiple:
        terms = [f"selected(${{{question}}}, '{name}')" for name in names]
    else:
        terms = [f"${{{question}}} = '{name}'" for name in names]
    return " or ".join(terms)


def _limit(operator: str, number: str) -> int:
    return int(number) - (1 if operator == "<" else 0)


def _bounds(terms: list[str]) -> Constraint | None:
    low = high = None
    for term in terms:
        match = _BOUND.match(term)
        if not match or match.group(1) in (">", "<"):
            return None
        try:
            number = Decimal(match.group(2))
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            return None
        if match.group(1) == ">=" and low is None:
            low = number
        elif match.group(1) == "<=" and high is None:
            high = number
        else:
            return None
    return Constraint(min_value=low, max_value=high)


def parse_constraint(text: str) -> Constraint | None:
    """What the constraint says, or None when it is not one cchc can keep."""
    text = _strip_parens(text)
    picks = _PICKS.match(text)
    if picks:
        return Constraint(max_picks=_limit(*picks.groups()))
    length = _LENGTH.match(text)
    if length:
        return Constraint(max_length=_limit(*length.groups()))
    terms = [_strip_parens(t) for t in _AND.split(text)]
    return _bounds(terms) if 1 <= len(terms) <= 2 else None


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def format_bounds(low: Decimal | None, high: Decimal | None) -> str:
    parts = []
    if low is not None:
        parts.append(f". >= {_number(low)}")
    if high is not None:
        parts.append(f". <= {_number(high)}")
    return " and ".join(parts)
