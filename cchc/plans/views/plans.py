"""Plans and their reform areas."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cchc.core.uploads import UploadRejected

from .. import services
from ..forms import AreaForm, DocumentForm, PlanForm
from ..models import Plan
from ..queries import area_chart, plan_overview
from ._common import require_manager, run


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = Plan.objects.visible_to(request.user).select_related("issuing_unit", "parent")
    page = Paginator(plans, 50).get_page(request.GET.get("page"))
    can_manage = Plan.can_manage(request.user)
    return render(request, "plans/plan_list.html", {"page": page, "can_manage": can_manage})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    queryset = Plan.objects.visible_to(request.user).select_related("issuing_unit", "document")
    plan = get_object_or_404(queryset, pk=pk)
    blocks = plan_overview(plan, request.user)
    context = {
        "plan": plan,
        "blocks": blocks,
        "chart": area_chart(blocks),
        "can_manage": Plan.can_manage(request.user),
        "document_form": DocumentForm(),
    }
    return render(request, "plans/plan_detail.html", context)


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    require_manager(request)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        plan = run(form, services.create_plan, by=request.user, **form.cleaned_data)
        if plan is not None:
            messages.success(request, _("The plan %(plan)s was created.") % {"plan": plan.number})
            return redirect(plan)
    return render(request, "plans/plan_form.html", {"form": form})


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=pk)
    require_manager(request)
    form = PlanForm(request.POST or None, instance=copy.copy(plan))
    if (
        request.method == "POST"
        and form.is_valid()
        and run(form, services.update_plan, plan, by=request.user, **form.cleaned_data)
    ):
        messages.success(request, _("The plan was saved."))
        return redirect(plan)
    return render(request, "plans/plan_form.html", {"form": form, "plan": plan})


@require_POST
@login_required
def plan_document(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=pk)
    require_manager(request)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect(plan)
    try:
        services.attach_plan_document(plan, form.cleaned_data["file"], by=request.user)
    except UploadRejected as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The signed document was attached."))
    return redirect(plan)


@login_required
def area_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=pk)
    require_manager(request)
    form = AreaForm(request.POST or None, plan=plan)
    if (
        request.method == "POST"
        and form.is_valid()
        and run(form, services.create_area, plan, by=request.user, **form.cleaned_data)
    ):
        messages.success(request, _("The reform area was added."))
        return redirect(plan)
    return render(request, "plans/area_form.html", {"form": form, "plan": plan})
