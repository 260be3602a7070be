"""Demo plans for An Giang, loaded by `manage.py load_demo_plans` (after `load_demo_data`).

Three plans, all marked `is_demo`:

- Plan 664/KH-UBND (18/10/2022), the five-year plan, with the seven default areas. The
  number and date are the real plan's; nothing else of it is loaded.
- The 2024 annual plan under it, with the 75 tasks of `reference/an_giang_plan_tasks_2024.json`
  (each labelled real or modelled, with its source). An Giang reported its 2024 plan done
  (66 of 66), so every assignment is back-filled as completed in 2024, most on time.
- A plan for the current year with 20 of those tasks re-dated around today, driven through
  the services into a realistic mix: completed on time and late, within term, overdue,
  reports waiting for the head of unit and for the secretariat, a pending and an approved
  extension, an unanswered obstacle and an urging notice to two overdue units.

Every plan is created in one transaction and skipped when it already exists, so a
second run changes nothing.
"""

from __future__ import annotations

import datetime
import json
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cchc.accounts.models import User
from cchc.core.text import fold
from cchc.units.models import Unit, UnitSuccession

from . import services
from .models import Assignment, Plan, ProgressReport, ReformArea, Task

REFERENCE = Path(__file__).resolve().parent / "reference" / "an_giang_plan_tasks_2024.json"
PROVINCE = "AG"
SECRETARIAT_UNIT = "SNV"
DEMO_UNIT = "STP"  # the unit of the demo focal point and head of unit

PLAN_664 = {
    "number": "664/KH-UBND",
    "title": "Cải cách hành chính tỉnh An Giang giai đoạn 2022-2025",
    "signed_on": datetime.date(2022, 10, 18),
    "period_start": datetime.date(2022, 1, 1),
    "period_end": datetime.date(2025, 12, 31),
    "notes": (
        "Dữ liệu minh họa (demo). Số, ngày ký và các nội dung cải cách là của Kế hoạch "
        "664/KH-UBND ngày 18/10/2022 của UBND tỉnh An Giang; văn bản ký không được tải lên."
    ),
}
PLAN_2024_NUMBER = "DEMO-2024/KH-UBND"
PLAN_2024_NOTES = (
    "Kế hoạch minh họa (demo): số hiệu không có thật. Nhiệm vụ lấy từ tệp tham chiếu; mỗi "
    "nhiệm vụ ghi rõ là thật (nội dung, cơ quan chủ trì từ nguồn của An Giang) hay mô phỏng, "
    "kèm nguồn. An Giang báo cáo hoàn thành 66/66 nhiệm vụ năm 2024; ở đây mọi nhiệm vụ "
    "đều được ghi nhận hoàn thành trong năm, phần lớn đúng hạn."
)
CURRENT_NOTES = (
    "Kế hoạch minh họa (demo) cho năm hiện tại: 20 nhiệm vụ của kế hoạch 2024 được đặt lại "
    "thời hạn quanh ngày hôm nay để các bảng theo dõi có số liệu."
)

# The lead-unit phrases of the annex that name groups of units rather than one unit.
GROUPS = {
    fold(
        "Các sở, ban, ngành tỉnh; UBND các huyện, thị xã, thành phố"
    ): Task.Scope.ALL_DEPARTMENTS_AND_LOCAL,
    fold("Các sở, ban, ngành tỉnh"): Task.Scope.ALL_DEPARTMENTS,
    fold("UBND các huyện, thị xã, thành phố"): Task.Scope.ALL_LOCAL,
}
THROUGHOUT_TEXTS = ("thuong xuyen", "trong nam")
DUE_DAY_TEXT = re.compile(r"ngay (\d{1,2})")
HIGH_PRIORITY = {"T007", "T008", "T043"}

