"""Free-text deadlines of plan annexes ("Quý IV/2024", "Thường xuyên", "Hằng tháng")."""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from typing import Any

from cchc.core.spreadsheets import cell_text
from cchc.core.text import fold

from ..models import Task


@dataclass(frozen=True)
class Deadline:
    kind: str
    date: datetime.date | None = None
    recurrence: str = ""
    due_day: int | None = None


_DATE = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_QUARTER = re.compile(r"\bquy\s+(iv|i{1,3}|[1-4])\b")
_MONTH = re.compile(r"\bthang\s+(\d{1,2})\s*(?:/|-|nam)\s*(\d{4})")
_YEAR = re.compile(r"\b(20\d\d)\b")
_FIRST_MONTHS = re.compile(r"\b(3|6|9)\s+thang\s+dau\s+nam\b")
_DUE_DAY = re.compile(r"\bngay\s+(\d{1,2})\b")
_MONTHLY = re.compile(r"\b(hang|moi)\s+thang\b")
# "Chậm nhất ngày 20 của tháng cuối kỳ báo cáo": PAR reports are due each quarter.
_QUARTERLY = re.compile(r"\b(hang|moi)\s+quy\b|\bdinh ky quy\b|\bky bao cao\b")
_SIX_MONTHLY = re.compile(r"^(hang |moi |dinh ky )?6 thang( mot lan)?$|\bhang 6 thang\b")
_YEARLY = re.compile(r"\b(hang|moi)\s+nam\b")
_RECURRING = (
    (_MONTHLY, Task.Recurrence.MONTHLY),
    (_QUARTERLY, Task.Recurrence.QUARTERLY),
    (_SIX_MONTHLY, Task.Recurrence.SIX_MONTHLY),
    (_YEARLY, Task.Recurrence.YEARLY),
)
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _last_day(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _deadline_key(text: str) -> str:
    """Folded, without remarks in brackets, first clause only ("Quý I/2024, thực hiện …")."""
    key = re.sub(r"\([^)]*\)", " ", fold(text))
    key = key.replace("\u2013", "-").replace("\u2014", "-")  # en and em dashes
    key = key.split(",")[0].split(";")[0]
    return " ".join(key.split())


def parse_deadline(value: Any, *, plan_year: int) -> Deadline | None:
    """Read a deadline as annexes write it; None when it cannot be read.

    A date ("30/6/2024", "Trước 30/6/2024", "Chậm nhất ngày 30/6/2024"); "Quý IV/2024"
    (the quarter's last day; "Quý II - Quý IV/2024": the last one); "Tháng 01/2024" (the
    month's last day); "6 tháng đầu năm 2024" (30/6); "Trong năm 2024", "Năm 2024",
    "Trong năm" (31/12; the plan's year when none is written); "Thường xuyên"
    (throughout); "Hằng tháng", "Hằng quý", "6 tháng", "Hằng năm" (recurring, due on the
    period's last day or on "ngày N" when written).
    """
    if isinstance(value, datetime.datetime):
        return Deadline(Task.DeadlineKind.DATE, value.date())
    if isinstance(value, datetime.date):
        return Deadline(Task.DeadlineKind.DATE, value)
    key = _deadline_key(cell_text(value))
    if not key:
        return None
    if key.startswith("thuong xuyen"):
        return Deadline(Task.DeadlineKind.THROUGHOUT)
    for pattern, recurrence in _RECURRING:
        if pattern.search(key):
            found = _DUE_DAY.search(key)
            due_day = int(found.group(1)) if found and 1 <= int(found.group(1)) <= 31 else None
            return Deadline(Task.DeadlineKind.RECURRING, recurrence=recurrence, due_day=due_day)
    day = _dated(key, plan_year)
    return None if day is None else Deadline(Task.DeadlineKind.DATE, day)


def _dated(key: str, plan_year: int) -> datetime.date | None:
    try:
        if dates := _DATE.findall(key):
            day, month, year = (int(part) for part in dates[-1])
            return datetime.date(year, month, day)
        years = _YEAR.findall(key)
        year = int(years[-1]) if years else plan_year
        if quarters := _QUARTER.findall(key):
            return _last_day(year, _QUARTERS[quarters[-1]] * 3)
        if months := _MONTH.findall(key):
            month, year = (int(part) for part in months[-1])
            return _last_day(year, month)
        if found := _FIRST_MONTHS.search(key):
            return _last_day(year, int(found.group(1)))
        if re.fullmatch(r"(trong |ca |het |cuoi )?nam( \d{4})?", key):
            return datetime.date(year, 12, 31)
    except ValueError:  # 31/02/2024 and the like
        return None
    return None
