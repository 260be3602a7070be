"""Import a plan annex from XLSX as officials write it: preview first, then all or nothing.

An annex is a table with the columns STT, Nội dung nhiệm vụ, Cơ quan chủ trì, Cơ quan
phối hợp, Sản phẩm and Thời gian hoàn thành, under one or two header rows. Bold rows
with a Roman numeral (or merged across the table) head each reform area; the task
numbers run on across areas; a lead unit is often merged down over several rows; the
deadlines are free text ("Thường xuyên", "Quý IV/2024", "Trước 30/6/2024").

`parse_annex` reads the file into an `AnnexPreview` (nothing is saved) that lists every
problem by row and column; `apply_annex` saves the whole preview through the services,
in one transaction, or nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from cchc.core.audit import record_event
from cchc.core.spreadsheets import ImportProblem
from cchc.core.uploads import UploadRejected, check_upload
from cchc.units.models import Unit

from .. import services
from ..models import Plan, ReformArea, Task
from .deadlines import Deadline, parse_deadline
from .preview import AnnexPreview, AnnexRow, PreviewArea
from .reader import AnnexReader
from .sheet import MAX_ROWS, read_grid
from .unit_names import split_units, unit_key

if TYPE_CHECKING:
    from cchc.accounts.models import User

XLSX = frozenset({"xlsx"})
__all__ = [
    "MAX_ROWS",
    "AnnexPreview",
    "AnnexRow",
    "Deadline",
    "PreviewArea",
    "apply_annex",
    "parse_annex",
    "parse_deadline",
    "split_units",
    "unit_key",
]


def parse_annex(upload: UploadedFile, *, plan: Plan) -> AnnexPreview:
    """Read `upload` into a preview of what would be created; nothing is saved."""
    name = PurePath(upload.name or "file").name
    preview = AnnexPreview(file=name, sha256="", plan_id=plan.pk)
    try:
        checked = check_upload(upload, kinds=XLSX, max_bytes=settings.IMPORT_MAX_BYTES)
        preview.sha256 = checked.sha256
        grid = read_grid(upload.file)
    except UploadRejected as exc:
        reason = str(exc).removeprefix(f"{name}: ")
        preview.problems.append(ImportProblem(name, None, "", reason))
        return preview
    AnnexReader(grid, plan=plan, preview=preview).read()
    return preview


def apply_annex(
    preview: AnnexPreview, *, plan: Plan, by: User, sha256: str | None = None
) -> list[Task]:
    """Create the preview's areas and tasks in one transaction; all of them or none.

    Refused (ValidationError, nothing saved) when the preview has problems, belongs to
    another plan, or `sha256` is given and is not the previewed file's.
    """
    if preview.problems:
        raise ValidationError(_("The annex has problems; fix the file and upload it again."))
    if preview.plan_id != plan.pk:
        raise ValidationError(_("This preview belongs to another plan."))
    if sha256 is not None and sha256 != preview.sha256:
        raise ValidationError(_("This is not the file that was previewed; upload it again."))
    with transaction.atomic():
        areas = _save_areas(preview, plan=plan, by=by)
        units = Unit.objects.in_bulk(_unit_ids(preview))
        tasks = [
            _save_task(row, plan=plan, area=areas[row.area], units=units, by=by)
            for row in preview.rows
        ]
        data = {"file": preview.file, "sha256": preview.sha256, "tasks": len(tasks)}
        record_event(plan, "plan.annex_imported", by=by, data=data)
    return tasks


def _save_areas(preview: AnnexPreview, *, plan: Plan, by: User) -> dict[str, ReformArea]:
    existing = {a.pk: a for a in plan.areas.all()}
    areas = {}
    for area in preview.areas:
        if area.area_id is None:
            areas[area.code] = services.create_area(
                plan, code=area.code, name=area.name, position=area.position, by=by
            )
        elif area.area_id in existing:
            areas[area.code] = existing[area.area_id]
        else:
            raise ValidationError(
                _("An area of the preview no longer exists; upload the file again.")
            )
    return areas


def _unit_ids(preview: AnnexPreview) -> set[int]:
    ids: set[int] = set()
    for row in preview.rows:
        ids.update([row.lead_unit_id or 0, *row.selected_unit_ids, *row.coordinating_unit_ids])
    return ids - {0}


def _units(ids: Sequence[int], units: dict[int, Unit]) -> Iterator[Unit]:
    for pk in ids:
        if pk not in units:
            raise ValidationError(
                _("A unit of the preview no longer exists; upload the file again.")
            )
        yield units[pk]


def _save_task(
    row: AnnexRow, *, plan: Plan, area: ReformArea, units: dict[int, Unit], by: User
) -> Task:
    (lead,) = _units([row.lead_unit_id or 0], units)
    try:
        return services.create_task(
            plan,
            area=area,
            code=row.code,
            content=row.content,
            lead_unit=lead,
            coordinating_units=list(_units(row.coordinating_unit_ids, units)),
            scope=row.scope,
            selected_units=list(_units(row.selected_unit_ids, units)),
            expected_output=row.expected_output,
            deadline_kind=row.deadline_kind,
            deadline=row.deadline,
            recurrence=row.recurrence,
            due_day=row.due_day,
            deadline_text=row.deadline_text,
            coordinating_text=row.coordinating_text,
            by=by,
        )
    except ValidationError as exc:
        reason = " ".join(exc.messages)
        raise ValidationError(
            _("Row %(row)s: %(reason)s") % {"row": row.row, "reason": reason}
        ) from exc
