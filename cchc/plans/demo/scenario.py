"""The statuses of the current-year plan: its assignments driven through the services."""

from __future__ import annotations

import datetime
import random

from cchc.accounts.models import User
from cchc.units.models import Unit

from .. import services
from ..models import Assignment, Plan, ProgressReport
from ._common import DEMO_UNIT, SECRETARIAT_UNIT, DemoError, People
from .people import _unit_people


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
