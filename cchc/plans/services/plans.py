"""Plans, their signed document and their reform areas."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from cchc.accounts.access import require
from cchc.accounts.models import User
from cchc.core.audit import record_event
from cchc.core.models import Attachment
from cchc.units.models import Unit

from ..models import Plan, ReformArea
from ._common import _changed, _check_fields, _save, _store_files

# The seven areas of Plan 664/KH-UBND (six contents plus direction and management).
DEFAULT_AREAS = (
    ("I", "Công tác chỉ đạo, điều hành CCHC"),
    ("II", "Cải cách thể chế"),
    ("III", "Cải cách thủ tục hành chính"),
    ("IV", "Cải cách tổ chức bộ máy hành chính nhà nước"),
    ("V", "Cải cách chế độ công vụ"),
    ("VI", "Cải cách tài chính công"),
    ("VII", "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số"),
)
PLAN_DOCUMENT_KINDS = frozenset({"pdf", "docx"})
PLAN_FIELDS = frozenset(
    {
        "number",
        "title",
        "issuing_unit",
        "signed_on",
        "period_start",
        "period_end",
        "parent",
        "progress_rule",
        "remind_days_before",
        "remind_on_due_day",
        "remind_overdue_every",
        "escalate_after_days",
        "is_demo",
        "notes",
    }
)


# --- plans and areas ----------------------------------------------------------------------


def _reminder_days(days: Iterable[int]) -> list[int]:
    try:
        cleaned = sorted({int(d) for d in days}, reverse=True)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"remind_days_before": _("Enter whole numbers of days.")}) from exc
    if any(d < 1 for d in cleaned):
        raise ValidationError({"remind_days_before": _("Days before must be at least 1.")})
    return cleaned


def _save_plan(plan: Plan, *, by: User, update_fields: Iterable[str] | None = None) -> None:
    if plan.period_end < plan.period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    _save(plan, by=by, update_fields=update_fields)


@transaction.atomic
def create_plan(
    *,
    number: str,
    title: str,
    issuing_unit: Unit,
    signed_on: datetime.date,
    period_start: datetime.date,
    period_end: datetime.date,
    parent: Plan | None = None,
    progress_rule: str = Plan.ProgressRule.REPORTED,
    remind_days_before: Sequence[int] = (7, 1),
    remind_on_due_day: bool = True,
    remind_overdue_every: int = 7,
    escalate_after_days: int = 14,
    is_demo: bool = False,
    notes: str = "",
    by: User,
) -> Plan:
    """Create a reform plan with its reminder policy."""
    require(Plan.can_manage(by))
    plan = Plan(
        number=number.strip(),
        title=title.strip(),
        issuing_unit=issuing_unit,
        signed_on=signed_on,
        period_start=period_start,
        period_end=period_end,
        parent=parent,
        progress_rule=progress_rule,
        remind_days_before=_reminder_days(remind_days_before),
        remind_on_due_day=remind_on_due_day,
        remind_overdue_every=remind_overdue_every,
        escalate_after_days=escalate_after_days,
        is_demo=is_demo,
        notes=notes,
        created_by=by,
    )
    _save_plan(plan, by=by)
    record_event(plan, "plan.created", by=by)
    return plan


@transaction.atomic
def update_plan(plan: Plan, *, by: User, **fields: Any) -> Plan:
    """Change some fields of `plan`; nothing is written when no value differs."""
    require(Plan.can_manage(by))
    _check_fields(fields, PLAN_FIELDS)
    if "remind_days_before" in fields:
        fields["remind_days_before"] = _reminder_days(fields["remind_days_before"])
    if fields.get("parent") is not None and fields["parent"].pk == plan.pk:
        raise ValidationError({"parent": _("A plan cannot be its own parent.")})
    changes = _changed(plan, fields)
    if not changes:
        return plan
    _save_plan(plan, by=by, update_fields=changes)
    record_event(plan, "plan.updated", by=by, changes=changes)
    return plan


@transaction.atomic
def attach_plan_document(plan: Plan, upload: UploadedFile, *, by: User) -> Attachment:
    """Store the signed plan (PDF or Word) and make it the plan's document."""
    require(Plan.can_manage(by))
    (attachment,) = _store_files(plan, [upload], field="document", by=by, kinds=PLAN_DOCUMENT_KINDS)
    plan.document = attachment
    _save(plan, by=by, update_fields=["document"])
    record_event(plan, "plan.document_attached", by=by, data={"attachment": attachment.pk})
    return attachment


@transaction.atomic
def seed_default_areas(plan: Plan, *, by: User) -> list[ReformArea]:
    """Add the seven areas of Plan 664 that `plan` lacks; return all seven, in order."""
    require(Plan.can_manage(by))
    existing = {a.code: a for a in plan.areas.all()}
    areas, added = [], []
    for position, (code, name) in enumerate(DEFAULT_AREAS, start=1):
        area = existing.get(code)
        if area is None:
            area = ReformArea(plan=plan, code=code, name=name, position=position)
            _save(area, by=by)
            added.append(code)
        areas.append(area)
    if added:
        record_event(plan, "plan.areas_seeded", by=by, data={"codes": added})
    return areas


@transaction.atomic
def create_area(plan: Plan, *, code: str, name: str, position: int, by: User) -> ReformArea:
    """Add one reform area to `plan`."""
    require(Plan.can_manage(by))
    code = code.strip()
    if plan.areas.filter(code__iexact=code).exists():
        raise ValidationError({"code": _("This plan already has an area with this code.")})
    area = ReformArea(plan=plan, code=code, name=name.strip(), position=position)
    _save(area, by=by)
    record_event(area, "area.created", by=by, data={"plan": plan.pk})
    return area