# The current-year plan: reference task id and the units it is given to (the lead unit
# first; more than one unit makes a "selected units" task). STP appears often so that
# the demo focal point sees every status.
CURRENT_TASKS: list[tuple[str, tuple[str, ...]]] = [
    ("T001", ("SNV",)),
    ("T003", ("SNV", "STP", "SYT", "SXD", "SGDĐT")),
    ("T004", ("SNV",)),
    ("T005", ("SNV",)),
    ("T008", ("SNV", "STP", "STC", "SYT")),
    ("T011", ("SNV",)),
    ("T014", ("SNV", "STP")),
    ("T021", ("STP",)),
    ("T022", ("STP",)),
    ("T023", ("STP",)),
    ("T024", ("STP",)),
    ("T025", ("STP", "STC", "SYT")),
    ("T026", ("STP", "SXD", "SCT")),
    ("T030", ("VPUBND",)),
    ("T031", ("STP", "SYT", "SGDĐT")),
    ("T036", ("STP", "STC", "SXD")),
    ("T038", ("STP", "SYT", "SCT")),
    ("T046", ("STP", "SGDĐT")),
    ("T061", ("STC",)),
    ("T069", ("STP", "SYT", "SXD", "SCT")),
]


class DemoError(Exception):
    """The database lacks what the demo plans are built on."""


@dataclass
class DemoResult:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


@dataclass
class People:
    secretariat: User
    focal_point: User
    unit_leader: User
    others: dict[str, User]


def load_demo_plans(*, today: datetime.date | None = None) -> DemoResult:
    """Create the demo plans that are not there yet; return what was done."""
    today = today or timezone.localdate()
    people = _people()
    units = UnitIndex()
    province = units.by_code(PROVINCE)
    tasks = json.loads(REFERENCE.read_text(encoding="utf-8"))["tasks"]
    result = DemoResult()

    plan_664 = Plan.objects.filter(number=PLAN_664["number"], issuing_unit=province).first()
    if plan_664 is None:
        with transaction.atomic():
            plan_664 = services.create_plan(
                **PLAN_664,
                issuing_unit=province,
                progress_rule=Plan.ProgressRule.REPORTED,
                is_demo=True,
                by=people.secretariat,
            )
            services.seed_default_areas(plan_664, by=people.secretariat)
        result.created.append(str(plan_664))
    else:
        result.skipped.append(str(plan_664))

    if Plan.objects.filter(number=PLAN_2024_NUMBER, issuing_unit=province).exists():
        result.skipped.append(PLAN_2024_NUMBER)
    else:
        with transaction.atomic():
            plan = _plan_2024(plan_664, province, tasks, units, people)
        result.created.append(str(plan))

    number = f"DEMO-{today.year}/KH-UBND"
    if Plan.objects.filter(number=number, issuing_unit=province).exists():
        result.skipped.append(number)
    elif today.year != 2024:
        with transaction.atomic():
            plan = _plan_current(plan_664, province, tasks, units, people, today)
        result.created.append(str(plan))

    result.lines = summary(today)
    return result


# People and units ----------------------------------------------------------------------


def _people() -> People:
    users = {u.username: u for u in User.objects.filter(username__in=_DEMO_USERNAMES)}
    missing = sorted(set(_DEMO_USERNAMES) - set(users))
    if missing:
        raise DemoError(f"Run load_demo_data first (missing demo people: {missing}).")
    return People(
        secretariat=users["secretariat"],
        focal_point=users["focal_point"],
        unit_leader=users["unit_leader"],
        others=users,
    )


_DEMO_USERNAMES = ("secretariat", "focal_point", "unit_leader", "focal_chaudoc")


def unit_key(name: str) -> str:
    """A matching key for unit names as annexes write them ("Văn phòng UBND tỉnh")."""
    key = fold(name).replace("ubnd", "uy ban nhan dan")
    key = re.sub(r"[^a-z0-9 ]", " ", key)
    key = " ".join(key.split())
    for suffix in (" tinh an giang", " an giang", " tinh"):
        key = key.removesuffix(suffix)
    return key.removeprefix("uy ban nhan dan ").strip()


