"""HTML pages of the PAR Index: the rounds (home page, opening, schedule, appraisers, council)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cchc.accounts.access import require
from cchc.core.viewhelpers import run

from ..forms.rounds import (
    AppraiserForm,
    ApprovalForm,
    ExceptionForm,
    RoundOpenForm,
    ScheduleForm,
    area_choices,
    default_schedule,
    year_from,
)
from ..models import AppraiserAssignment, CriteriaSet, Round, ScoreSheet, Stage, UnitGroup
from ..services import publication, rounds
from ..services.rounds import SCHEDULE, units_in_scope

# Helpers -----------------------------------------------------------------------------------


def _round(request: HttpRequest, pk: int) -> Round:
    return get_object_or_404(Round.objects.visible_to(request.user), pk=pk)


def _manage(request: HttpRequest, round_: Round) -> None:
    require(round_.can_manage(request.user))


def _stage_label(round_: Round, today: datetime.date) -> str:
    stage = round_.current_stage(today)
    if stage:
        return str(Stage(stage).label)
    if today < round_.self_from:
        return _("Not started")
    if today > round_.council_to:
        return _("Every stage is closed")
    return _("Between stages")


def _refused(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _council_open(round_: Round, today: datetime.date) -> bool:
    start, end = round_.window(Stage.COUNCIL)
    return start <= today <= end


def _may_approve_now(round_: Round, request: HttpRequest, today: datetime.date) -> bool:
    """Show the council's approve button: a member who has not yet approved, in the window."""
    return (
        round_.can_approve(request.user)
        and round_.status in (Round.Status.COMPILED, Round.Status.APPROVED)
        and _council_open(round_, today)
        and not round_.approvals.filter(member=request.user).exists()
    )


# The home page -----------------------------------------------------------------------------


@dataclass
class RoundLine:
    round: Round
    stage: str
    counts: list[tuple[str, str, int]]
    total: int
    own_sheets: list[ScoreSheet] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)


