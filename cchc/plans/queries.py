"""Read models for the plan pages and boards: a few queries each, whatever the size."""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.roles import MANAGER_ROLES
from cchc.core.models import Attachment, AuditEvent
from cchc.units.models import Unit

from .calculations import Figures, Status
from .charts import BarRow, status_bars
from .models import (
    STATUS_LABELS,
    Assignment,
    AssignmentQuerySet,
    ExtensionRequest,
    Obstacle,
    Plan,
    ProgressReport,
    ReformArea,
    Task,
    UrgingNotice,
)

if TYPE_CHECKING:
    from cchc.accounts.models import User

OPEN_STATUSES = (Status.WITHIN_TERM.value, Status.OVERDUE.value)


def assignments_for(user: User, today: datetime.date | None = None) -> AssignmentQuerySet:
    """Assignments the person may see, with what every row of a board shows.

    Rows show `Assignment.status` (computed in Python from the loaded fields); filtering by
    status goes through `AssignmentQuerySet.having_status` (plain column conditions).
    """
    return Assignment.objects.visible_to(user).select_related(
        "task", "task__plan", "task__area", "unit"
    )


def having_status(
    assignments: AssignmentQuerySet, status: str, today: datetime.date | None = None
) -> AssignmentQuerySet:
    return assignments.having_status(status, today)