class UnitIndex:
    """Units by code and by name key; a unit that ended is followed to its successor."""

    def __init__(self) -> None:
        self.units = list(Unit.objects.all())
        self.codes = {u.code: u for u in self.units}
        self.keys: dict[str, list[Unit]] = {}
        for unit in self.units:
            self.keys.setdefault(unit_key(unit.name), []).append(unit)
        self.successors = dict(
            UnitSuccession.objects.filter(whole=True).values_list("predecessor_id", "successor_id")
        )
        self.by_pk = {u.pk: u for u in self.units}

    def by_code(self, code: str) -> Unit:
        try:
            return self.codes[code]
        except KeyError:
            raise DemoError(f"Run load_reference_data first (missing unit {code}).") from None

    def find(self, name: str, on: datetime.date) -> Unit | None:
        """The unit the name meant on `on`; None when the annex names a body outside the tree."""
        candidates = self.keys.get(unit_key(name), [])
        current = [u for u in candidates if u.is_current_on(on)]
        if current:
            return current[0]
        return self.current(candidates[0], on) if candidates else None

    def current(self, unit: Unit, on: datetime.date) -> Unit:
        seen: set[int] = set()
        while not unit.is_current_on(on) and unit.pk in self.successors and unit.pk not in seen:
            seen.add(unit.pk)
            unit = self.by_pk[self.successors[unit.pk]]
        return unit


# The 2024 annual plan ------------------------------------------------------------------


def _areas(plan: Plan, names: Iterable[str], people: People) -> dict[str, ReformArea]:
    """The seeded areas by the annex's names; an area the seed lacks is added."""
    seeded = services.seed_default_areas(plan, by=people.secretariat)
    by_key = {_area_key(a.name): a for a in seeded}
    areas: dict[str, ReformArea] = {}
    for name in names:
        area = by_key.get(_area_key(name))
        if area is None:
            position = max((a.position for a in by_key.values()), default=0) + 1
            area = services.create_area(
                plan, code=str(position), name=name, position=position, by=people.secretariat
            )
            by_key[_area_key(name)] = area
        areas[name] = area
    return areas


def _area_key(name: str) -> str:
    """Area names as the seed ("… CCHC") and the annex ("… cải cách hành chính") write them."""
    return fold(name).replace("cai cach hanh chinh", "cchc")


def _deadline(item: dict[str, Any]) -> dict[str, Any]:
    """Deadline kind, date, recurrence and due day from the annex's columns."""
    deadline = datetime.date.fromisoformat(item["deadline"])
    text = item["deadline_text"]
    recurrence = item["recurrence"]
    if recurrence in ("monthly", "quarterly"):
        found = DUE_DAY_TEXT.search(fold(text))
        # No due day: the period's last day.
        due_day = int(found.group(1)) if found else (deadline.day if deadline.day < 28 else None)
        return {
            "deadline_kind": Task.DeadlineKind.RECURRING,
            "recurrence": recurrence,
            "due_day": due_day,
        }
    if fold(text).startswith(THROUGHOUT_TEXTS):
        return {"deadline_kind": Task.DeadlineKind.THROUGHOUT}
    # A one-off task, or a yearly one: in an annual plan that is one occurrence by a date.
    return {"deadline_kind": Task.DeadlineKind.DATE, "deadline": deadline}


def _lead(name: str, units: UnitIndex, on: datetime.date) -> tuple[Unit, str, str]:
    """Lead unit, scope and a note for the coordinating text when the lead is not a unit."""
    scope = GROUPS.get(fold(name))
    if scope is not None:
        return units.by_code(SECRETARIAT_UNIT), scope, ""
    unit = units.find(name, on)
    if unit is not None:
        return unit, Task.Scope.LEAD, ""
    # Công an tỉnh is a central body, not in the province's tree: the provincial office
    # follows the task for it and the annex's words are kept.
    return units.by_code("VPUBND"), Task.Scope.LEAD, f"Chủ trì theo kế hoạch: {name}"


