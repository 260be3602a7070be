"""Exports of the boards, filtered as on screen: the task status table (XLSX) and the
quarterly progress annex (.docx, Decree 30/2020 layout).

Each export is data rows plus a renderer (STYLE.md §7.10): `status_rows` and
`annex_rows` say what the export contains; `cchc.reports` says how it looks.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.reports.decree30 import GroupRow, OfficialDocument, Table
from cchc.reports.xlsx import table_xlsx
from cchc.units.models import Unit

from .calculations import Status, reporting_figures
from .documents import issuing_bodies
from .models import STATUS_LABELS, Assignment, Plan

CHUNK = 2_000
STATUS_WIDTHS = (6, 28, 10, 60, 32, 14, 12, 13, 13, 24, 10, 13)
# The official document is Vietnamese whatever the interface language (Government
# Office reporting taxonomy, domain README §4).
OFFICIAL_STATUS = {
    Status.ON_TIME: "Hoàn thành đúng hạn",
    Status.LATE: "Hoàn thành trễ hạn",
    Status.WITHIN_TERM: "Chưa hoàn thành, trong hạn",
    Status.OVERDUE: "Chưa hoàn thành, quá hạn",
    Status.CANCELLED: "Đã hủy",
}
ANNEX_COLUMNS = (
    "STT",
    "Nhiệm vụ",
    "Cơ quan chủ trì",
    "Sản phẩm",
    "Thời hạn",
    "Tình hình thực hiện",
    "Ghi chú",
)
ANNEX_WIDTHS = (12, 80, 38, 38, 24, 34, 30)
ROMAN_QUARTERS = {1: "I", 2: "II", 3: "III", 4: "IV"}


FIELDS = (
    "task__plan_id",
    "task__area__position",
    "task__area__code",
    "task__area__name",
    "task__code",
    "task__content",
    "task__expected_output",
    "task__deadline_text",
    "unit__name",
    "role",
    "period_label",
    "period_start",
    "deadline",
    "original_deadline",
    "status",
    "progress_percent",
    "completed_on",
)


def _values(assignments: QuerySet[Assignment]) -> Iterator[dict[str, Any]]:
    """The fields the exports need, with the computed status, streamed in chunks.

    Plain values rather than model instances: the `status` annotation of `with_status()`
    would clash with the `Assignment.status` property.
    """
    if "status" not in assignments.query.annotations:
        assignments = assignments.with_status()  # type: ignore[attr-defined]
    return assignments.values(*FIELDS).iterator(chunk_size=CHUNK)


# The task status table ------------------------------------------------------------------


def status_columns() -> list[str]:
    return [
        _("No."),
        _("Reform area"),
        _("Task code"),
        _("Task"),
        _("Unit"),
        _("Role"),
        _("Period"),
        _("Deadline"),
        _("Original deadline"),
        _("Status"),
        _("Progress %"),
        _("Completed on"),
    ]


def status_rows(assignments: QuerySet[Assignment]) -> Iterator[list[object]]:
    """One row per assignment, in the queryset's order."""
    for number, a in enumerate(_values(assignments), start=1):
        yield [
            number,
            f"{a['task__area__code']}. {a['task__area__name']}",
            a["task__code"],
            a["task__content"],
            a["unit__name"],
            str(Assignment.Role(a["role"]).label),
            a["period_label"],
            a["deadline"],
            a["original_deadline"],
            str(STATUS_LABELS[Status(a["status"])]),
            a["progress_percent"],
            a["completed_on"],
        ]


def task_status_xlsx(assignments: QuerySet[Assignment]) -> bytes:
    """The task status table as .xlsx (dates dd/mm/yyyy; formula injection neutralised)."""
    return table_xlsx(
        title=_("Task status"),
        columns=status_columns(),
        rows=status_rows(assignments),
        widths=STATUS_WIDTHS,
    )


# The quarterly progress annex -------------------------------------------------------------


@dataclass(frozen=True)
class QuarterlyRow:
    """One assignment as the quarterly annex shows it."""

    plan_id: int
    area_position: int
    area_code: str
    area_name: str
    task_code: str
    content: str
    unit: str
    is_coordinating: bool
    expected_output: str
    deadline: datetime.date
    original_deadline: datetime.date
    deadline_text: str
    period_label: str
    period_start: datetime.date | None
    status: Status
    progress_percent: int
    completed_on: datetime.date | None


