"""Tasks and the per-unit assignments they fan out into."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .. import services
from ..forms import ExtensionRequestForm, ObstacleForm, ReasonForm, TaskEditForm, TaskForm
from ..models import Assignment, Plan, Task
from ..queries import assignment_page, task_timeline
from ._common import require, require_manager, run


@login_required
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=pk)
    require_manager(request)
    form = TaskForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        task = run(form, services.create_task, plan, by=request.user, **form.cleaned_data)
        if task is not None:
            messages.success(request, _("The task %(code)s was created.") % {"code": task.code})
            return redirect(task)
    return render(request, "plans/task_form.html", {"form": form, "plan": plan})


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(Task.objects.visible_to(request.user).select_related("plan"), pk=pk)
    require_manager(request)
    form = TaskEditForm(request.POST or None, instance=copy.copy(task), plan=task.plan)
    if (
        request.method == "POST"
        and form.is_valid()
        and run(form, services.update_task, task, by=request.user, **form.cleaned_data)
    ):
        messages.success(request, _("The task was saved."))
        return redirect(task)
    context = {"form": form, "plan": task.plan, "task": task}
    return render(request, "plans/task_form.html", context)


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tasks = Task.objects.visible_to(request.user).select_related("plan", "area", "lead_unit")
    task = get_object_or_404(tasks, pk=pk)
    assignments = (
        Assignment.objects.visible_to(request.user)
        .filter(task=task)
        .select_related("unit", "task")
        .order_by("deadline", "unit__name")
    )
    context = {
        "task": task,
        "assignments": assignments,
        "timeline": task_timeline(task, request.user),
        "coordinating": task.coordinating_units.all(),
        "can_manage": Plan.can_manage(request.user),
        "cancel_form": ReasonForm(),
    }
    return render(request, "plans/task_detail.html", context)


@login_required
def task_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(Task.objects.visible_to(request.user), pk=pk)
    require_manager(request)
    form = ReasonForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run(form, services.cancel_task, task, by=request.user, **form.cleaned_data)
    ):
        messages.success(request, _("The task was cancelled."))
        return redirect(task)
    return render(request, "plans/cancel_form.html", {"form": form, "object": task})


@login_required
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assignments = Assignment.objects.visible_to(request.user).select_related("task__plan", "unit")
    assignment = get_object_or_404(assignments, pk=pk)
    context = assignment_page(assignment, request.user)
    context["extension_form"] = ExtensionRequestForm(assignment=assignment)
    context["obstacle_form"] = ObstacleForm()
    context["cancel_form"] = ReasonForm()
    return render(request, "plans/assignment_detail.html", context)


@login_required
def assignment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(Assignment.objects.visible_to(request.user), pk=pk)
    require(assignment.can_review(request.user))
    form = ReasonForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run(form, services.cancel_assignment, assignment, by=request.user, **form.cleaned_data)
    ):
        messages.success(request, _("The assignment was cancelled."))
        return redirect(assignment)
    return render(request, "plans/cancel_form.html", {"form": form, "object": assignment})
