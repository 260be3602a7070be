"""Exports of a campaign: the indices (XLSX, a sheet per level; CSV of the unit table) and the
anonymised raw responses (CSV and XLSX, one row per valid response).

Numbers are written as numbers, hours as date-times; every text cell goes through
`safe_cell`, so an answer such as "=HYPERLINK(…)" is written with a leading apostrophe and a
spreadsheet never runs it. An index on too small a sample is left empty with the note
"insufficient sample", as on the pages.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from cchc.core.spreadsheets import safe_cell

from .answers import QuestionSpec, spec_for
from .calculations import Result
from .models import Campaign, Choice, QuestionKind, Response
from .results.figures import GroupResult
from .results.indices import CampaignResults

HOUR_FORMAT = "DD/MM/YYYY HH:MM"
Row = Sequence[object]


# --- writers ------------------------------------------------------------------------------


def _cell(sheet: WriteOnlyWorksheet, value: object) -> object:
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, value=timezone.localtime(value).replace(tzinfo=None))
        cell.number_format = HOUR_FORMAT
        return cell
    if isinstance(value, str):
        return safe_cell(value)
    return value


def workbook(sheets: Iterable[tuple[str, Row, Iterable[Row]]]) -> bytes:
    """An .xlsx with one sheet per (title, header, rows): bold frozen header, safe text."""
    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title[:31])
        sheet.freeze_panes = "A2"
        heads = []
        for text in header:
            cell = WriteOnlyCell(sheet, value=safe_cell(str(text)))
            cell.font = Font(bold=True)
            heads.append(cell)
        sheet.append(heads)
        for row in rows:
            sheet.append([_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str):
        return safe_cell(value)
    return str(value)


def csv_bytes(header: Row, rows: Iterable[Row]) -> bytes:
    """UTF-8 with a byte-order mark (Excel reads the Vietnamese letters), safe text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_csv_value(str(h)) for h in header])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- indices ------------------------------------------------------------------------------


def _shown(result: Result | None, group: GroupResult) -> Decimal | None:
    return result.value if result is not None and group.shows(result) else None


def _note(group: GroupResult) -> str:
    notes = []
    if group.insufficient:
        notes.append(_("insufficient sample"))
    if group.under_quota:
        notes.append(_("under quota"))
    return "; ".join(notes)


def _summary_header(results: CampaignResults) -> list[str]:
    elements = [f"{e.code}. {e.title}" for e in results.structure.elements]
    return [
        _("Code"),
        _("Group"),
        _("Valid responses"),
        _("Target"),
        _("Overall index (%)"),
        *elements,
        _("Note"),
    ]


def _summary_row(group: GroupResult) -> list[object]:
    return [
        group.code,
        group.label,
        group.responses,
        group.target,
        _shown(group.overall, group),
        *(_shown(e.result, group) for e in group.elements),
        _note(group),
    ]


def _criteria_rows(groups: Iterable[GroupResult]) -> Iterator[list[object]]:
    for group in groups:
        for element in group.elements:
            for c in element.criteria:
                shown = _shown(c.result, group)
                yield [
                    group.level,
                    group.label,
                    element.code,
                    c.code,
                    c.text,
                    shown,
                    c.result.low if shown is not None else None,
                    c.result.high if shown is not None else None,
                    c.result.n,
                    _note(group) or ("" if shown is not None else _("insufficient sample")),
                ]


def _expectation_rows(groups: Iterable[GroupResult]) -> Iterator[list[object]]:
    for group in groups:
        for question in group.expectations:
            for item in question.shares:
                yield [
                    group.level,
                    group.label,
                    question.code,
                    item.label,
                    _shown(item.result, group),
                    question.respondents,
                ]


