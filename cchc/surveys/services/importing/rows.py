"""Checking an imported table: what each header names, then every row on its own."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.spreadsheets import ImportProblem, cell_text

from ...answers import AnswersInvalid, VersionSpec, clean_answers
from ...models import Campaign, CampaignUnit, QuestionKind
from .table import parse_moment

UNIT_COLUMNS = ("unit", "unit_code", "don_vi")
PROCEDURE_COLUMNS = ("procedure", "procedure_code", "thu_tuc")
TIME_COLUMNS = ("end", "_submission_time", "today")  # in order of preference
UTC_COLUMNS = frozenset({"_submission_time"})  # Kobo writes these in UTC without an offset
KOBO_META = frozenset(
    {
        "start",
        "end",
        "today",
        "deviceid",
        "subscriberid",
        "simserial",
        "phonenumber",
        "username",
        "email",
        "audit",
        "instanceid",
        "instancename",
        "rootuuid",
        "deprecatedid",
        "uuid",
    }
)
KOBO_META_GROUPS = ("meta/", "formhub/")
TRUE_CELLS = frozenset({"1", "true", "x", "yes"})
FALSE_CELLS = frozenset({"", "0", "false", "no"})


@dataclass(frozen=True)
class IgnoredColumn:
    name: str
    reason: str


@dataclass
class ImportReport:
    """What an import did or why it was refused (`problems`: then nothing was saved)."""

    file: str
    batch: str = ""
    rows: int = 0
    imported: int = 0
    by_unit: dict[str, int] = field(default_factory=dict)
    ignored: list[IgnoredColumn] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Columns:
    unit: int | None = None
    procedure: int | None = None
    times: list[tuple[int, str]] = field(default_factory=list)
    questions: dict[str, int] = field(default_factory=dict)
    split: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # code: (col, name)


@dataclass
class Row:
    number: int
    target: CampaignUnit
    procedure: str
    answers: dict[str, Any]
    submitted_at: datetime.datetime | None


def refused(report: ImportReport, reason: str) -> ImportReport:
    """The report with a problem of the whole file (no row, no column)."""
    report.problems.append(ImportProblem(report.file, None, "", reason))
    return report


def check_rows(
    campaign: Campaign,
    spec: VersionSpec,
    report: ImportReport,
    allowed: dict[int, CampaignUnit],
    table: list[list[Any]],
) -> list[Row]:
    """The rows ready to save; every problem found goes into `report`."""
    return _Checker(campaign, spec, report, allowed).check(table)


# Checking the header ---------------------------------------------------------------------


def _columns(spec: VersionSpec, header: Sequence[str], report: ImportReport) -> _Columns:
    columns = _Columns()
    for index, name in enumerate(header):
        if name:
            _place(spec, columns, index, name, report)
    for code in list(columns.split):
        if code in columns.questions:  # the combined column is there: it wins
            for index, _name in columns.split.pop(code):
                reason = _("the combined column %(code)s is used") % {"code": code}
                report.ignored.append(IgnoredColumn(header[index], reason))
    if not columns.questions and not columns.split:
        refused(report, _no_question_message(spec))
    elif columns.unit is None:
        message = _("The file has no unit column (one of: %(names)s).")
        refused(report, message % {"names": ", ".join(UNIT_COLUMNS)})
    return columns


def _no_question_message(spec: VersionSpec) -> str:
    codes = ", ".join(q.code for q in spec.questions[:5])
    return _(
        "No column is named after a question of the questionnaire (for example %(codes)s); "
        "export the data with XML names as headers, not labels."
    ) % {"codes": codes}


def _place(
    spec: VersionSpec, columns: _Columns, index: int, name: str, report: ImportReport
) -> None:
    """Decide what one header names; anything unused is listed as ignored."""
    path = [part for part in name.split("/") if part] or [name]
    last, key = path[-1], path[-1].lower()
    if key in TIME_COLUMNS:  # the hour of the response, not a question
        columns.times.append((index, key))
    elif key in UNIT_COLUMNS and columns.unit is None:
        columns.unit = index
    elif key in PROCEDURE_COLUMNS and columns.procedure is None:
        columns.procedure = index
    elif last in spec.by_code and last not in columns.questions:
        columns.questions[last] = index
    elif _is_split(spec, path):
        columns.split.setdefault(path[-2], []).append((index, last))
    elif _is_meta(name, key):
        report.ignored.append(IgnoredColumn(name, _("KoboToolbox information")))
    else:
        report.ignored.append(IgnoredColumn(name, _("no question has this code")))


def _is_split(spec: VersionSpec, path: list[str]) -> bool:
    if len(path) < 2:
        return False
    q = spec.by_code.get(path[-2])
    return q is not None and q.kind == QuestionKind.MULTIPLE and path[-1] in q.names


def _is_meta(name: str, key: str) -> bool:
    return key.startswith("_") or key in KOBO_META or name.lower().startswith(KOBO_META_GROUPS)


# Checking the rows -----------------------------------------------------------------------


@dataclass
class _Checker:
    """Checks each row of a table against the campaign; problems go into the report."""

    campaign: Campaign
    spec: VersionSpec
    report: ImportReport
    allowed: dict[int, CampaignUnit]
    header: list[str] = field(default_factory=list)
    columns: _Columns = field(default_factory=_Columns)
    units: dict[str, CampaignUnit] = field(default_factory=dict)

    def check(self, table: list[list[Any]]) -> list[Row]:
        if not table:
            refused(self.report, _("The file is empty."))
            return []
        self.header = [cell_text(h) for h in table[0]]
        self.columns = _columns(self.spec, self.header, self.report)
        if self.report.problems:
            return []
        self.units = _unit_lookup(self.campaign)
        rows = []
        for number, cells in enumerate(table[1:], start=2):
            if all(cell_text(c) == "" for c in cells):
                continue
            self.report.rows += 1
            row = self.row(number, cells)
            if row is not None:
                rows.append(row)
        if not self.report.rows:
            refused(self.report, _("The file has a header but no rows."))
        return rows

    def row(self, number: int, cells: Sequence[Any]) -> Row | None:
        before = len(self.report.problems)
        target = self.unit(number, cells)
        procedure = self.procedure(number, cells)
        raw: dict[str, Any] = {
            code: _answer(_cell(cells, i)) for code, i in self.columns.questions.items()
        }
        raw.update(self.split_answers(number, cells))
        submitted_at = self.moment(number, cells)
        try:
            answers = clean_answers(self.spec, raw, unknown_is_error=False)
            if not answers:
                raise AnswersInvalid({"": [_("The row answers no question.")]})
        except AnswersInvalid as exc:
            add_problems(self.report, number, exc, self.column_of)
            return None
        if len(self.report.problems) > before or target is None:
            return None
        return Row(number, target, procedure, answers, submitted_at)

    def column_of(self, code: str) -> str:
        index = self.columns.questions.get(code)
        return self.header[index] if index is not None else code

    def problem(self, number: int, index: int | None, reason: str) -> None:
        column = self.header[index] if index is not None else ""
        self.report.problems.append(ImportProblem(self.report.file, number, column, reason))

    def unit(self, number: int, cells: Sequence[Any]) -> CampaignUnit | None:
        index = self.columns.unit
        code = cell_text(_cell(cells, index))
        target = self.units.get(code.lower()) if code else None
        if not code:
            self.problem(number, index, _("The unit is missing."))
        elif target is None:
            reason = _("“%(code)s” is not a unit of this survey.") % {"code": code[:40]}
            self.problem(number, index, reason)
        elif target.unit_id not in self.allowed:
            reason = _("You may not enter responses for %(unit)s.") % {"unit": target.unit.name}
            self.problem(number, index, reason)
            return None
        return target

    def procedure(self, number: int, cells: Sequence[Any]) -> str:
        code = cell_text(_cell(cells, self.columns.procedure))
        known = {p.get("code") for p in self.campaign.procedures}
        if code and self.campaign.procedures and code not in known:
            reason = _("This procedure is not part of the survey.")
            self.problem(number, self.columns.procedure, reason)
        return code

    def split_answers(self, number: int, cells: Sequence[Any]) -> dict[str, list[str]]:
        """Kobo's split multiple-choice columns (1 picked; 0 or blank not) as lists of names."""
        answers: dict[str, list[str]] = {}
        for code, parts in self.columns.split.items():
            answers[code] = []
            for index, name in parts:
                flag = cell_text(_cell(cells, index)).lower().removesuffix(".0")
                if flag in TRUE_CELLS:
                    answers[code].append(name)
                elif flag not in FALSE_CELLS:
                    self.problem(number, index, _("Write 1 (picked) or 0 (not picked)."))
        return answers

    def moment(self, number: int, cells: Sequence[Any]) -> datetime.datetime | None:
        """The first time column filled in, by preference; None means the time of import."""
        filled = [
            (index, key)
            for index, key in sorted(self.columns.times, key=lambda t: TIME_COLUMNS.index(t[1]))
            if cell_text(_cell(cells, index))
        ]
        if not filled:
            return None
        index, key = filled[0]
        moment = parse_moment(_cell(cells, index), utc=key in UTC_COLUMNS)
        if moment is None:
            self.problem(number, index, _("This is not a date and time."))
        elif moment > timezone.now():
            self.problem(number, index, _("This time is in the future."))
            return None
        return moment


def _unit_lookup(campaign: Campaign) -> dict[str, CampaignUnit]:
    """Unit code and campaign-unit short code (case ignored) to the campaign's unit."""
    lookup: dict[str, CampaignUnit] = {}
    for cu in campaign.surveyed_units.select_related("unit", "campaign"):
        if cu.unit.code:
            lookup.setdefault(cu.unit.code.lower(), cu)
        lookup.setdefault(cu.code.lower(), cu)
    return lookup


def _cell(cells: Sequence[Any], index: int | None) -> Any:
    if index is None or index >= len(cells):
        return None
    return cells[index]


def _answer(raw: Any) -> Any:
    if isinstance(raw, datetime.datetime | datetime.date):
        return raw.isoformat()
    return cell_text(raw)


def add_problems(
    report: ImportReport, number: int, exc: AnswersInvalid, column_of: Callable[[str], str]
) -> None:
    for code, messages in exc.problems.items():
        for message in messages:
            report.problems.append(
                ImportProblem(report.file, number, column_of(code) if code else "", str(message))
            )