def _task_values(item: dict[str, Any], units: UnitIndex, on: datetime.date) -> dict[str, Any]:
    lead, scope, note = _lead(item["lead_unit"], units, on)
    coordinating = []
    for name in item["coordinating_units"]:
        unit = units.find(name, on) if fold(name) not in GROUPS else None
        if unit is not None and unit != lead and unit not in coordinating:
            coordinating.append(unit)
    written = "; ".join([note, *item["coordinating_units"]] if note else item["coordinating_units"])
    return {
        "code": item["id"],
        "content": item["content"],
        "lead_unit": lead,
        "scope": scope,
        "coordinating_units": coordinating,
        "coordinating_text": written[:500],
        "expected_output": item["output"][:500],
        "deadline_text": item["deadline_text"][:200],
        "priority": Task.Priority.HIGH if item["id"] in HIGH_PRIORITY else Task.Priority.NORMAL,
        "weight": Decimal("1"),
        "is_real": bool(item["is_real"]),
        "source": item["source"],
    }


def _plan_2024(
    parent: Plan, province: Unit, items: list[dict[str, Any]], units: UnitIndex, people: People
) -> Plan:
    plan = services.create_plan(
        number=PLAN_2024_NUMBER,
        title="Kế hoạch cải cách hành chính năm 2024",
        issuing_unit=province,
        signed_on=datetime.date(2023, 12, 20),
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 12, 31),
        parent=parent,
        progress_rule=Plan.ProgressRule.REPORTED,
        is_demo=True,
        notes=PLAN_2024_NOTES,
        by=people.secretariat,
    )
    areas = _areas(plan, dict.fromkeys(i["area"] for i in items), people)
    on = datetime.date(2024, 1, 1)
    for item in items:
        services.create_task(
            plan,
            area=areas[item["area"]],
            **_task_values(item, units, on),
            **_deadline(item),
            by=people.secretariat,
        )
    _complete_2024(plan, people)
    return plan


def _complete_2024(plan: Plan, people: People) -> None:
    """Back-fill the finished year: every assignment completed, a few of them late.

    The services date a completion by the day the unit submits, which is always today; a
    year that ended cannot be replayed through them, so the accepted completion reports
    are written here directly (with their history rows), dated in 2024.
    """
    rng = random.Random(2024)
    assignments = list(
        Assignment.objects.filter(task__plan=plan).select_related("unit").order_by("pk")
    )
    authors = {"STP": people.focal_point, "884": people.others["focal_chaudoc"]}
    reports = []
    for assignment in assignments:
        late = rng.random() < 0.06
        if late:
            done = assignment.deadline + datetime.timedelta(days=rng.randint(2, 25))
        else:
            done = assignment.deadline - datetime.timedelta(days=rng.randint(0, 12))
        done = max(done, assignment.period_start or plan.period_start)
        submitted = _at(done, 15)
        reports.append(
            ProgressReport(
                assignment=assignment,
                percent=100,
                is_completion=True,
                work_done="Đã hoàn thành nhiệm vụ theo kế hoạch (số liệu minh họa).",
                status=ProgressReport.Status.ACCEPTED,
                created_by=authors.get(assignment.unit.code, people.secretariat),
                created_at=submitted - datetime.timedelta(hours=3),
                submitted_by=authors.get(assignment.unit.code, people.secretariat),
                submitted_at=submitted,
                reviewed_by=people.secretariat,
                reviewed_at=submitted + datetime.timedelta(days=2),
                review_comment="Tiếp nhận.",
            )
        )
        assignment.completed_on = done
        assignment.progress_percent = 100
    reports = bulk_create_with_history(reports, ProgressReport, default_user=people.secretariat)
    # bulk_create_with_history returns the objects with primary keys on PostgreSQL and
    # SQLite ≥ 3.35; fetch them back in case the backend did not.
    if any(r.pk is None for r in reports):
        by_assignment = dict(
            ProgressReport.objects.filter(assignment__task__plan=plan).values_list(
                "assignment_id", "pk"
            )
        )
        for assignment in assignments:
            assignment.completion_report_id = by_assignment[assignment.pk]
    else:
        for assignment, report in zip(assignments, reports, strict=True):
            assignment.completion_report = report
    bulk_update_with_history(
        assignments,
        Assignment,
        ["completed_on", "progress_percent", "completion_report"],
        default_user=people.secretariat,
    )


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


