"""Read models of the PAR Index pages: the score sheet as rows, and what a person may do on it.

`sheet_rows` reads a sheet in a fixed number of queries whatever its size (criteria, scores,
evidence with their files), then adds up the tree in memory with `calculations`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cchc.accounts.roles import Role

from . import calculations as calc
from . import metrics
from .models import Criterion, Evidence, Round, Score, ScoreSheet, Stage
from .services._common import require_window
from .services.recompute import self_points

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from cchc.accounts.models import User

Status = ScoreSheet.Status

# Labels of the figures a metric reading carries (`metrics.Reading.data`).
FIGURE_LABELS: dict[str, Promise] = {
    "on_time": _("on time"),
    "late": _("late"),
    "overdue": _("overdue"),
    "within_term": _("within term"),
    "due": _("due"),
}


# --- what a person may do on a sheet now ------------------------------------------------------


@dataclass(frozen=True)
class SheetAccess:
    """What `user` may do on `sheet` now (the services check again when it is done)."""

    full_view: bool  # every row; otherwise only the rows of `areas`
    areas: frozenset[str]  # the area codes the person appraises
    self_assess: bool  # declare points (draft, own unit, window open)
    evidence_stage: str  # "self", "explanation" or "" (no evidence can be added)
    explain: bool  # answer flagged rows
    survey: bool  # enter survey points (secretariat, round open)
    appraise_round: int  # 1 or 2 while that round is open to the person, else 0
    submit: bool
    send_explanations: bool
    close_round_1: bool
    close_round_2: bool
    notice: str  # why the person's own stage is not open ("" when it is)


def _window_problem(round_: Round, stage: str, unit_id: int | None = None) -> str:
    """The service's message when `stage` is not open today ("" when it is)."""
    try:
        require_window(round_, stage, unit_id=unit_id)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return ""


def _full_view(sheet: ScoreSheet, user: User) -> bool:
    """Managers, the unit itself, council members before publication and everyone after
    it see every row; appraisers alone see the rows of their areas."""
    access = user.access
    if access.can_manage_units or sheet.is_own(user):
        return True
    status = sheet.round.status
    if status == Round.Status.PUBLISHED:
        return True
    compiled = status in (Round.Status.COMPILED, Round.Status.APPROVED)
    return compiled and access.has_role(Role.COUNCIL_MEMBER)


def _unit_stage(sheet: ScoreSheet, own: bool) -> tuple[bool, bool, str]:
    """(may self-assess, may explain, notice) for the unit's people."""
    if not own or sheet.status not in (Status.DRAFT, Status.APPRAISED_1):
        return False, False, ""
    stage = Stage.SELF_ASSESSMENT if sheet.status == Status.DRAFT else Stage.EXPLANATION
    problem = _window_problem(sheet.round, stage, unit_id=sheet.unit_id)
    if sheet.status == Status.DRAFT:
        return not problem, False, problem
    return False, not problem, problem


def _appraise_round(sheet: ScoreSheet, areas: frozenset[str]) -> tuple[int, str]:
    if not areas:
        return 0, ""
    if sheet.status == Status.SUBMITTED:
        round_no, stage = 1, Stage.APPRAISAL_1
    elif sheet.status in (Status.APPRAISED_1, Status.EXPLAINED):
        round_no, stage = 2, Stage.APPRAISAL_2
    else:
        return 0, ""
    problem = _window_problem(sheet.round, stage)
    return (0 if problem else round_no), problem


def sheet_access(sheet: ScoreSheet, user: User) -> SheetAccess:
    own = sheet.can_self_assess(user)
    manager = sheet.round.can_manage(user)
    areas = frozenset(sheet.appraised_areas(user))
    self_assess, explain, unit_notice = _unit_stage(sheet, own)
    appraise_round, appraise_notice = _appraise_round(sheet, areas)
    stage = "self" if self_assess else ("explanation" if explain else "")
    return SheetAccess(
        full_view=_full_view(sheet, user),
        areas=areas,
        self_assess=self_assess,
        evidence_stage=stage,
        explain=explain,
        survey=manager and sheet.round.status == Round.Status.OPEN,
        appraise_round=appraise_round,
        submit=sheet.status == Status.DRAFT and sheet.can_submit(user),
        send_explanations=own and sheet.status == Status.APPRAISED_1,
        close_round_1=manager and sheet.status == Status.SUBMITTED,
        close_round_2=manager and sheet.status in (Status.APPRAISED_1, Status.EXPLAINED),
        notice=unit_notice or appraise_notice,
    )