def annex_rows(assignments: QuerySet[Assignment]) -> list[QuarterlyRow]:
    """The rows of the quarterly annex from the (filtered) assignments."""
    return [
        QuarterlyRow(
            plan_id=a["task__plan_id"],
            area_position=a["task__area__position"],
            area_code=a["task__area__code"],
            area_name=a["task__area__name"],
            task_code=a["task__code"],
            content=a["task__content"],
            unit=a["unit__name"],
            is_coordinating=a["role"] == Assignment.Role.COORDINATING,
            expected_output=a["task__expected_output"],
            deadline=a["deadline"],
            original_deadline=a["original_deadline"],
            deadline_text=a["task__deadline_text"],
            period_label=a["period_label"],
            period_start=a["period_start"],
            status=Status(a["status"]),
            progress_percent=a["progress_percent"],
            completed_on=a["completed_on"],
        )
        for a in _values(assignments)
    ]


def quarter_end(year: int, quarter: int) -> datetime.date:
    month = quarter * 3
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def in_quarter(row: QuarterlyRow, *, plan: Plan, year: int, quarter: int) -> bool:
    """The plan's assignments, except occurrences of periods that start after the quarter."""
    starts = row.period_start
    return row.plan_id == plan.pk and (starts is None or starts <= quarter_end(year, quarter))


def _code_order(code: str) -> tuple[tuple[int, int | str], ...]:
    """Task numbers in natural order: 2 before 10, 1.2 before 1.10."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[.\s]", code))


def _row_order(row: QuarterlyRow) -> tuple[object, ...]:
    return (row.area_position, row.area_code, _code_order(row.task_code), row.period_label)


def _annex_cells(row: QuarterlyRow) -> list[str]:
    unit = f"{row.unit} (phối hợp)" if row.is_coordinating else row.unit
    deadline = f"{row.deadline:%d/%m/%Y}"
    if row.period_label:
        deadline = f"Kỳ {row.period_label}: {deadline}"
    notes = []
    if row.deadline != row.original_deadline:
        notes.append(f"Gia hạn từ {row.original_deadline:%d/%m/%Y}")
    if row.completed_on:
        notes.append(f"Hoàn thành ngày {row.completed_on:%d/%m/%Y}")
    status = f"{OFFICIAL_STATUS[row.status]} ({row.progress_percent}%)"
    return [
        row.task_code,
        row.content,
        unit,
        row.expected_output,
        deadline,
        status,
        "; ".join(notes),
    ]


def annex_table(rows: list[QuarterlyRow]) -> Table:
    """The annex table: one merged heading row per area, then its assignments."""
    lines: list[list[str] | GroupRow] = []
    for (_position, code, name), group in groupby(
        rows, key=lambda r: (r.area_position, r.area_code, r.area_name)
    ):
        lines.append(GroupRow(f"{code}. {name.upper()}"))
        lines.extend(_annex_cells(row) for row in group)
    return Table(columns=ANNEX_COLUMNS, rows=lines, widths_mm=ANNEX_WIDTHS)


def annex_summary(rows: Iterable[QuarterlyRow]) -> str:
    """The figures line: due, on time, late, within term, overdue (cancelled excluded)."""
    figures = reporting_figures(row.status for row in rows)
    share = figures.share_completed
    completed = f"{share}%".replace(".", ",") if share is not None else "-"
    return (
        f"Tổng số nhiệm vụ: {figures.assigned}; đến hạn: {figures.due}, trong đó hoàn thành "
        f"đúng hạn: {figures.on_time}, hoàn thành trễ hạn: {figures.late}, chưa hoàn thành "
        f"quá hạn: {figures.overdue}; chưa đến hạn (trong hạn): {figures.within_term}. "
        f"Tỷ lệ hoàn thành nhiệm vụ đến hạn: {completed}."
    )


def quarterly_annex_docx(
    *,
    plan: Plan,
    year: int,
    quarter: int,
    rows: list[QuarterlyRow],
    issuing_unit: Unit | None = None,
    issued_on: datetime.date | None = None,
) -> bytes:
    """The quarterly progress annex (.docx, landscape) of `plan`, grouped by area."""
    chosen = sorted(
        (r for r in rows if in_quarter(r, plan=plan, year=year, quarter=quarter)), key=_row_order
    )
    superior, issuer = issuing_bodies(issuing_unit or plan.issuing_unit)
    title = (
        "PHỤ LỤC TÌNH HÌNH THỰC HIỆN KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH "
        f"QUÝ {ROMAN_QUARTERS[quarter]}/{year}"
    )
    document = OfficialDocument(
        superior_body=superior,
        issuing_body=issuer,
        number_symbol="",
        place=settings.PROVINCE_NAME,
        date=issued_on or timezone.localdate(),
        doc_type=title,
        subject=f"Kế hoạch số {plan.number}: {plan.title}",
        body_paragraphs=[annex_summary(chosen), annex_table(chosen)],
        recipients=[],
        signer_position="",
        signer_name="",
        landscape=True,
    )
    return document.to_docx()