# The current-year plan -----------------------------------------------------------------


def _redate(text: str, year: int) -> str:
    return text.replace("2024", str(year)).replace("2023", str(year - 1))


def _plan_current(
    parent: Plan,
    province: Unit,
    items: list[dict[str, Any]],
    units: UnitIndex,
    people: People,
    today: datetime.date,
) -> Plan:
    year = today.year
    plan = services.create_plan(
        number=f"DEMO-{year}/KH-UBND",
        title=f"Kế hoạch cải cách hành chính năm {year}",
        issuing_unit=province,
        signed_on=datetime.date(year - 1, 12, 20),
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
        parent=parent if parent.period_end.year >= year else None,
        progress_rule=Plan.ProgressRule.REPORTED,
        is_demo=True,
        notes=CURRENT_NOTES,
        by=people.secretariat,
    )
    by_id = {i["id"]: i for i in items}
    areas = _areas(plan, dict.fromkeys(by_id[t]["area"] for t, _ in CURRENT_TASKS), people)
    deadlines = _spread(today, len(CURRENT_TASKS), plan)
    for (task_id, codes), deadline in zip(CURRENT_TASKS, deadlines, strict=True):
        item = by_id[task_id]
        values = _task_values(item, units, today)
        assigned = [units.current(units.by_code(c), today) for c in codes]
        values.update(
            content=_redate(item["content"], year),
            expected_output=_redate(values["expected_output"], year),
            deadline_text=f"Trước {deadline:%d/%m/%Y}",
            lead_unit=assigned[0],
            scope=Task.Scope.SELECTED if len(assigned) > 1 else Task.Scope.LEAD,
            coordinating_units=[u for u in values["coordinating_units"] if u not in assigned],
        )
        services.create_task(
            plan,
            area=areas[item["area"]],
            selected_units=assigned if len(assigned) > 1 else (),
            deadline_kind=Task.DeadlineKind.DATE,
            deadline=deadline,
            **values,
            by=people.secretariat,
        )
    Scenario(plan, people, today).play()
    return plan


def _spread(today: datetime.date, count: int, plan: Plan) -> list[datetime.date]:
    """`count` deadlines from three months ago to three months ahead, within the plan's
    period: the first half before today, the second half from today on.

    (On the first days of January there is no "before today" in the year: then the past
    half falls on the first day, which is also today.)
    """
    first = max(today - datetime.timedelta(days=90), plan.period_start)
    last = min(today + datetime.timedelta(days=90), plan.period_end)
    before = max(first, today - datetime.timedelta(days=1))
    past, future = count // 2, count - count // 2
    step_past = (before - first).days / max(past - 1, 1)
    step_future = (last - today).days / max(future - 1, 1)
    return [first + datetime.timedelta(days=round(i * step_past)) for i in range(past)] + [
        today + datetime.timedelta(days=round(i * step_future)) for i in range(future)
    ]


