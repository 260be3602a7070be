"""Official documents of the plans app, generated as Word files in the Decree 30/2020 layout.

The text of an official document is Vietnamese whatever the interface language, so the
fixed phrases here are not translated.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from django.conf import settings

from cchc.reports.decree30 import OfficialDocument, Table
from cchc.units.models import Unit

from .models import Assignment, UrgingNotice

DEFAULT_URGING_SUBJECT = "V/v đôn đốc thực hiện nhiệm vụ cải cách hành chính"
URGING_TABLE_COLUMNS = (
    "STT",
    "Mã nhiệm vụ",
    "Nội dung nhiệm vụ",
    "Cơ quan thực hiện",
    "Thời hạn",
    "Số ngày quá hạn",
)
URGING_TABLE_WIDTHS = (12, 17, 58, 35, 25, 18)
_LOCAL_GOVERNMENT = (Unit.Kind.PROVINCE, Unit.Kind.DISTRICT, Unit.Kind.COMMUNE)


def issuing_bodies(unit: Unit) -> tuple[str, str]:
    """Return (superior body, issuing body) in capitals for the header of `unit`'s documents.

    A department of the province: ("UBND TỈNH AN GIANG", "SỞ NỘI VỤ") — Appendix I of
    Decree 30/2020 lets the superior body abbreviate "Ủy ban nhân dân" to "UBND"; a
    People's Committee has no superior line: ("", "ỦY BAN NHÂN DÂN TỈNH AN GIANG").
    """
    if unit.kind in _LOCAL_GOVERNMENT:
        return "", f"ỦY BAN NHÂN DÂN {unit.name}".upper()
    parent = unit.parent
    if parent is None or parent.kind not in _LOCAL_GOVERNMENT:
        return "", unit.name.upper()
    return f"UBND {parent.name}".upper(), _without_province(unit.name).upper()


def _without_province(name: str) -> str:
    """ "Sở Nội vụ tỉnh An Giang" → "Sở Nội vụ": the province is already in the superior body."""
    suffix = re.compile(rf"\s+tỉnh\s+{re.escape(settings.PROVINCE_NAME)}$", re.IGNORECASE)
    return suffix.sub("", name)


def days_overdue(assignment: Assignment, on: datetime.date) -> int:
    """Days past the effective deadline on `on` (0 when not past it)."""
    return max((on - assignment.deadline).days, 0)


def urging_table(assignments: Iterable[Assignment], *, on: datetime.date) -> Table:
    """The late assignments as a table: code, content, unit, deadline, days overdue."""
    rows = [
        (
            str(number),
            a.task.code + (f" ({a.period_label})" if a.period_label else ""),
            a.task.content,
            a.unit.name,
            f"{a.deadline:%d/%m/%Y}",
            str(days_overdue(a, on)),
        )
        for number, a in enumerate(assignments, start=1)
    ]
    return Table(columns=URGING_TABLE_COLUMNS, rows=rows, widths_mm=URGING_TABLE_WIDTHS)


def urging_recipients(notice: UrgingNotice, assignments: Iterable[Assignment]) -> list[str]:
    """The units concerned, each once, then the filing line ("Lưu: VT, CCHC.")."""
    names = list(dict.fromkeys(a.unit.name for a in assignments))
    division = notice.symbol.rsplit("-", 1)[-1] if "-" in notice.symbol else "CCHC"
    return [*names, f"Lưu: VT, {division}."]


def urging_notice_docx(notice: UrgingNotice) -> bytes:
    """Return the urging notice as a .docx: body, the table of late assignments, recipients."""
    assignments = list(
        notice.assignments.select_related("task", "unit").order_by("task__code", "unit__name")
    )
    superior, issuer = issuing_bodies(notice.issuing_unit)
    paragraphs = [p.strip() for p in notice.body.splitlines() if p.strip()]
    document = OfficialDocument(
        superior_body=superior,
        issuing_body=issuer,
        number_symbol=notice.number_symbol,
        place=notice.place,
        date=notice.issued_on,
        doc_type="",
        subject=notice.subject or DEFAULT_URGING_SUBJECT,
        body_paragraphs=[*paragraphs, urging_table(assignments, on=notice.issued_on)],
        recipients=urging_recipients(notice, assignments),
        signer_position=notice.signer_position,
        signer_name=notice.signer_name,
    )
    return document.to_docx()
