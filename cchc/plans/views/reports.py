"""What units report: progress reports, extension requests, obstacles; and their review."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..forms import (
    ExtensionDecisionForm,
    ExtensionRequestForm,
    ObstacleAnswerForm,
    ObstacleForm,
    ReportForm,
    ReturnForm,
    ReviewForm,
)
from ..models import Assignment, ExtensionRequest, Obstacle, ProgressReport
from ..queries import can_answer
from ._common import require, run

EDITABLE = (ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED)


def _assignment(request: HttpRequest, pk: int) -> Assignment:
    queryset = Assignment.objects.visible_to(request.user).select_related("task__plan", "unit")
    return get_object_or_404(queryset, pk=pk)


def _report(request: HttpRequest, pk: int) -> ProgressReport:
    queryset = ProgressReport.objects.visible_to(request.user)
    return get_object_or_404(queryset.select_related("assignment__task", "assignment__unit"), pk=pk)


@login_required
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    require(assignment.can_report(request.user))
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        if run(form, services.save_progress_report, assignment, by=request.user, **fields):
            messages.success(request, _("The progress report was saved as a draft."))
            return redirect(assignment)
    return render(request, "plans/report_form.html", {"form": form, "assignment": assignment})


@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    assignment = report.assignment
    require(assignment.can_report(request.user) and report.status in EDITABLE)
    form = ReportForm(request.POST or None, request.FILES or None, instance=copy.copy(report))
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        saved = run(
            form,
            services.save_progress_report,
            assignment,
            report=report,
            by=request.user,
            **fields,
        )
        if saved:
            messages.success(request, _("The progress report was saved."))
            return redirect(assignment)
    context = {"form": form, "assignment": assignment, "report": report}
    return render(request, "plans/report_form.html", context)


@require_POST
@login_required
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    require(report.assignment.can_submit(request.user))
    _act(request, services.submit_progress_report, report, _("The report was submitted."))
    return redirect(report.assignment)


@require_POST
@login_required
def report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    require(report.assignment.can_review(request.user))
    form = ReviewForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    _act(
        request,
        services.accept_progress_report,
        report,
        _("The report was accepted."),
        comment=comment,
    )
    return redirect(report.assignment)


@login_required
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    require(report.assignment.can_review(request.user))
    form = ReturnForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run(form, services.return_progress_report, report, by=request.user, **form.cleaned_data)
    ):
        messages.success(request, _("The report was returned to the unit."))
        return redirect(report.assignment)
    return render(request, "plans/report_return.html", {"form": form, "report": report})


def _act(request: HttpRequest, service, obj: object, done: str, **kwargs: object) -> None:
    """Run a one-click action and tell the person how it went."""
    from django.core.exceptions import ValidationError

    try:
        service(obj, by=request.user, **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)


@login_required
def extension_request(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    require(assignment.can_report(request.user))
    form = ExtensionRequestForm(request.POST or None, assignment=assignment)
    if (
        request.method == "POST"
        and form.is_valid()
        and run(form, services.request_extension, assignment, by=request.user, **form.cleaned_data)
    ):
        messages.success(request, _("The extension request was sent to the secretariat."))
        return redirect(assignment)
    context = {"form": form, "assignment": assignment}
    return render(request, "plans/extension_form.html", context)


@login_required
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    queryset = ExtensionRequest.objects.visible_to(request.user).select_related("assignment")
    extension = get_object_or_404(queryset, pk=pk)
    require(extension.assignment.can_review(request.user))
    form = ExtensionDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        decided = run(
            form,
            services.decide_extension,
            extension,
            approve=form.approve,
            approved_deadline=data["approved_deadline"],
            note=data["note"],
            by=request.user,
        )
        if decided:
            messages.success(request, _("The decision was recorded."))
            return redirect(extension.assignment)
    context = {"form": form, "extension": extension, "assignment": extension.assignment}
    return render(request, "plans/extension_decide.html", context)


@login_required
def obstacle_create(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    require(assignment.can_report(request.user) or assignment.can_review(request.user))
    form = ObstacleForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run(form, services.raise_obstacle, assignment, by=request.user, **form.cleaned_data)
    ):
        messages.success(request, _("The obstacle was recorded."))
        return redirect(assignment)
    return render(request, "plans/obstacle_form.html", {"form": form, "assignment": assignment})


@login_required
def obstacle_answer(request: HttpRequest, pk: int) -> HttpResponse:
    queryset = Obstacle.objects.visible_to(request.user).select_related("assignment__task")
    obstacle = get_object_or_404(queryset, pk=pk)
    require(can_answer(obstacle, request.user) and obstacle.answered_at is None)
    form = ObstacleAnswerForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run(form, services.answer_obstacle, obstacle, by=request.user, **form.cleaned_data)
    ):
        messages.success(request, _("The answer was recorded."))
        return redirect(obstacle.assignment)
    return render(request, "plans/obstacle_answer.html", {"form": form, "obstacle": obstacle})