class Scenario:
    """Drive the current-year assignments through the services into a realistic mix."""

    def __init__(self, plan: Plan, people: People, today: datetime.date) -> None:
        self.plan = plan
        self.people = people
        self.today = today
        self.rng = random.Random(today.year)
        self.assignments = list(
            Assignment.objects.filter(task__plan=plan)
            .select_related("task", "unit")
            .order_by("deadline", "task__code", "unit__code")
        )
        self.used: set[int] = set()

    def _pick(
        self, *, past: bool, unit: str | None = None, exclude: str | None = None
    ) -> Assignment:
        for assignment in self.assignments:
            if assignment.pk in self.used:
                continue
            if (assignment.deadline < self.today) != past:
                continue
            if unit is not None and assignment.unit.code != unit:
                continue
            if exclude is not None and assignment.unit.code == exclude:
                continue
            self.used.add(assignment.pk)
            return assignment
        raise DemoError("The demo plan has too few assignments for its scenario.")

    def _writer(self, assignment: Assignment) -> tuple[User, User]:
        if assignment.unit.code == DEMO_UNIT:
            return self.people.focal_point, self.people.unit_leader
        return _unit_people(assignment.unit)

    def _report(
        self,
        assignment: Assignment,
        percent: int,
        *,
        submit: bool = True,
        accept: bool = True,
        obstacles: str = "",
    ) -> ProgressReport:
        writer, head = self._writer(assignment)
        completion = percent == 100
        report = services.save_progress_report(
            assignment,
            percent=percent,
            work_done=_WORK_DONE[completion],
            output_documents=_OUTPUT[completion] if completion else "",
            obstacles=obstacles,
            is_completion=completion,
            by=writer,
        )
        if submit:
            services.submit_progress_report(report, by=head)
            if accept:
                services.accept_progress_report(
                    report, by=self.people.secretariat, comment="Tiếp nhận báo cáo."
                )
        return report

    def play(self) -> None:
        # The demo unit (STP) first, so that its focal point sees every status.
        self._report(self._pick(past=False, unit=DEMO_UNIT), 100)  # on time
        self._report(self._pick(past=True, unit=DEMO_UNIT), 100)  # late
        self._report(self._pick(past=False, unit=DEMO_UNIT), 60)  # within term
        self._report(self._pick(past=True, unit=DEMO_UNIT), 40)  # overdue
        # waiting for the head of unit, and for the secretariat
        self._report(self._pick(past=False, unit=DEMO_UNIT), 50, submit=False)
        self._report(self._pick(past=True, unit=DEMO_UNIT), 100, accept=False)
        self._report(self._pick(past=False, unit=DEMO_UNIT), 100, accept=False)
        services.cancel_assignment(
            self._pick(past=False, unit=DEMO_UNIT),
            reason="Nội dung đã được lồng ghép vào nhiệm vụ khác của kế hoạch.",
            by=self.people.secretariat,
        )
        self._extensions()
        self._obstacle()
        self._urging()
        self._others()

    def _extensions(self) -> None:
        pending = self._pick(past=True, unit=DEMO_UNIT)
        self._report(pending, 70)
        services.request_extension(
            pending,
            requested_deadline=self.today + datetime.timedelta(days=30),
            reason="Chờ ý kiến thẩm định của Bộ Tư pháp đối với dự thảo văn bản.",
            by=self.people.focal_point,
        )
        approved = self._pick(past=True, exclude=DEMO_UNIT)
        writer, _head = self._writer(approved)
        request = services.request_extension(
            approved,
            requested_deadline=self.today + datetime.timedelta(days=21),
            reason="Nhiệm vụ phụ thuộc kết quả rà soát của các sở, ngành phối hợp.",
            by=writer,
        )
        services.decide_extension(
            request,
            approve=True,
            approved_deadline=self.today + datetime.timedelta(days=21),
            note="Đồng ý gia hạn.",
            by=self.people.secretariat,
        )

    def _obstacle(self) -> None:
        assignment = self._pick(past=False, unit=DEMO_UNIT)
        report = self._report(
            assignment,
            45,
            obstacles="Chưa có hướng dẫn thống nhất về quy trình số hóa kết quả giải quyết TTHC.",
        )
        services.raise_obstacle(
            assignment,
            kind="obstacle",
            text="Đề nghị Sở Nội vụ hướng dẫn thống nhất quy trình số hóa kết quả giải quyết TTHC.",
            answer_unit=Unit.objects.get(code=SECRETARIAT_UNIT),
            answer_due=self.today + datetime.timedelta(days=10),
            report=report,
            by=self.people.focal_point,
        )

    def _urging(self) -> None:
        first = self._pick(past=True, unit=DEMO_UNIT)
        second = self._pick(past=True, exclude=DEMO_UNIT)
        services.issue_urging_notice(
            [first, second],
            subject="V/v đôn đốc thực hiện nhiệm vụ cải cách hành chính quá hạn",
            body=(
                "Sở Nội vụ đề nghị Thủ trưởng các cơ quan, đơn vị khẩn trương hoàn thành các "
                "nhiệm vụ cải cách hành chính đã quá hạn và báo cáo kết quả về Sở Nội vụ."
            ),
            signer_name="Nguyễn Văn Giám Đốc",
            signer_position="Giám đốc Sở Nội vụ",
            issued_on=self.today,
            by=self.people.secretariat,
        )

    def _others(self) -> None:
        """The rest: most done, some in progress, some overdue with no report."""
        for assignment in self.assignments:
            if assignment.pk in self.used:
                continue
            self.used.add(assignment.pk)
            roll = self.rng.random()
            if assignment.deadline >= self.today:
                if roll < 0.4:
                    self._report(assignment, 100)
                elif roll < 0.5:
                    self._report(assignment, 100, accept=False)  # for the secretariat
                elif roll < 0.85:
                    self._report(assignment, self.rng.choice((30, 40, 50, 60, 70, 80)))
            elif roll < 0.55:
                self._report(assignment, 100)
            elif roll < 0.8:
                self._report(assignment, self.rng.choice((20, 30, 50, 70)))