def my_assignments(user: User, today: datetime.date | None = None) -> AssignmentQuerySet:
    """The person's own units' assignments: open ones first, the soonest deadline first."""
    is_open = Q(
        completed_on__isnull=True, cancelled_at__isnull=True, task__cancelled_at__isnull=True
    )
    open_first = Case(When(is_open, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (
        assignments_for(user, today)
        .filter(unit_id__in=user.access.own_unit_ids)
        .annotate(closed=open_first)
        .order_by("closed", "deadline", "task__code", "pk")
    )


# The overdue board -------------------------------------------------------------------


@dataclass
class OverdueRow:
    assignment: Assignment
    days: int


@dataclass
class UnitGroup:
    unit: Unit
    rows: list[OverdueRow] = field(default_factory=list)
    total: int = 0  # overdue assignments of the unit on every page


def overdue_assignments(user: User, today: datetime.date | None = None) -> AssignmentQuerySet:
    """Overdue assignments the person may see, unit by unit, the oldest deadline first."""
    return (
        Assignment.objects.visible_to(user)
        .overdue(today or timezone.localdate())
        .select_related("task", "task__plan", "unit")
        .order_by("unit__name", "unit_id", "deadline", "task__code")
    )


def group_by_unit(
    rows: Iterable[Assignment], *, totals: dict[int, int], today: datetime.date
) -> list[UnitGroup]:
    groups: dict[int, UnitGroup] = {}
    for assignment in rows:
        unit_id = assignment.unit_id
        group = groups.setdefault(unit_id, UnitGroup(assignment.unit, total=totals[unit_id]))
        group.rows.append(OverdueRow(assignment, (today - assignment.deadline).days))
    return list(groups.values())


def overdue_totals(assignments: AssignmentQuerySet) -> dict[int, int]:
    rows = assignments.order_by().values_list("unit_id").annotate(n=Count("pk"))
    return dict(rows)


def overdue_by_unit(
    user: User, today: datetime.date | None = None, *, rows: Iterable[Assignment] | None = None
) -> list[UnitGroup]:
    """Overdue assignments grouped by unit: all of them, or the given page of them."""
    today = today or timezone.localdate()
    late = overdue_assignments(user, today)
    return group_by_unit(late if rows is None else rows, totals=overdue_totals(late), today=today)


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
    from .metrics import figures_by

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


# An assignment's progress ------------------------------------------------------------


def computed_percent(assignment: Assignment) -> Decimal | None:
    """The weighted progress of the task's sub-tasks for the same unit (None without any)."""
    subs = Assignment.objects.filter(
        task__parent_id=assignment.task_id,
        unit_id=assignment.unit_id,
        cancelled_at__isnull=True,
        task__cancelled_at__isnull=True,
    ).values_list("task__weight", "progress_percent", "completed_on")
    total = Decimal(0)
    done = Decimal(0)
    for weight, percent, completed_on in subs:
        total += weight
        done += weight * (100 if completed_on else percent)
    if not total:
        return None
    return (done / total).quantize(Decimal("0.1"), ROUND_HALF_UP)


# The task timeline -------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    at: datetime.datetime
    kind: str
    text: str
    actor: str = ""
    detail: str = ""
    url: str = ""


def _report_events(reports: list[ProgressReport]) -> list[Event]:
    events = []
    for r in reports:
        unit = r.assignment.unit.name
        url = r.assignment.get_absolute_url()
        events.append(
            Event(
                r.created_at,
                "report",
                _("%(unit)s wrote a progress report (%(percent)s%%)")
                % {"unit": unit, "percent": r.percent},
                str(r.created_by),
                r.work_done,
                url,
            )
        )
        if r.submitted_at:
            events.append(
                Event(
                    r.submitted_at,
                    "report",
                    _("%(unit)s submitted its report") % {"unit": unit},
                    str(r.submitted_by or ""),
                    "",
                    url,
                )
            )
        if r.reviewed_at:
            label = _("accepted") if r.status == r.Status.ACCEPTED else _("returned")
            events.append(
                Event(
                    r.reviewed_at,
                    "review",
                    _("The report of %(unit)s was %(what)s") % {"unit": unit, "what": label},
                    str(r.reviewed_by or ""),
                    r.review_comment,
                    url,
                )
            )
    return events


def _extension_events(requests: list[ExtensionRequest]) -> list[Event]:
    events = []
    for e in requests:
        unit = e.assignment.unit.name
        url = e.assignment.get_absolute_url()
        text = _("%(unit)s asked to extend the deadline to %(date)s") % {
            "unit": unit,
            "date": f"{e.requested_deadline:%d/%m/%Y}",
        }
        events.append(Event(e.requested_at, "extension", text, str(e.requested_by), e.reason, url))
        if e.decided_at:
            if e.status == e.Status.APPROVED:
                text = _("Extension approved: new deadline %(date)s") % {
                    "date": f"{e.approved_deadline:%d/%m/%Y}"
                }
            else:
                text = _("Extension refused")
            events.append(
                Event(
                    e.decided_at,
                    "decision",
                    f"{unit}: {text}",
                    str(e.decided_by or ""),
                    e.decision_note,
                    url,
                )
            )
    return events


def _obstacle_events(obstacles: list[Obstacle]) -> list[Event]:
    events = []
    for o in obstacles:
        url = o.assignment.get_absolute_url()
        events.append(
            Event(
                o.raised_at,
                "obstacle",
                _("%(kind)s raised by %(unit)s")
                % {"kind": o.get_kind_display(), "unit": o.assignment.unit.name},
                str(o.raised_by),
                o.text,
                url,
            )
        )
        if o.answered_at:
            events.append(
                Event(
                    o.answered_at,
                    "answer",
                    _("Answered by %(unit)s") % {"unit": o.answer_unit.name},
                    str(o.answered_by or ""),
                    o.answer,
                    url,
                )
            )
    return events


def _audit_events(task: Task, assignment_ids: list[int]) -> list[Event]:
    task_type = ContentType.objects.get_for_model(Task)
    assignment_type = ContentType.objects.get_for_model(Assignment)
    audit = AuditEvent.objects.filter(
        Q(content_type=task_type, object_id=str(task.pk))
        | Q(content_type=assignment_type, object_id__in=[str(pk) for pk in assignment_ids])
    ).select_related("actor")
    return [
        Event(e.at, "history", f"{e.object_repr}: {e.verb_label}", e.actor_display) for e in audit
    ]


def task_timeline(task: Task, user: User) -> list[Event]:
    """Everything that happened to the task and the assignments the person sees, by date."""
    visible = Assignment.objects.visible_to(user).filter(task=task)
    ids = list(visible.values_list("pk", flat=True))
    related = ("assignment__unit", "assignment__task")
    reports = ProgressReport.objects.filter(assignment_id__in=ids).select_related(
        *related, "created_by", "submitted_by", "reviewed_by"
    )
    extensions = ExtensionRequest.objects.filter(assignment_id__in=ids).select_related(
        *related, "requested_by", "decided_by"
    )
    obstacles = Obstacle.objects.filter(assignment_id__in=ids).select_related(
        *related, "answer_unit", "raised_by", "answered_by"
    )
    notices = UrgingNotice.objects.filter(assignments__in=ids).distinct()
    events = _report_events(list(reports)) + _extension_events(list(extensions))
    events += _obstacle_events(list(obstacles)) + _audit_events(task, ids)
    for n in notices:
        url = reverse("plans:urging-detail", args=[n.pk])
        text = _("Urging notice %(number)s: %(subject)s") % {
            "number": n.number_symbol,
            "subject": n.subject,
        }
        events.append(Event(n.created_at, "urging", text, "", "", url))
    return sorted(events, key=lambda e: e.at)


# Calendar ----------------------------------------------------------------------------


@dataclass
class Day:
    date: datetime.date
    in_month: bool
    assignments: list[Assignment] = field(default_factory=list)


@dataclass
class Month:
    first: datetime.date
    weeks: list[list[Day]]

    @property
    def previous(self) -> datetime.date:
        return (self.first - datetime.timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> datetime.date:
        return (self.first + datetime.timedelta(days=32)).replace(day=1)

    @property
    def busy_days(self) -> list[Day]:
        return [d for week in self.weeks for d in week if d.in_month and d.assignments]


def deadline_calendar(user: User, first: datetime.date) -> Month:
    """A Monday-first month grid of open assignments' deadlines."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    start, end = weeks[0][0], weeks[-1][-1]
    assignments = (
        Assignment.objects.visible_to(user)
        .open()
        .filter(deadline__range=(start, end))
        .select_related("task", "unit")
        .order_by("deadline", "task__code", "unit__name")
    )
    by_day: dict[datetime.date, list[Assignment]] = defaultdict(list)
    for a in assignments:
        by_day[a.deadline].append(a)
    grid = [[Day(d, d.month == first.month, by_day.get(d, [])) for d in week] for week in weeks]
    return Month(first, grid)


# The home page -----------------------------------------------------------------------


@dataclass(frozen=True)
class WorkCounts:
    due_soon: int
    to_review: int
    extensions: int
    obstacles: int


def work_counts(user: User, today: datetime.date | None = None, days: int = 14) -> WorkCounts:
    """What the person has to do in plans: four counts for the home page."""
    today = today or timezone.localdate()
    access = user.access
    due_soon = 0
    if access.own_unit_ids:
        due_soon = (
            Assignment.objects.open()
            .filter(unit_id__in=access.own_unit_ids)
            .filter(deadline__lte=today + datetime.timedelta(days=days))
            .count()
        )
    manager = access.can_manage_units
    to_review = (
        ProgressReport.objects.filter(status=ProgressReport.Status.SUBMITTED).count()
        if manager
        else 0
    )
    extensions = (
        ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING).count()
        if manager
        else 0
    )
    answering = access.own_unit_ids | access.unit_ids(*MANAGER_ROLES)
    obstacles = (
        Obstacle.objects.unanswered().filter(answer_unit_id__in=answering).count()
        if answering
        else 0
    )
    return WorkCounts(due_soon, to_review, extensions, obstacles)


def status_label(code: str) -> str:
    return str(STATUS_LABELS[Status(code)])


@dataclass
class Queue:
    reports: list[ProgressReport]
    extensions: list[ExtensionRequest]
    obstacles: list[Obstacle]


def work_queue(user: User, limit: int = 50) -> Queue:
    """Reports to review and extensions to decide (managers); obstacles to answer."""
    access = user.access
    reports: list[ProgressReport] = []
    extensions: list[ExtensionRequest] = []
    if access.can_manage_units:
        reports = list(
            ProgressReport.objects.filter(status=ProgressReport.Status.SUBMITTED)
            .select_related("assignment__task", "assignment__unit")
            .order_by("submitted_at")[:limit]
        )
        extensions = list(
            ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING)
            .select_related("assignment__task", "assignment__unit")
            .order_by("requested_at")[:limit]
        )
    answering = access.own_unit_ids | access.unit_ids(*MANAGER_ROLES)
    obstacles = list(
        Obstacle.objects.unanswered()
        .filter(answer_unit_id__in=answering)
        .select_related("assignment__task", "assignment__unit", "answer_unit")[:limit]
    )
    return Queue(reports, extensions, obstacles)


# An assignment's page ----------------------------------------------------------------


def _files_by_report(reports: list[ProgressReport]) -> dict[int, list[Attachment]]:
    files: dict[int, list[Attachment]] = defaultdict(list)
    if reports:
        owner_type = ContentType.objects.get_for_model(ProgressReport)
        attachments = Attachment.objects.filter(
            owner_type=owner_type, owner_id__in=[r.pk for r in reports]
        )
        for attachment in attachments:
            files[attachment.owner_id].append(attachment)
    return files


def assignment_page(assignment: Assignment, user: User) -> dict[str, Any]:
    """Everything the assignment page shows, in a fixed number of queries."""
    reports = list(assignment.reports.select_related("created_by", "submitted_by", "reviewed_by"))
    files = _files_by_report(reports)
    for report in reports:
        report.files = files.get(report.pk, [])
    plan = assignment.task.plan
    computed = computed_percent(assignment)
    obstacles = list(assignment.obstacles.select_related("answer_unit", "answered_by"))
    return {
        "assignment": assignment,
        "task": assignment.task,
        "plan": plan,
        "reports": reports,
        "extensions": list(
            assignment.extension_requests.select_related("requested_by", "decided_by")
        ),
        "obstacles": obstacles,
        "notices": list(assignment.urging_notices.all()),
        "computed_percent": computed,
        "show_computed": computed is not None or plan.progress_rule == Plan.ProgressRule.COMPUTED,
        "can_report": assignment.can_report(user),
        "can_submit": assignment.can_submit(user),
        "can_review": assignment.can_review(user),
        "is_open": assignment.status in OPEN_STATUSES,
        "answerable": {o.pk for o in obstacles if can_answer(o, user)},
    }


def can_answer(obstacle: Obstacle, user: User) -> bool:
    """The unit asked to answer (its focal point or head), or the secretariat."""
    access = user.access
    return access.can_manage_units or obstacle.answer_unit_id in access.own_unit_ids