def _status_counts(round_ids: list[int]) -> dict[int, dict[str, int]]:
    rows = (
        ScoreSheet.objects.filter(round_id__in=round_ids)
        .order_by()
        .values("round_id", "status")
        .annotate(n=Count("pk"))
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        counts[row["round_id"]][row["status"]] = row["n"]
    return counts


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    found = list(Round.objects.visible_to(user))
    counts = _status_counts([r.pk for r in found])
    own: dict[int, list[ScoreSheet]] = defaultdict(list)
    if user.access.own_unit_ids:
        sheets = ScoreSheet.objects.visible_to(user).filter(unit_id__in=user.access.own_unit_ids)
        for sheet in sheets.select_related("unit").order_by("unit__name"):
            own[sheet.round_id].append(sheet)
    assigned: dict[int, list[str]] = defaultdict(list)
    for assignment in AppraiserAssignment.objects.filter(appraiser=user, round__in=found):
        assigned[assignment.round_id].append(assignment.area_code)
    lines = []
    for r in found:
        by_status = counts.get(r.pk, {})
        names = dict(area_choices(r)) if assigned.get(r.pk) else {}
        lines.append(
            RoundLine(
                round=r,
                stage=_stage_label(r, today),
                counts=[
                    (status, label, by_status[status])
                    for status, label in ScoreSheet.Status.choices
                    if by_status.get(status)
                ],
                total=sum(by_status.values()),
                own_sheets=own.get(r.pk, []),
                areas=[names.get(code, code) for code in assigned.get(r.pk, [])],
            )
        )
    context = {"lines": lines, "can_manage": user.access.can_manage_units}
    return render(request, "scoring/round_list.html", context)


# Opening a round ---------------------------------------------------------------------------


@login_required
def round_open(request: HttpRequest) -> HttpResponse:
    require(request.user.access.can_manage_units)
    form = RoundOpenForm(request.POST or None, year=year_from(request.GET.get("year")))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        opened = run(
            form,
            rounds.open_round,
            year=data["year"],
            name=data["name"],
            criteria_sets=data["criteria_sets"],
            schedule=form.schedule(),
            by=request.user,
            units=data["units"] or None,
            council_quorum=data["council_quorum"],
        )
        if opened is not None:
            messages.success(
                request,
                _("%(round)s is open with %(n)s score sheets.")
                % {"round": opened.name, "n": opened.sheets.count()},
            )
            return redirect(opened)
    groups = {s.group: s for s in CriteriaSet.objects.filter(is_template=False, year=form.year)}
    start = default_schedule(form.year)["self_from"]
    in_scope = len(units_in_scope(groups, start)) if groups else 0
    if groups:
        names = ", ".join(str(UnitGroup(g).label) for g in sorted(groups))
        form.fields["units"].help_text = ngettext(
            "Leave empty to include every current unit of the groups with a set (%(groups)s): "
            "%(n)s unit.",
            "Leave empty to include every current unit of the groups with a set (%(groups)s): "
            "%(n)s units.",
            in_scope,
        ) % {"groups": names, "n": in_scope}
    context = {"form": form, "year": form.year, "in_scope": in_scope}
    return render(request, "scoring/round_open.html", context)


# The round page ----------------------------------------------------------------------------


def _timeline(round_: Round, today: datetime.date) -> list[dict]:
    current = round_.current_stage(today)
    rows = []
    for stage in Stage:
        start, end = round_.window(stage)
        rows.append(
            {
                "label": stage.label,
                "start": start,
                "end": end,
                "current": stage.value == current,
                "past": end < today,
            }
        )
    rows.append(
        {
            "label": _("Publication"),
            "start": round_.publish_on,
            "end": round_.publish_on,
            "current": today == round_.publish_on,
            "past": round_.publish_on < today,
        }
    )
    return rows


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    today = timezone.localdate()
    visible = ScoreSheet.objects.visible_to(request.user).filter(round=round_)
    sheets = visible.select_related("unit", "criteria_set").order_by("unit__name")
    status = request.GET.get("status", "")
    group = request.GET.get("group", "")
    if status in ScoreSheet.Status.values:
        sheets = sheets.filter(status=status)
    if group in UnitGroup.values:
        sheets = sheets.filter(criteria_set__group=group)
    context = {
        "round": round_,
        "sheets": sheets,
        "status": status,
        "group": group,
        "statuses": ScoreSheet.Status.choices,
        "groups": [(s.group, s.get_group_display()) for s in round_.criteria_sets.all()],
    }
    if request.htmx:
        return render(request, "scoring/partials/round_sheets.html", context)
    can_manage = round_.can_manage(request.user)
    exceptions = round_.exceptions.select_related("unit", "granted_by")
    if not can_manage:
        exceptions = exceptions.filter(unit_id__in=visible.values("unit_id"))
    names = dict(area_choices(round_))
    appraisers = [
        (a, names.get(a.area_code, a.area_code))
        for a in round_.appraisers.select_related("appraiser").order_by("area_code")
    ]
    approvals = round_.approvals.select_related("member").order_by("approved_at")
    approvals_count = approvals.count()
    if not round_.can_see_results(request.user):
        approvals = approvals.none()  # comments may speak of results not yet published
    context |= {
        "stage": _stage_label(round_, today),
        "timeline": _timeline(round_, today),
        "exceptions": exceptions,
        "appraisers": appraisers,
        "approvals": approvals,
        "approvals_count": approvals_count,
        "publications": round_.publications.select_related("published_by").order_by("-revision"),
        "can_manage": can_manage,
        "may_approve": _may_approve_now(round_, request, today),
        "approval_form": ApprovalForm(),
    }
    return render(request, "scoring/round_detail.html", context)


# Actions of the secretariat ----------------------------------------------------------------


@login_required
def round_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    _manage(request, round_)
    initial = {name: getattr(round_, name) for name in SCHEDULE}
    form = ScheduleForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and run(form, rounds.change_schedule, round_, form.schedule(), by=request.user)
    ):
        messages.success(request, _("The schedule was changed."))
        return redirect(round_)
    return render(request, "scoring/round_schedule.html", {"form": form, "round": round_})


