"""A questionnaire draft written as an XLSForm workbook (KoboToolbox / ODK can import it).

Sheets and columns:

- ``survey``: type, name, label::Vietnamese (vi), hint::Vietnamese (vi), required (yes/no),
  relevant, constraint, appearance, then cchc's own columns (ignored by Kobo, read back by
  cchc so that export then import gives the same questionnaire): cchc_kind, cchc_scale,
  cchc_index_role, cchc_max_picks, cchc_uncertain, cchc_note;
- ``choices``: list_name, name, label::Vietnamese (vi), cchc_value;
- ``settings``: form_title, form_id, version, default_language, cchc_notes.

A section is a group (begin_group / end_group); its description is a note row right after
``begin_group``. Choice and multiple-choice questions have their own list (named after the
question); a scale question without its own choices uses the shared scale list
(``cchc_satisfaction_5``, ``cchc_agreement_5``, ``cchc_agree_disagree``) with the Vietnamese
labels of the reference form. Numbers are written as ``decimal`` (cchc does not tell whole
numbers apart). Every text cell goes through `safe_cell` (no formula injection).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from cchc.core.spreadsheets import safe_cell

from ..calculations import AssessmentScale
from ..models import QuestionKind
from .expressions import format_bounds, format_relevant
from .spec import FormDraft, QuestionDraft, SectionDraft

LANGUAGE = "Vietnamese (vi)"
LABEL = f"label::{LANGUAGE}"
HINT = f"hint::{LANGUAGE}"
SURVEY_COLUMNS = [
    "type", "name", LABEL, HINT, "required", "relevant", "constraint", "appearance",
    "cchc_kind", "cchc_scale", "cchc_index_role", "cchc_max_picks", "cchc_uncertain",
    "cchc_note",
]  # fmt: skip
CHOICE_COLUMNS = ["list_name", "name", LABEL, "cchc_value"]
SETTINGS_COLUMNS = ["form_title", "form_id", "version", "default_language", "cchc_notes"]

# The shared scale lists: (list name, [(value, label)]) - wording of the reference form.
SCALE_LISTS: dict[str, list[tuple[int, str]]] = {
    "cchc_satisfaction_5": [
        (1, "Rất không hài lòng"),
        (2, "Không hài lòng"),
        (3, "Bình thường"),
        (4, "Hài lòng"),
        (5, "Rất hài lòng"),
    ],
    "cchc_agreement_5": [
        (1, "Rất không đồng ý"),
        (2, "Không đồng ý"),
        (3, "Bình thường"),
        (4, "Đồng ý"),
        (5, "Rất đồng ý"),
    ],
    "cchc_agree_disagree": [(1, "Không đồng ý"), (2, "Đồng ý")],
}


def scale_list(q: QuestionDraft) -> str:
    """The shared list a scale question without its own choices uses ("" for none)."""
    if q.choices:
        return ""
    if q.kind == QuestionKind.SATISFACTION:
        return "cchc_satisfaction_5"
    if q.kind == QuestionKind.ASSESSMENT:
        if q.scale == AssessmentScale.AGREE_DISAGREE:
            return "cchc_agree_disagree"
        return "cchc_agreement_5"
    return ""


def _cell(value: Any) -> Any:
    return safe_cell(value) if isinstance(value, str) else value


def _append(sheet: Worksheet, values: list[Any]) -> None:
    sheet.append([_cell(v) for v in values])


def _type(q: QuestionDraft) -> str:
    if q.kind == QuestionKind.NUMBER:
        return "decimal"
    if q.kind == QuestionKind.TEXT:
        return "text"
    list_name = scale_list(q) or q.code
    prefix = "select_multiple" if q.kind == QuestionKind.MULTIPLE else "select_one"
    return f"{prefix} {list_name}"


def _constraint(q: QuestionDraft) -> str:
    if q.kind == QuestionKind.MULTIPLE and q.max_picks:
        return f"count-selected(.) <= {q.max_picks}"
    if q.kind == QuestionKind.NUMBER:
        return format_bounds(q.min_value, q.max_value)
    if q.kind == QuestionKind.TEXT:
        return f"string-length(.) <= {q.max_length}"
    return ""


def _relevant(q: QuestionDraft, by_code: dict[str, QuestionDraft]) -> str:
    source = by_code.get(q.show_if)
    if source is None:
        return ""
    names = {c.value: c.name for c in source.choices}
    picked = [names.get(v, str(v)) for v in q.show_if_values]
    return format_relevant(source.code, picked, multiple=source.kind == QuestionKind.MULTIPLE)


def _question_row(q: QuestionDraft, by_code: dict[str, QuestionDraft]) -> list[Any]:
    scale_like = q.kind in (QuestionKind.SATISFACTION, QuestionKind.ASSESSMENT)
    return [
        _type(q), q.code, q.text, q.hint, "yes" if q.required else "no", _relevant(q, by_code),
        _constraint(q), "likert" if scale_like else "", q.kind, q.scale, q.index_role,
        q.max_picks if q.max_picks is not None else "", "yes" if q.uncertain else "", q.note,
    ]  # fmt: skip


def _survey_rows(form: FormDraft) -> Iterator[list[Any]]:
    """Questions in order, grouped by section; sections without questions where they stand."""
    by_code = {q.code: q for q in form.questions}
    names = {s.code for s in form.sections} | set(by_code)
    pending = list(form.sections)
    current = ""
    for q in form.questions:
        if q.section != current:
            if current:
                yield ["end_group", current]
            current = q.section
            while current and pending:
                section = pending.pop(0)
                yield from _begin(section, names)
                if section.code == current:
                    break
                yield ["end_group", section.code]
        yield _question_row(q, by_code)
    if current:
        yield ["end_group", current]
    for section in pending:
        yield from _begin(section, names)
        yield ["end_group", section.code]


def _begin(section: SectionDraft, names: set[str]) -> Iterator[list[Any]]:
    yield ["begin_group", section.code, section.title]
    if section.description:
        note = f"{section.code}_intro"
        while note in names:
            note += "_"
        names.add(note)
        yield ["note", note, section.description]


def _choice_rows(form: FormDraft) -> Iterator[list[Any]]:
    used_scales: list[str] = []
    for q in form.questions:
        for choice in q.choices:
            yield [q.code, choice.name, choice.label, choice.value]
        name = scale_list(q)
        if name and name not in used_scales:
            used_scales.append(name)
    for name in used_scales:
        for value, label in SCALE_LISTS[name]:
            yield [name, str(value), label, value]


def write_xlsform(form: FormDraft, *, form_id: str, version: str) -> bytes:
    """The workbook's bytes."""
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    _append(survey, SURVEY_COLUMNS)
    for row in _survey_rows(form):
        _append(survey, row)
    choices = book.create_sheet("choices")
    _append(choices, CHOICE_COLUMNS)
    for row in _choice_rows(form):
        _append(choices, row)
    settings = book.create_sheet("settings")
    _append(settings, SETTINGS_COLUMNS)
    _append(settings, [form.title, form_id, version, LANGUAGE, form.notes])
    for sheet, widths in ((survey, (24, 24, 60, 30)), (choices, (24, 16, 50))):
        for letter, width in zip("ABCD", widths, strict=False):
            sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
