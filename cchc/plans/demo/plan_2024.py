"""The 2024 annual plan: the 75 reference tasks, every assignment back-filled as completed."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cchc.units.models import Unit

from .. import services
from ..models import Assignment, Plan, ProgressReport
from ._common import People
from .reference import UnitIndex, _areas, _deadline, _task_values

PLAN_2024_NUMBER = "DEMO-2024/KH-UBND"
PLAN_2024_NOTES = (
    "Kế hoạch minh họa (demo): số hiệu không có thật. Nhiệm vụ lấy từ tệp tham chiếu; mỗi "
    "nhiệm vụ ghi rõ là thật (nội dung, cơ quan chủ trì từ nguồn của An Giang) hay mô phỏng, "
    "kèm nguồn. An Giang báo cáo hoàn thành 66/66 nhiệm vụ năm 2024; ở đây mọi nhiệm vụ "
    "đều được ghi nhận hoàn thành trong năm, phần lớn đúng hạn."
)


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