def indices_xlsx(
    results: CampaignResults,
    units: Sequence[GroupResult],
    *,
    levels: Sequence[GroupResult] | None = None,
    procedures: Sequence[GroupResult] | None = None,
    weights: bool = True,
) -> bytes:
    """Province, `levels` and `procedures` (default all) and `units` (a sheet each), then
    criteria, expectations, the weights (when weighted and `weights`) and the method."""
    header = _summary_header(results)
    levels = results.levels if levels is None else levels
    procedures = results.procedures if procedures is None else procedures
    groups = [results.province, *levels, *procedures, *units]
    sheets: list[tuple[str, Row, Iterable[Row]]] = [
        (_("Province"), header, [_summary_row(results.province)]),
        (_("Levels"), header, [_summary_row(g) for g in levels]),
        (_("Procedures"), header, [_summary_row(g) for g in procedures]),
        (_("Units"), header, [_summary_row(g) for g in units]),
        (_("Criteria"), _criteria_header(), _criteria_rows(groups)),
        (_("Expectations"), _expectation_header(), _expectation_rows(groups)),
    ]
    weighting = results.province.weighting
    if weighting is not None and weights:
        rows = [[w.unit_name, w.population, w.share] for w in weighting.weights]
        sheets.append((_("Weights"), [_("Unit"), _("Population N"), _("Weight")], rows))
    sheets.append((_("Method"), [_("Method")], [[results.method_statement]]))
    return workbook(sheets)


def _criteria_header() -> list[str]:
    return [
        _("Level"),
        _("Group"),
        _("Element"),
        _("Criterion"),
        _("Question"),
        _("Index (%)"),
        _("95 % interval from"),
        _("95 % interval to"),
        _("Valid answers"),
        _("Note"),
    ]


def _expectation_header() -> list[str]:
    return [
        _("Level"),
        _("Group"),
        _("Question"),
        _("Item"),
        _("Share (%)"),
        _("Respondents answering"),
    ]


def units_csv(results: CampaignResults, units: Sequence[GroupResult]) -> bytes:
    """The unit table as CSV."""
    return csv_bytes(_summary_header(results), (_summary_row(g) for g in units))


# --- raw responses ------------------------------------------------------------------------


def _choice_names(campaign: Campaign) -> dict[tuple[str, int], str]:
    rows = Choice.objects.filter(question__version_id=campaign.version_id).values_list(
        "question__code", "value", "name"
    )
    return {(code, value): name for code, value, name in rows}


def _answer(q: QuestionSpec, raw: Any, names: dict[tuple[str, int], str], labels: bool) -> Any:
    if raw is None or raw == "" or raw == []:
        return None
    if q.kind == QuestionKind.NUMBER:
        try:
            return Decimal(str(raw))
        except ArithmeticError:
            return str(raw)
    if not q.is_discrete:
        return str(raw)

    def one(value: int) -> str:
        if labels:
            return str(q.values.get(int(value), value))
        return names.get((q.code, int(value)), str(value))

    if isinstance(raw, list):
        return " ".join(one(v) for v in raw)
    return one(raw)


def responses_header(campaign: Campaign, *, include_invalid: bool = False) -> list[str]:
    spec = spec_for(campaign.version)
    head = [_("Campaign"), _("Unit code"), _("Procedure"), _("Channel"), _("Hour")]
    if include_invalid:
        head += [_("Valid"), _("Reason for invalidation")]
    return head + [q.code for q in spec.questions]


def response_rows(
    campaign: Campaign,
    responses: QuerySet[Response],
    *,
    labels: bool = False,
    include_invalid: bool = False,
) -> Iterator[list[object]]:
    """One row per response (valid only unless `include_invalid`), oldest first."""
    spec = spec_for(campaign.version)
    names = {} if labels else _choice_names(campaign)
    if not include_invalid:
        responses = responses.filter(is_valid=True)
    rows = responses.order_by("submitted_hour", "pk").values_list(
        "unit__code", "procedure_code", "channel", "submitted_hour", "is_valid",
        "invalid_reason", "answers",
    )  # fmt: skip
    for unit_code, procedure, channel, hour, valid, reason, answers in rows.iterator(2000):
        row: list[object] = [campaign.code, unit_code, procedure, channel, hour]
        if include_invalid:
            row += [_("yes") if valid else _("no"), reason]
        row += [_answer(q, answers.get(q.code), names, labels) for q in spec.questions]
        yield row


def responses_csv(campaign: Campaign, responses: QuerySet[Response], **options: bool) -> bytes:
    header = responses_header(campaign, include_invalid=options.get("include_invalid", False))
    return csv_bytes(header, response_rows(campaign, responses, **options))


def responses_xlsx(campaign: Campaign, responses: QuerySet[Response], **options: bool) -> bytes:
    header = responses_header(campaign, include_invalid=options.get("include_invalid", False))
    rows = response_rows(campaign, responses, **options)
    return workbook([(_("Responses"), header, rows)])