_WORK_DONE = {
    True: "Đã hoàn thành nhiệm vụ; kết quả gửi kèm báo cáo (số liệu minh họa).",
    False: "Đang triển khai theo kế hoạch của đơn vị (số liệu minh họa).",
}
_OUTPUT = {True: "Báo cáo kết quả thực hiện nhiệm vụ (minh họa)", False: ""}


def _unit_people(unit: Unit) -> tuple[User, User]:
    """Demo colleagues (no password) for a unit without demo logins, made once."""
    from cchc.accounts.models import RoleAssignment
    from cchc.accounts.roles import Role

    slug = fold(unit.code).replace(" ", "")
    people = []
    for role, prefix, title in (
        (Role.FOCAL_POINT, "demo_fp_", "Chuyên viên đầu mối CCHC"),
        (Role.UNIT_LEADER, "demo_head_", "Thủ trưởng đơn vị"),
    ):
        user, created = User.objects.get_or_create(
            username=f"{prefix}{slug}",
            defaults={
                "full_name": f"{title} ({unit.short_name or unit.code})",
                "position": f"{title}, {unit.name}",
                "email": f"{prefix}{slug}@demo.angiang.gov.vn",
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            RoleAssignment.objects.create(user=user, role=role, unit=unit)
        people.append(user)
    return people[0], people[1]


# Summary -------------------------------------------------------------------------------


def summary(today: datetime.date) -> list[str]:
    """One line per demo plan: tasks, assignments and their statuses; then the queues."""
    lines = []
    for plan in Plan.objects.filter(is_demo=True).order_by("period_start", "number"):
        statuses = dict(
            Assignment.objects.filter(task__plan=plan)
            .with_status(today)
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        counts = ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
        lines.append(
            f"{plan.number}: {plan.tasks.count()} tasks, {plan.areas.count()} areas, "
            f"{sum(statuses.values())} assignments ({counts or 'none'})"
        )
    waiting = ProgressReport.objects.filter(
        assignment__task__plan__is_demo=True, status=ProgressReport.Status.SUBMITTED
    ).count()
    lines.append(f"Reports waiting for the secretariat: {waiting}")
    return lines
