"""Shared helpers for the plans page and API tests: a plan whose period covers today."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cchc.units.models import Unit

from ..models import Assignment, Plan, Task
from .factories import make_plan, make_task

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def current_plan(**fields: Any) -> Plan:
    fields.setdefault("period_start", days(-400))
    fields.setdefault("period_end", days(400))
    fields.setdefault("signed_on", days(-410))
    return make_plan(**fields)


def assignment_for(unit: Unit, *, due_in: int = 30, plan: Plan | None = None, **fields: Any):
    """One assignment of `unit` due in `due_in` days (negative: overdue)."""
    task: Task = make_task(plan=plan or current_plan(), unit=unit, deadline=days(due_in), **fields)
    return Assignment.objects.get(task=task, unit=unit)


def pdf(name: str = "bien-ban.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _date(d: datetime.date) -> str:
    """A date as the forms take it (dd/mm/yyyy)."""
    return d.strftime("%d/%m/%Y")