# --- the rows ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Diff:
    """A change of points between two columns, for a class and a text (not colour alone)."""

    value: Decimal

    @property
    def css(self) -> str:
        return "diff-up" if self.value > 0 else "diff-down"

    @property
    def sign(self) -> str:
        return "+" if self.value > 0 else "\u2212"  # a real minus sign

    @property
    def magnitude(self) -> Decimal:
        return abs(self.value)


def diff(new: Decimal | None, old: Decimal | None) -> Diff | None:
    if new is None or old is None or new == old:
        return None
    return Diff(new - old)


@dataclass(frozen=True)
class Figure:
    label: str | Promise
    value: Any


@dataclass
class Row:
    """One line of the sheet: a heading (area or criterion with children) or a scored row."""

    criterion: Criterion
    heading: bool
    points: Decimal | None = None  # self-assessed: of the leaf, or the heading's subtotal
    appraised: Decimal | None = None
    maximum: Decimal | None = None
    score: Score | None = None
    not_applicable: bool = False
    percent: Decimal | None = None  # ratio (or bands on a ratio): the declared percent
    figures: list[Figure] = field(default_factory=list)  # metric / survey readings
    metric_label: str | Promise = ""
    evidence: list[Evidence] = field(default_factory=list)
    diff_1: Diff | None = None  # round 1 against the self-assessment
    diff_2: Diff | None = None  # round 2 against round 1
    ancestors: list[str] = field(default_factory=list)  # codes of the headings above
    # what the person may do on this row now
    can_self: bool = False
    can_survey: bool = False
    can_appraise: int = 0
    can_explain: bool = False
    evidence_stage: str = ""
    forms: dict[str, Any] = field(default_factory=dict)  # filled by the view

    @property
    def code(self) -> str:
        return self.criterion.code

    @property
    def depth(self) -> int:
        return self.criterion.depth

    @property
    def options(self) -> list[dict[str, Any]]:
        return list(self.criterion.params.get("options", []))

    @property
    def bands(self) -> list[dict[str, Any]]:
        bands = self.criterion.params.get("bands", [])
        return sorted(bands, key=lambda b: Decimal(str(b.get("from", 0))))

    @property
    def uses_ratio(self) -> bool:
        c = self.criterion
        return c.method == calc.Method.RATIO or (
            c.method == calc.Method.BANDS and c.params.get("basis", "ratio") == "ratio"
        )

    @property
    def choice_label(self) -> str:
        chosen = self.score.choice if self.score else ""
        for option in self.options:
            if str(option.get("key")) == chosen:
                return str(option.get("label") or chosen)
        return chosen


def _percent(score: Score) -> Decimal | None:
    try:
        return calc.quantize(calc.ratio_percent(score.numerator, score.denominator))
    except calc.ScoringError:
        return None


def _figures(score: Score) -> tuple[str | Promise, list[Figure]]:
    data = dict(score.metric_data or {})
    key = data.pop("metric", "")
    known = metrics.available().get(key)
    label = known.label if known else key
    if data.get("note") == "no data":
        return label, [Figure(_("no data yet"), "")]
    # In the order of FIGURE_LABELS, not the stored one (PostgreSQL's jsonb reorders keys).
    order = list(FIGURE_LABELS)
    keys = sorted(data, key=lambda k: (order.index(k) if k in order else len(order), k))
    return label, [Figure(FIGURE_LABELS.get(k, k), data[k]) for k in keys]


