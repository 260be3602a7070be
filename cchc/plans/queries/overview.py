"""A plan's page and the progress figures: status counts, figure rows and charts."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.units.models import Unit

from ..calculations import Figures, Status
from ..charts import BarRow, status_bars
from ..models import Assignment, AssignmentQuerySet, Plan, ReformArea, Task

if TYPE_CHECKING:
    from cchc.accounts.models import User


# A plan's page -----------------------------------------------------------------------


@dataclass
class TaskLine:
    task: Task
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class AreaBlock:
    area: ReformArea
    tasks: list[TaskLine] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Status, 0))


def status_counts(assignments: AssignmentQuerySet, by: str) -> dict[Any, dict[str, int]]:
    """{value of `by`: {status: count}} in one query over assignments `with_status`."""
    rows = assignments.order_by().values(by, "status").annotate(n=Count("pk"))
    counts: dict[Any, dict[str, int]] = defaultdict(lambda: dict.fromkeys(Status, 0))
    for row in rows:
        counts[row[by]][Status(row["status"])] = row["n"]
    return counts


def plan_overview(plan: Plan, user: User, today: datetime.date | None = None) -> list[AreaBlock]:
    """The plan's areas, each with the tasks the person sees and their status counts."""
    assignments = Assignment.objects.visible_to(user).filter(task__plan=plan).with_status(today)
    per_task = status_counts(assignments, "task_id")
    blocks = {area.pk: AreaBlock(area) for area in plan.areas.all()}
    tasks = Task.objects.visible_to(user).filter(plan=plan).select_related("lead_unit")
    for task in tasks.order_by("area__position", "code"):
        line = TaskLine(task, per_task.get(task.pk, dict.fromkeys(Status, 0)))
        block = blocks[task.area_id]
        block.tasks.append(line)
        for status, n in line.counts.items():
            block.counts[status] += n
    return list(blocks.values())


def _bar(label: str, counts: dict[str, int]) -> BarRow:
    return BarRow(
        label,
        on_time=counts.get(Status.ON_TIME, 0),
        late=counts.get(Status.LATE, 0),
        within_term=counts.get(Status.WITHIN_TERM, 0),
        overdue=counts.get(Status.OVERDUE, 0),
    )


def area_chart(blocks: list[AreaBlock], *, chart_id: str = "plan-areas") -> str:
    rows = [_bar(f"{b.area.code}. {b.area.name}", b.counts) for b in blocks]
    return status_bars(rows, title=_("Progress by reform area"), chart_id=chart_id)


# Progress figures --------------------------------------------------------------------


@dataclass
class FigureRow:
    label: str
    figures: Any  # metrics.Figures
    url: str = ""

    @property
    def share_completed(self) -> Decimal:
        return _percent(self.figures.share_completed)

    @property
    def share_on_time(self) -> Decimal:
        return _percent(self.figures.share_on_time)

    @property
    def share_overdue(self) -> Decimal:
        return _percent(self.figures.share_overdue)

    @property
    def bar(self) -> BarRow:
        f = self.figures
        return BarRow(self.label, f.on_time, f.late, f.within_term, f.overdue)


def _percent(share: Any) -> Decimal:
    value = Decimal(str(share or 0))
    if value <= 1:
        value *= 100
    return value.quantize(Decimal("0.1"), ROUND_HALF_UP)


def _figure_rows(by: str, assignments: AssignmentQuerySet, names: dict[Any, str], today: Any):
    from ..metrics import figures_by

    # Rows with the same label are one line: "II. Cải cách thể chế" of the 2024 and the
    # 2026 plans are one reform area when all plans are shown.
    merged: dict[str, Figures] = {}
    for key, value in figures_by(by, assignments, today).items():
        label = names.get(getattr(key, "pk", key), str(key))
        merged[label] = merged[label] + value if label in merged else value
    return [FigureRow(label, merged[label]) for label in sorted(merged)]


@dataclass
class Progress:
    areas: list[FigureRow]
    units: list[FigureRow]
    area_chart: str
    unit_chart: str


def progress(
    user: User, *, plan: Plan | None = None, today: datetime.date | None = None
) -> Progress:
    """Figures per reform area and per unit (Government Office taxonomy) with their charts."""
    today = today or timezone.localdate()
    assignments = Assignment.objects.visible_to(user)
    if plan is not None:
        assignments = assignments.filter(task__plan=plan)
    areas = ReformArea.objects.filter(pk__in=assignments.values("task__area"))
    units = Unit.objects.filter(pk__in=assignments.values("unit"))
    area_names = {a.pk: f"{a.code}. {a.name}" for a in areas}
    unit_names = {u.pk: u.name for u in units.only("name")}
    area_rows = _figure_rows("task__area", assignments, area_names, today)
    unit_rows = _figure_rows("unit", assignments, unit_names, today)
    return Progress(
        areas=area_rows,
        units=unit_rows,
        area_chart=status_bars(
            [r.bar for r in area_rows], title=_("Progress by reform area"), chart_id="areas"
        ),
        unit_chart=status_bars(
            [r.bar for r in unit_rows], title=_("Progress by unit"), chart_id="units"
        ),
    )
