"""The permission matrix's cast and vocabulary: roles, the world each row runs in, `Row`.

Used by `matrix_rows.py` (the table) and `test_permission_matrix.py` (the runner).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from cchc.accounts.models import ApiToken, RoleAssignment, User
from cchc.accounts.roles import Role
from cchc.accounts.tests.factories import make_user
from cchc.core.models import Attachment, Notification
from cchc.plans import services as plan_services
from cchc.plans.models import (
    Assignment,
    ExtensionRequest,
    Obstacle,
    Plan,
    ProgressReport,
    Task,
    UrgingNotice,
)
from cchc.scoring.models import (
    AppraiserAssignment,
    CouncilApproval,
    CriteriaSet,
    Criterion,
    Evidence,
    Round,
    Score,
    ScoreSheet,
)
from cchc.scoring.services import publication as par_publication
from cchc.scoring.services import recompute as par_recompute
from cchc.scoring.services import rounds as par_rounds
from cchc.scoring.services import sheets as par_sheets
from cchc.scoring.tests.round_helpers import tiny_set
from cchc.units.models import Unit
from cchc.units.tests.factories import make_unit

from .matrix_world_surveys import SurveyWorld, survey_world

OK = "ok"
ANON = "anonymous"
ROLES = [
    ANON,
    "admin",
    "secretariat",
    "focal_point",
    "unit_leader",
    "appraiser",
    "council_member",
    "leader",
    "outsider",
    "no_role",
]
MANAGERS = {"admin", "secretariat"}
PROVINCE_WIDE = MANAGERS | {"appraiser", "council_member", "leader"}
SEES_UNIT_A = PROVINCE_WIDE | {"focal_point", "unit_leader"}
LOGGED_IN = set(ROLES) - {ANON}
HAS_ROLE = LOGGED_IN - {"no_role"}
UNIT_A = {"focal_point", "unit_leader"}
# Roles that see unit A's assignments but may not act: 403; the others do not see them: 404.
HIDDEN = {"outsider": 404, "no_role": 404}


@dataclass
class PlanWorld:
    """Unit A's overdue assignment with a submitted report, a pending extension, an
    obstacle for unit A to answer and an urging notice; a second one with a draft report."""

    plan: Plan
    task: Task
    assignment: Assignment
    submitted: ProgressReport
    draft: ProgressReport
    extension: ExtensionRequest
    obstacle: Obstacle
    notice: UrgingNotice
    notification: Notification


def _plan_world(province: Unit, unit_a: Unit, people: dict[str, User]) -> PlanWorld:
    s, admin = plan_services, people["admin"]
    focal, head = people["focal_point"], people["unit_leader"]
    plan = s.create_plan(
        number="01/KH-UBND",
        title="Kế hoạch CCHC năm 2024",
        issuing_unit=province,
        signed_on=datetime.date(2023, 12, 20),
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 12, 31),
        progress_rule=Plan.ProgressRule.REPORTED,
        by=admin,
    )
    area = s.create_area(plan, code="II", name="Cải cách thể chế", position=1, by=admin)
    tasks = [
        s.create_task(
            plan, area=area, code=code, content="Rà soát văn bản quy phạm pháp luật",
            lead_unit=unit_a, scope=Task.Scope.LEAD, deadline_kind=Task.DeadlineKind.DATE,
            deadline=datetime.date(2024, 6, 30), priority=Task.Priority.NORMAL, weight=1,
            by=admin,
        )
        for code in ("1", "2")
    ]  # fmt: skip
    first, second = (t.assignments.get() for t in tasks)
    submitted = s.save_progress_report(first, percent=50, work_done="Đã rà soát", by=focal)
    s.submit_progress_report(submitted, by=head)
    draft = s.save_progress_report(second, percent=10, work_done="Bắt đầu", by=focal)
    extension = s.request_extension(
        first, requested_deadline=datetime.date(2099, 1, 31), reason="Chờ ý kiến", by=focal
    )
    obstacle = s.raise_obstacle(
        first, kind=Obstacle.Kind.OBSTACLE, text="Thiếu kinh phí", answer_unit=unit_a,
        answer_due=datetime.date(2099, 1, 31), by=people["secretariat"],
    )  # fmt: skip
    notice = s.issue_urging_notice(
        [first], subject="Đôn đốc", body="Đề nghị hoàn thành", signer_name="Nguyễn Văn A",
        signer_position="Giám đốc", by=admin,
    )  # fmt: skip
    notification = Notification.objects.create(recipient=focal, verb="x", text="Đôn đốc")
    return PlanWorld(
        plan, tasks[0], first, submitted, draft, extension, obstacle, notice, notification
    )


# The PAR Index ----------------------------------------------------------------------------

# A round built at stage i (0 self-assessment, 1 appraisal round 1, 2 explanation,
# 3 appraisal round 2, 4 council, 5 and more: over) has today inside that stage's window:
# role assignments start today, so the rows run today, without time travel.
Sheet = ScoreSheet.Status


def par_schedule(stage: int) -> dict[str, datetime.date]:
    """Windows of three days, four days apart; today is the second day of window `stage`."""
    start = timezone.localdate() - datetime.timedelta(days=4 * stage + 1)
    days = [d for i in range(5) for d in (4 * i, 4 * i + 2)] + [20]
    return {
        name: start + datetime.timedelta(days=d)
        for name, d in zip(par_rounds.SCHEDULE, days, strict=True)
    }


@dataclass
class ScoringWorld:
    """PAR Index sets, and a round at each step of the workflow with today inside the stage
    its rows act in. Unit A has a sheet in every round: `rounds[key]`, `sheets[key]` (unit
    A's) and `manual[key]` (unit A's score of 1.1: manual, 0 to 6 in steps of 0.5) for

    - current: opened by the service, self-assessment open; unit A's and unit B's sheets in
      draft; unit A scored 1.1 and cites its progress report (`evidence`); `survey` is
      unit A's 1.2 (survey points, entered by the secretariat);
    - appraisal_1: unit A's sheet submitted, appraisal round 1 open;
    - explanation: round 1 closed with 1.1 flagged and explained once, explanation open;
    - appraisal_2: unit A's explanations sent, appraisal round 2 open;
    - appraised: every sheet final, not compiled yet;
    - compiled: before the council, its window open, nobody has approved yet;
    - approved: approved by the council member, not published;
    - published: last year's round, revision 1 published.

    The appraiser appraises area "1" of the first four rounds (`assignment`: in current),
    so sees those sheets and no other before publication; the council member sees the
    compiled and approved ones. `draft_set` (next year's) is not locked; `criteria_set`
    (this year's, the rounds' set) and last year's are.
    """

    draft_set: CriteriaSet
    criteria_set: CriteriaSet
    rounds: dict[str, Round]
    sheets: dict[str, ScoreSheet]
    manual: dict[str, Score]
    survey: Score
    evidence: Evidence
    assignment: AppraiserAssignment


def _par_set(year: int) -> CriteriaSet:
    """`tiny_set` (area 1 of 10 points) with 1.2 from the survey: 1.1 manual 6, 1.2 survey 4."""
    s = tiny_set(year=year)
    Criterion.objects.filter(criteria_set=s, code="1.2").update(
        method="survey", source=Criterion.Source.SURVEY, params={}
    )
    return s


# What unit A's 1.1 holds at each step after the self-assessment.
_SELF = {"entered_points": Decimal(5), "self_points": Decimal(5), "note": "Có báo cáo"}
_FLAGGED = _SELF | {
    "round_1_points": Decimal(4),
    "round_1_comment": "Thiếu minh chứng",
    "needs_explanation": True,
    "explanation": "Đã bổ sung báo cáo",
}
_FINAL = _FLAGGED | {"round_2_points": Decimal("4.5"), "needs_explanation": False}


def _round_at(
    key: str,
    stage: int,
    criteria_set: CriteriaSet,
    units: list[Unit],
    sheet_status: str,
    manual: dict[str, Any],
    *,
    by: User,
    appraiser: User | None = None,
) -> Round:
    """A round as the workflow would have left it at `stage`, written directly (the steps
    before were done by the services elsewhere; here only the state matters)."""
    round_ = Round.objects.create(
        year=criteria_set.year, name=f"Chỉ số CCHC {criteria_set.year} ({key})", opened_by=by,
        **par_schedule(stage),
    )  # fmt: skip
    round_.criteria_sets.add(criteria_set)
    sheets = ScoreSheet.objects.bulk_create(
        ScoreSheet(round=round_, unit=u, criteria_set=criteria_set, status=sheet_status)
        for u in units
    )
    criteria = {c.code: c for c in criteria_set.criteria.exclude(method="")}
    survey = {"entered_points": Decimal(3), "self_points": Decimal(3)}
    Score.objects.bulk_create(
        Score(sheet=sheet, criterion=criteria[code], **fields)
        for sheet in sheets
        for code, fields in (("1.1", manual), ("1.2", survey))
    )
    if appraiser is not None:
        AppraiserAssignment.objects.create(
            round=round_, area_code="1", appraiser=appraiser, assigned_by=by
        )
    return round_


def _scoring_world(
    unit_a: Unit, unit_b: Unit, people: dict[str, User], plans: PlanWorld
) -> ScoringWorld:
    secretariat, focal = people["secretariat"], people["focal_point"]
    appraiser = people["appraiser"]
    year = timezone.localdate().year  # a progress report is cited in its year's round
    this_year, last_year = _par_set(year), _par_set(year - 1)
    CriteriaSet.objects.filter(pk=last_year.pk).update(locked_at=timezone.now())
    current = par_rounds.open_round(
        year=year, name=f"Chỉ số CCHC {year}", criteria_sets=[this_year], schedule=par_schedule(0),
        by=secretariat, units=[unit_a, unit_b], tell_units=False,
    )  # fmt: skip
    assignment = par_rounds.assign_appraiser(
        current, area_code="1", appraiser=appraiser, by=secretariat
    )
    both = [unit_a, unit_b]
    at = functools.partial(_round_at, by=secretariat)
    found = {
        "current": current,
        "appraisal_1": at("appraisal_1", 1, this_year, [unit_a], Sheet.SUBMITTED, _SELF,
                          appraiser=appraiser),
        "explanation": at("explanation", 2, this_year, [unit_a], Sheet.APPRAISED_1, _FLAGGED,
                          appraiser=appraiser),
        "appraisal_2": at("appraisal_2", 3, this_year, [unit_a], Sheet.EXPLAINED, _FLAGGED,
                          appraiser=appraiser),
        "appraised": at("appraised", 5, this_year, [unit_a], Sheet.FINAL, _FINAL),
        "compiled": at("compiled", 4, this_year, both, Sheet.FINAL, _FINAL),
        "approved": at("approved", 4, this_year, both, Sheet.FINAL, _FINAL),
        "published": at("published", 20, last_year, both, Sheet.FINAL, _FINAL),
    }  # fmt: skip
    for key in ("compiled", "approved", "published"):
        par_recompute.recompute_round(found[key])
    now = timezone.now()
    Round.objects.filter(pk=found["compiled"].pk).update(
        status=Round.Status.COMPILED, compiled_at=now
    )
    Round.objects.filter(pk__in=[found["approved"].pk, found["published"].pk]).update(
        status=Round.Status.APPROVED, compiled_at=now
    )
    for key in ("approved", "published"):
        CouncilApproval.objects.create(round=found[key], member=people["council_member"])
    for round_ in found.values():
        round_.refresh_from_db()
    par_publication.publish_round(found["published"], by=secretariat, tell_units=False)

    sheets = {key: r.sheets.get(unit=unit_a) for key, r in found.items()}
    scores = Score.objects.filter(sheet__unit=unit_a).select_related("criterion", "sheet")
    by_round = {s.sheet.round_id: s for s in scores.filter(criterion__code="1.1")}
    manual = {key: by_round[r.pk] for key, r in found.items()}
    par_sheets.self_score(manual["current"], by=focal, entered_points=Decimal(5))
    evidence = par_sheets.add_evidence_reference(
        manual["current"], kind="progress_report", pk=plans.submitted.pk, by=focal
    )
    return ScoringWorld(
        draft_set=_par_set(year + 1),
        criteria_set=this_year,
        rounds=found,
        sheets=sheets,
        manual=manual,
        survey=sheets["current"].scores.get(criterion__code="1.2"),
        evidence=evidence,
        assignment=assignment,
    )


@dataclass
class World:
    province: Unit
    unit_a: Unit
    unit_b: Unit
    people: dict[str, User]
    subject: User  # a person managers act on: the focal point of unit_a
    subject_role: RoleAssignment
    subject_token: ApiToken
    attachment: Attachment
    plans: PlanWorld
    built_scoring: ScoringWorld | None = None
    built_surveys: SurveyWorld | None = None

    @property
    def scoring(self) -> ScoringWorld:
        if self.built_scoring is None:
            raise LookupError("The PAR Index world is built for the rows named in SCORING_ROWS.")
        return self.built_scoring

    @property
    def surveys(self) -> SurveyWorld:
        if self.built_surveys is None:
            raise LookupError("The survey world is built for the rows named in SURVEY_ROWS.")
        return self.built_surveys


# The rows that use `World.scoring` (`World.surveys`): only their tests pay for building it.
SCORING_ROWS = ("scoring:", "par_")
SURVEY_ROWS = ("surveys:", "survey_form:", "surveys_")


def _row_name(request: pytest.FixtureRequest) -> str:
    callspec = getattr(request.node, "callspec", None)
    return str(callspec.params.get("name", "")) if callspec else ""


@pytest.fixture
def world(db, request: pytest.FixtureRequest) -> World:
    province = make_unit("Tỉnh An Giang", kind=Unit.Kind.PROVINCE, code="AG")
    unit_a = make_unit("Sở Tư pháp", parent=province, code="STP")
    unit_b = make_unit("Sở Y tế", parent=province, code="SYT")
    roles = {
        "admin": (Role.ADMIN, province),
        "secretariat": (Role.SECRETARIAT, province),
        "focal_point": (Role.FOCAL_POINT, unit_a),
        "unit_leader": (Role.UNIT_LEADER, unit_a),
        "appraiser": (Role.APPRAISER, unit_a),
        "council_member": (Role.COUNCIL_MEMBER, province),
        "leader": (Role.LEADER, province),
        "outsider": (Role.FOCAL_POINT, unit_b),
    }
    people = {name: make_user(name, roles=[held]) for name, held in roles.items()}
    people["no_role"] = make_user("no_role")
    subject = people["focal_point"]
    token = ApiToken.objects.create(user=subject, name="t", token_hash="0" * 64, hint="cchc_x")
    attachment = Attachment(
        owner=unit_a,
        original_name="quyet-dinh.pdf",
        content_type="application/pdf",
        size=8,
        sha256="0" * 64,
        uploaded_by=people["secretariat"],
    )
    attachment.file.save("quyet-dinh.pdf", ContentFile(b"%PDF-1.4"), save=False)
    attachment.save()
    plans = _plan_world(province, unit_a, people)
    return World(
        province,
        unit_a,
        unit_b,
        people,
        subject,
        subject.role_assignments.get(),
        token,
        attachment,
        plans,
        _scoring_world(unit_a, unit_b, people, plans)
        if _row_name(request).startswith(SCORING_ROWS)
        else None,
        survey_world(unit_a, unit_b, people)
        if _row_name(request).startswith(SURVEY_ROWS)
        else None,
    )


@dataclass
class Row:
    method: str
    url: Callable[[World], str]
    ok_for: set[str]
    denied: int = 403  # what a logged-in role outside ok_for gets
    denied_overrides: dict[str, int] = field(default_factory=dict)
    data: Callable[[World], dict[str, Any]] | None = None
    public: bool = False  # anonymous is served too
    ok_status: int | str = OK  # what a role in ok_for gets, when it must be exact

    def expected(self, role: str) -> str | int:
        if role == ANON:
            return self.ok_status if self.public else "login"
        if role in self.ok_for:
            return self.ok_status
        return self.denied_overrides.get(role, self.denied)


def page(name: str, *args: Callable[[World], Any]) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[a(w) for a in args])


unit_a_pk = lambda w: w.unit_a.pk  # noqa: E731
plan_pk = lambda w: w.plans.plan.pk  # noqa: E731
task_pk = lambda w: w.plans.task.pk  # noqa: E731
assignment_pk = lambda w: w.plans.assignment.pk  # noqa: E731
subject_pk = lambda w: w.subject.pk  # noqa: E731