def _leaf(criterion: Criterion, score: Score, access: SheetAccess, own: Any) -> Row:
    row = Row(criterion=criterion, heading=False, score=score, maximum=criterion.max_points)
    row.not_applicable = own == calc.NA
    row.points = score.self_points
    row.appraised = None if row.not_applicable else score.appraised_points
    if row.uses_ratio:
        row.percent = _percent(score)
    if criterion.method in (calc.Method.METRIC, calc.Method.SURVEY) and score.metric_data:
        row.metric_label, row.figures = _figures(score)
    row.diff_1 = diff(score.round_1_points, score.self_points)
    row.diff_2 = diff(
        score.round_2_points,
        score.round_1_points if score.round_1_points is not None else score.self_points,
    )
    from_unit = criterion.source == Criterion.Source.SELF_ASSESSMENT
    row.can_self = access.self_assess and from_unit
    row.can_survey = access.survey and not from_unit
    if criterion.area_code in access.areas:
        row.can_appraise = access.appraise_round
    row.can_explain = access.explain and score.needs_explanation
    if (access.evidence_stage == "self" and from_unit) or (
        access.evidence_stage == "explanation" and score.needs_explanation
    ):
        row.evidence_stage = access.evidence_stage
    return row


def _totals(
    criteria: list[Criterion], scores: dict[int, Score], criteria_set: Any
) -> tuple[dict[Hashable, Any], calc.Totals, calc.Totals]:
    nodes = [
        calc.Node(c.pk, c.parent_id, c.max_points, c.kind, scored=bool(c.method)) for c in criteria
    ]
    own: dict[Hashable, Any] = {}
    appraised: dict[Hashable, Any] = {}
    by_pk = {c.pk: c for c in criteria}
    for criterion_id, score in scores.items():
        points = self_points(score, by_pk[criterion_id])
        own[criterion_id] = points
        appraised[criterion_id] = points if points == calc.NA else score.appraised_points
    options = {"rounding": criteria_set.rounding, "cap_at_maximum": criteria_set.cap_at_maximum}
    return (
        own,
        calc.sheet_totals(nodes, own, **options),
        calc.sheet_totals(nodes, appraised, **options),
    )


def _evidence_by_score(sheet: ScoreSheet) -> dict[int, list[Evidence]]:
    found: dict[int, list[Evidence]] = defaultdict(list)
    queryset = Evidence.objects.filter(score__sheet=sheet).select_related("attachment")
    for evidence in queryset.order_by("added_at", "id"):
        found[evidence.score_id].append(evidence)
    return found


def _ancestors(criterion: Criterion, by_pk: dict[int, Criterion]) -> list[str]:
    codes = []
    parent = by_pk.get(criterion.parent_id) if criterion.parent_id else None
    while parent is not None:
        codes.append(parent.code)
        parent = by_pk.get(parent.parent_id) if parent.parent_id else None
    return codes


def sheet_rows(sheet: ScoreSheet, user: User, access: SheetAccess | None = None) -> list[Row]:
    """The sheet's tree in order: headings with their subtotals, scored rows with their
    evidence and what `user` may do on each. Appraisers who see the sheet only as
    appraisers get the rows of their areas."""
    access = access or sheet_access(sheet, user)
    queryset = Criterion.objects.filter(criteria_set_id=sheet.criteria_set_id)
    criteria = list(queryset.order_by("position", "id"))
    by_pk = {c.pk: c for c in criteria}
    scores = {}
    for score in Score.objects.filter(sheet=sheet).order_by():
        score.sheet = sheet
        score.criterion = by_pk[score.criterion_id]
        scores[score.criterion_id] = score
    evidence = _evidence_by_score(sheet)
    own, mine, final = _totals(criteria, scores, sheet.criteria_set)
    rows = []
    for c in _shown(criteria, access):
        score = scores.get(c.pk)
        if c.method and score is not None:
            row = _leaf(c, score, access, own.get(c.pk))
            row.evidence = evidence.get(score.pk, [])
        else:
            row = Row(criterion=c, heading=True, points=mine.nodes[c.pk].points)
            row.appraised, row.maximum = final.nodes[c.pk].points, mine.nodes[c.pk].maximum
        row.ancestors = _ancestors(c, by_pk)
        rows.append(row)
    return rows


def _shown(criteria: Iterable[Criterion], access: SheetAccess) -> list[Criterion]:
    if access.full_view:
        return list(criteria)
    return [c for c in criteria if c.area_code in access.areas]