@login_required
def round_exception(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    _manage(request, round_)
    form = ExceptionForm(request.POST or None, round_=round_)
    if (
        request.method == "POST"
        and form.is_valid()
        and run(form, rounds.grant_exception, round_, by=request.user, **form.cleaned_data)
    ):
        messages.success(
            request,
            _("%(unit)s may act until %(date)s.")
            % {
                "unit": form.cleaned_data["unit"],
                "date": form.cleaned_data["until"].strftime("%d/%m/%Y"),
            },
        )
        return redirect(round_)
    return render(request, "scoring/round_exception.html", {"form": form, "round": round_})


@login_required
def round_appraiser_add(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    _manage(request, round_)
    form = AppraiserForm(request.POST or None, round_=round_)
    if (
        request.method == "POST"
        and form.is_valid()
        and run(form, rounds.assign_appraiser, round_, by=request.user, **form.cleaned_data)
    ):
        messages.success(
            request,
            _("%(person)s appraises area %(area)s.")
            % {"person": form.cleaned_data["appraiser"], "area": form.cleaned_data["area_code"]},
        )
        return redirect(round_)
    return render(request, "scoring/round_appraiser.html", {"form": form, "round": round_})


@require_POST
@login_required
def round_appraiser_remove(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    _manage(request, round_)
    assignment = get_object_or_404(round_.appraisers.select_related("appraiser"), pk=assignment_pk)
    rounds.remove_appraiser(assignment, by=request.user)
    messages.success(
        request,
        _("%(person)s no longer appraises area %(area)s.")
        % {"person": assignment.appraiser, "area": assignment.area_code},
    )
    return redirect(round_)


@require_POST
@login_required
def round_compile(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    _manage(request, round_)
    try:
        publication.compile_round(round_, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The round was compiled and sent to the council."))
    return redirect(round_)


@require_POST
@login_required
def round_publish(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    _manage(request, round_)
    try:
        publication.publish_round(round_, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The results were published."))
    return redirect(round_)


# The council -------------------------------------------------------------------------------


@login_required
def round_approve(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    require(round_.can_approve(request.user))
    form = ApprovalForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run(form, publication.approve_round, round_, by=request.user, **form.cleaned_data)
    ):
        round_.refresh_from_db(fields=["status"])
        if round_.status == Round.Status.APPROVED:
            messages.success(request, _("Your approval was recorded; the results are approved."))
        else:
            messages.success(
                request,
                _("Your approval was recorded (%(n)s of the %(quorum)s needed).")
                % {"n": round_.approvals.count(), "quorum": round_.council_quorum},
            )
        return redirect(round_)
    return render(request, "scoring/round_approve.html", {"form": form, "round": round_})


urlpatterns: list[URLPattern] = [
    path("", round_list, name="round_list"),
    path("rounds/new/", round_open, name="round_open"),
    path("rounds/<int:pk>/", round_detail, name="round_detail"),
    path("rounds/<int:pk>/schedule/", round_schedule, name="round_schedule"),
    path("rounds/<int:pk>/exceptions/new/", round_exception, name="round_exception"),
    path("rounds/<int:pk>/appraisers/new/", round_appraiser_add, name="round_appraiser_add"),
    path(
        "rounds/<int:pk>/appraisers/<int:assignment_pk>/remove/",
        round_appraiser_remove,
        name="round_appraiser_remove",
    ),
    path("rounds/<int:pk>/compile/", round_compile, name="round_compile"),
    path("rounds/<int:pk>/approve/", round_approve, name="round_approve"),
    path("rounds/<int:pk>/publish/", round_publish, name="round_publish"),
]
