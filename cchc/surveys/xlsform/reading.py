"""An XLSForm workbook (from KoboToolbox, ODK or cchc) read into a `FormDraft`.

What is understood (see `writing` for cchc's own columns, read back for an identical copy):

- types ``select_one L``, ``select_multiple L``, ``integer``, ``decimal`` (both become a
  number question), ``text``, ``begin_group`` / ``end_group`` (a section; groups do not
  nest), ``note`` (inside a group it becomes the section's description; outside one it is
  kept in the version's notes and listed as a notice);
- metadata rows (start, end, today, deviceid, username, audit, ...) are not questions: they
  are skipped and listed as notices (cchc records nothing about the device);
- columns required (yes/no), relevant and constraint as `expressions` explains, hint,
  appearance (display only, not kept); messages (constraint_message, required_message),
  media and columns starting with "$" are not kept and listed as notices;
- a select question's choices come from its list: values are `cchc_value` when given, else
  the names when they are all whole numbers from 1, else the order (1, 2, 3...).

Everything else - repeat groups, calculate, geopoint, image, unknown types, choice_filter,
default, read_only, "or_other", expressions cchc cannot keep - is a problem named by
sheet, row and column; with any problem the whole import is refused (see the service).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO

from django.utils.translation import gettext as _

from cchc.core.spreadsheets import ImportProblem

from .expressions import Condition
from .sheets import Row, Sheet, WorkbookUnreadable, read_sheets
from .spec import ChoiceDraft, FormDraft, QuestionDraft
from .survey_rows import SurveyReader

CHOICE_COLUMNS = frozenset({"list_name", "list name", "name", "label", "cchc_value"})


@dataclass
class XLSFormFile:
    file: str
    form: FormDraft
    form_id: str = ""
    version: str = ""
    problems: list[ImportProblem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def read_xlsform(stream: IO[bytes], *, file: str) -> XLSFormFile:
    """Read the workbook; `problems` lists everything that stops the import."""
    result = XLSFormFile(file=file, form=FormDraft(title=""))
    try:
        sheets = read_sheets(stream, file=file, problems=result.problems)
    except WorkbookUnreadable:
        reason = _("The file is not an XLSForm workbook that can be read (.xlsx).")
        result.problems.append(ImportProblem(file, None, "", reason))
        return result
    if "survey" not in sheets:
        reason = _("The workbook has no “survey” sheet.")
        result.problems.append(ImportProblem(file, None, "survey", reason))
        return result
    choices = _read_choices(sheets.get("choices"), result)
    reader = SurveyReader(file, choices, result.problems, result.notices)
    reader.read(sheets["survey"])
    _resolve_conditions(reader, result.problems, file)
    result.form = FormDraft(title="", sections=reader.sections, questions=reader.questions)
    _read_settings(sheets.get("settings"), result)
    for sheet in sheets.values():
        for language in sheet.dropped_languages:
            result.notices.append(
                _("Sheet %(sheet)s: the column %(column)s was not kept (one language only).")
                % {"sheet": sheet.name, "column": language}
            )
    return result


# Choices -------------------------------------------------------------------------------------


def _missing_columns(sheet: Sheet, needed: list[str], file: str) -> list[ImportProblem]:
    present = set(sheet.columns)
    return [
        ImportProblem(
            file, 1, f"{sheet.name}!{name}", _("The column “%(c)s” is missing.") % {"c": name}
        )
        for name in needed
        if name not in present
    ]


def _read_choices(sheet: Sheet | None, result: XLSFormFile) -> dict[str, list[ChoiceDraft]]:
    if sheet is None:
        return {}
    list_column = "list name" if "list name" in sheet.columns else "list_name"
    missing = _missing_columns(sheet, [list_column, "name", "label"], result.file)
    if missing:
        result.problems.extend(missing)
        return {}
    rows: dict[str, list[Row]] = {}
    extra: set[str] = set()
    for row in sheet.rows:
        extra.update(c for c in row.filled() if c not in CHOICE_COLUMNS)
        list_name = row.text(list_column)
        if not list_name:
            reason = _("The choice has no list name.")
            result.problems.append(
                ImportProblem(result.file, row.number, "choices!list_name", reason)
            )
            continue
        rows.setdefault(list_name, []).append(row)
    for column in sorted(extra):
        result.notices.append(
            _("Sheet choices: the column %(column)s was not kept.") % {"column": column}
        )
    return {name: _choices_of(list_rows, result) for name, list_rows in rows.items()}


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() and not text.startswith("0") else None


def _choices_of(rows: list[Row], result: XLSFormFile) -> list[ChoiceDraft]:
    names = [row.text("name") for row in rows]
    given = [row.text("cchc_value") for row in rows]
    numeric = [_int(n) for n in names]
    choices = []
    for position, row in enumerate(rows, start=1):
        value: int | None = position
        if any(given):
            value = _int(given[position - 1])
            if value is None:
                reason = _("cchc_value is a whole number from 1.")
                result.problems.append(
                    ImportProblem(result.file, row.number, "choices!cchc_value", reason)
                )
                value = 0
        elif all(numeric):
            value = numeric[position - 1]
        choices.append(
            ChoiceDraft(
                value=value or 0, name=names[position - 1], label=row.words("label"), row=row.number
            )
        )
    return choices


# Conditions and settings ----------------------------------------------------------------------


def _resolve_conditions(reader: SurveyReader, problems: list[ImportProblem], file: str) -> None:
    by_code = {q.code: q for q in reader.questions}
    for question, condition, row in reader.conditions:
        question.show_if = condition.question
        source = by_code.get(condition.question)
        if source is None:
            continue  # the draft's check names it: not an earlier question
        values = _condition_values(source, condition)
        unknown = [name for name, value in values if value is None]
        if unknown:
            reason = _("“%(code)s” has no choice named %(names)s.") % {
                "code": source.code,
                "names": ", ".join(unknown),
            }
            problems.append(ImportProblem(file, row.number, "survey!relevant", reason))
        question.show_if_values = [v for _name, v in values if v is not None]


def _condition_values(source: QuestionDraft, condition: Condition) -> list[tuple[str, int | None]]:
    if source.choices:
        names = {c.name: c.value for c in source.choices}
        return [(name, names.get(name)) for name in condition.names]
    allowed = source.values()
    return [(n, int(n) if n.isdigit() and int(n) in allowed else None) for n in condition.names]


def _read_settings(sheet: Sheet | None, result: XLSFormFile) -> None:
    row = sheet.rows[0] if sheet and sheet.rows else Row(0, {})
    result.form_id = row.text("form_id")
    result.version = row.text("version")
    result.form.title = row.words("form_title") or result.form_id
    result.form.notes = row.words("cchc_notes")
