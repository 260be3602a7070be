"""Manual urging notices to late units."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .. import services
from ..forms import UrgingForm, default_urging_text
from ..models import Assignment, UrgingNotice
from ._common import require_manager, run


def _notices(request: HttpRequest):
    """Notices about at least one assignment the person sees."""
    visible = Assignment.objects.visible_to(request.user)
    return UrgingNotice.objects.filter(assignments__in=visible).distinct()


@login_required
def urging_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(_notices(request), 50).get_page(request.GET.get("page"))
    return render(request, "plans/urging_list.html", {"page": page})


@login_required
def urging_create(request: HttpRequest) -> HttpResponse:
    require_manager(request)
    late = Assignment.objects.visible_to(request.user).overdue().select_related("task", "unit")
    chosen = request.POST.getlist("assignments") or request.GET.getlist("assignments")
    initial = {"assignments": chosen, **default_urging_text(len(chosen))}
    form = UrgingForm(
        request.POST if "subject" in request.POST else None, assignments=late, initial=initial
    )
    if form.is_bound and form.is_valid():
        data = dict(form.cleaned_data)
        notice = run(
            form,
            services.issue_urging_notice,
            list(data.pop("assignments")),
            by=request.user,
            **data,
        )
        if notice:
            messages.success(
                request, _("The urging notice %(n)s was issued.") % {"n": notice.number_symbol}
            )
            return redirect("plans:urging-detail", notice.pk)
    return render(request, "plans/urging_form.html", {"form": form})


@login_required
def urging_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(_notices(request).select_related("document", "issuing_unit"), pk=pk)
    assignments = notice.assignments.visible_to(request.user).select_related("task", "unit")
    return render(
        request, "plans/urging_detail.html", {"notice": notice, "assignments": assignments}
    )
