"""Walk an annex grid once: areas, tasks, and the problems of each cell."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from cchc.accounts.roles import Role
from cchc.core.spreadsheets import ImportProblem, cell_text, is_blank
from cchc.units.models import Unit

from ..models import Plan, Task
from .deadlines import Deadline, parse_deadline
from .preview import AnnexPreview, AnnexRow, PreviewArea
from .sheet import Grid, find_header, is_column_numbers
from .unit_names import UnitIndex, scope_of, split_units, words

REQUIRED = ("stt", "content", "lead", "deadline")
COLUMN_LABELS = {
    "stt": gettext_lazy("No. (STT)"),
    "content": gettext_lazy("Task"),
    "lead": gettext_lazy("Lead unit"),
    "coordinating": gettext_lazy("Coordinating units"),
    "output": gettext_lazy("Output"),
    "deadline": gettext_lazy("Deadline"),
}
_ROMAN = re.compile(r"^(X{0,3})(IX|IV|V?I{0,3})$")
_ROMAN_HEADING = re.compile(r"^([IVX]+)\s*[.:/)-]?\s+(.+)$")
_TASK_NUMBER = re.compile(r"^\d+(\.\d+)*$")


def _is_roman(text: str) -> bool:
    return bool(text) and _ROMAN.match(text) is not None


def task_code(value: Any) -> str:
    """The task number as written in STT: 12 → "12", "12." → "12", "1.2" → "1.2"."""
    return cell_text(value).rstrip(".").strip()


class AnnexReader:
    """Walks the grid once: areas, tasks and the problems of each cell."""

    def __init__(self, grid: Grid, *, plan: Plan, preview: AnnexPreview) -> None:
        self.grid, self.plan, self.preview = grid, plan, preview
        self.units = UnitIndex(plan.period_start)
        self.existing_areas = list(plan.areas.all())
        self.existing_codes = set(plan.tasks.values_list("code", flat=True))
        self.first_row: dict[str, int] = {}
        self.area: PreviewArea | None = None
        self.columns: dict[str, int] = {}
        self._secretariat: Unit | None = None

    def problem(self, row: int | None, column: str, reason: str) -> None:
        self.preview.problems.append(ImportProblem(self.preview.file, row, column, reason))

    def label(self, key: str) -> str:
        letter = get_column_letter(self.columns[key] + 1) if key in self.columns else ""
        return f"{letter} ({COLUMN_LABELS[key]})" if letter else str(COLUMN_LABELS[key])

    def cell(self, cells: Sequence[Any], key: str) -> Any:
        index = self.columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    def read(self) -> None:
        found = find_header(self.grid)
        if found is None or not self._has_required(found):
            return
        _top, start, self.columns = found
        for index in range(start, len(self.grid.cells)):
            self._read_row(index)
        if not self.preview.rows and not self.preview.problems:
            self.problem(None, "", _("The annex has no task rows."))

    def _has_required(self, found: tuple[int, int, dict[str, int]] | None) -> bool:
        columns = found[2] if found else {}
        header_row = found[0] + 1 if found else None
        missing = [key for key in REQUIRED if key not in columns]
        for key in missing:
            self.problem(header_row, str(COLUMN_LABELS[key]), _("A required column is missing."))
        return not missing

    def _read_row(self, index: int) -> None:
        cells = self.grid.cells[index]
        if all(is_blank(c) for c in cells) or is_column_numbers(cells):
            return
        number = index + 1
        stt = task_code(self.cell(cells, "stt"))
        heading = self._heading(index, cells, stt)
        if heading is not None:
            self.area = self._area(*heading)
            return
        content = cell_text(self.cell(cells, "content"))
        if not content and not _TASK_NUMBER.match(stt):
            return  # a note under the table
        self._read_task(number, cells, stt, content)

    def _heading(self, index: int, cells: Sequence[Any], stt: str) -> tuple[str, str] | None:
        """(code, name) when the row heads an area: a Roman numeral, or bold and merged across."""
        content = cell_text(self.cell(cells, "content"))
        if _is_roman(stt):
            return stt, content or stt
        if _TASK_NUMBER.match(stt):
            return None
        if found := _ROMAN_HEADING.match(stt):
            return found.group(1), found.group(2)
        across = self.grid.merged_across.get(index, 0) >= 3
        return ("", stt or content) if across and index in self.grid.bold else None

    def _area(self, code: str, name: str) -> PreviewArea:
        key = _area_key(name)
        for area in self.preview.areas:
            if (code and area.code == code) or _area_key(area.name) == key:
                return area
        existing = next((a for a in self.existing_areas if _area_key(a.name) == key), None)
        existing = existing or next((a for a in self.existing_areas if a.code == code), None)
        if existing is not None:
            found = PreviewArea(existing.code, existing.name, existing.position, existing.pk)
        else:
            found = PreviewArea(code or self._free_code(), name, self._next_position())
        self.preview.areas.append(found)
        return found

    def _free_code(self) -> str:
        taken = {a.code for a in self.existing_areas} | {a.code for a in self.preview.areas}
        return next(str(n) for n in range(len(taken) + 1, len(taken) + 100) if str(n) not in taken)

    def _next_position(self) -> int:
        positions = [a.position for a in self.existing_areas] + [
            a.position for a in self.preview.areas
        ]
        return max(positions, default=0) + 1

    def _read_task(self, number: int, cells: Sequence[Any], stt: str, content: str) -> None:
        before = len(self.preview.problems)
        self._check_code(number, stt)
        if not content:
            self.problem(number, self.label("content"), _("The task's content is missing."))
        if self.area is None:
            self.problem(number, self.label("stt"), _("The task is not under an area heading."))
        lead = self._lead(number, self.cell(cells, "lead"))
        coordinating = self._coordinating(self.cell(cells, "coordinating"), lead)
        deadline = self._deadline(number, self.cell(cells, "deadline"))
        if len(self.preview.problems) > before or lead is None or deadline is None:
            return
        assert self.area is not None
        self.preview.rows.append(
            AnnexRow(
                row=number,
                code=stt,
                content=content,
                area=self.area.code,
                expected_output=cell_text(self.cell(cells, "output"))[:500],
                deadline_kind=deadline.kind,
                deadline=deadline.date,
                recurrence=deadline.recurrence,
                due_day=deadline.due_day,
                deadline_text=_as_written(self.cell(cells, "deadline"))[:200],
                **lead,
                **coordinating,
            )
        )

    def _check_code(self, number: int, code: str) -> None:
        column = self.label("stt")
        if not code:
            self.problem(number, column, _("The task number (STT) is missing."))
        elif not _TASK_NUMBER.match(code):
            self.problem(number, column, _("“%(code)s” is not a task number.") % {"code": code})
        elif code in self.first_row:
            reason = _("The number %(code)s is also used on row %(row)s.")
            self.problem(number, column, reason % {"code": code, "row": self.first_row[code]})
        elif code in self.existing_codes:
            reason = _("The plan already has a task numbered %(code)s.")
            self.problem(number, column, reason % {"code": code})
        if code and code not in self.first_row:
            self.first_row[code] = number

    def _lead(self, number: int, value: Any) -> dict[str, Any] | None:
        column = self.label("lead")
        groups, names = split_units(cell_text(value), is_unit=self.units.knows)
        if not groups and not names:
            self.problem(number, column, _("The lead unit is missing."))
            return None
        units = [self._one_unit(number, column, name) for name in names]
        if any(u is None for u in units):
            return None
        found: list[Unit] = [u for u in units if u is not None]
        scope = scope_of(groups) if groups else None
        if groups and scope is None:
            reason = _("These groups of units cannot be given one task; split the task.")
            self.problem(number, column, reason)
            return None
        if scope is None:
            scope = Task.Scope.SELECTED if len(found) > 1 else Task.Scope.LEAD
        lead = found[0] if found else self._secretariat_unit()
        selected = [u.pk for u in found] if scope == Task.Scope.SELECTED else []
        return {
            "lead_unit_id": lead.pk,
            "lead_unit": lead.name,
            "scope": scope,
            "selected_unit_ids": selected,
        }

    def _one_unit(self, number: int, column: str, name: str) -> Unit | None:
        found = self.units.find(name)
        if len(found) == 1:
            return found[0]
        if not found:
            self.problem(number, column, _("Unknown lead unit “%(name)s”.") % {"name": name})
        else:
            reason = _("“%(name)s” matches several units: %(units)s.")
            units = "; ".join(u.name for u in found)
            self.problem(number, column, reason % {"name": name, "units": units})
        return None

    def _secretariat_unit(self) -> Unit:
        """The unit that follows a task given to a group: the secretariat's, else the issuer."""
        if self._secretariat is None:
            held = Unit.objects.filter(roles__role=Role.SECRETARIAT, roles__revoked_at__isnull=True)
            self._secretariat = held.order_by("pk").first() or self.plan.issuing_unit
        return self._secretariat

    def _coordinating(self, value: Any, lead: dict[str, Any] | None) -> dict[str, Any]:
        text = cell_text(value)
        _groups, names = split_units(text, is_unit=self.units.knows)
        lead_id = lead["lead_unit_id"] if lead else None
        units: list[Unit] = []
        unmatched: list[str] = []
        for name in names:
            found = self.units.find(name)
            if len(found) != 1:
                unmatched.append(name)
            elif found[0].pk != lead_id and found[0] not in units:
                units.append(found[0])
        return {
            "coordinating_unit_ids": [u.pk for u in units],
            "coordinating_units": [u.name for u in units],
            "coordinating_text": text[:500],
            "unmatched_units": unmatched,
        }

    def _deadline(self, number: int, value: Any) -> Deadline | None:
        column = self.label("deadline")
        text = _as_written(value)
        if not text:
            self.problem(number, column, _("The deadline is missing."))
            return None
        deadline = parse_deadline(value, plan_year=self.plan.period_start.year)
        if deadline is None:
            self.problem(number, column, _("Cannot read the deadline “%(text)s”.") % {"text": text})
            return None
        plan = self.plan
        if deadline.date and not plan.period_start <= deadline.date <= plan.period_end:
            reason = _("The deadline %(date)s is outside the plan's period (%(start)s to %(end)s).")
            self.problem(
                number,
                column,
                reason
                % {
                    "date": f"{deadline.date:%d/%m/%Y}",
                    "start": f"{plan.period_start:%d/%m/%Y}",
                    "end": f"{plan.period_end:%d/%m/%Y}",
                },
            )
            return None
        return deadline


def _as_written(value: Any) -> str:
    """A deadline cell as text; a date cell as dd/mm/yyyy."""
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    return cell_text(value)


def _area_key(name: str) -> str:
    """Area names as seeded ("… CCHC") and as annexes write them ("… CẢI CÁCH HÀNH CHÍNH")."""
    key = words(name).replace("cai cach hanh chinh", "cchc")
    return re.sub(r"^[ivx]+ ", "", key)
