"""Importing a plan annex: upload, preview (nothing saved), confirm (all or nothing).

`importing` is imported inside the views: the parser pulls in openpyxl, which only
these pages need.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms import AnnexImportForm
from ..models import Plan
from ._common import require_manager, run


def _plan(request: HttpRequest, pk: int) -> Plan:
    plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=pk)
    require_manager(request)
    return plan


def _key(plan: Plan) -> str:
    return f"plans.annex-preview.{plan.pk}"


@login_required
def annex_import(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    from ..importing import parse_annex

    form = AnnexImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        preview = run(form, parse_annex, form.cleaned_data["file"], plan=plan)
        if preview:
            request.session[_key(plan)] = preview.to_dict()
            return redirect("plans:annex-preview", plan.pk)
    return render(request, "plans/annex_import.html", {"form": form, "plan": plan})


@login_required
def annex_preview(request: HttpRequest, pk: int) -> HttpResponse:
    from ..importing import AnnexPreview

    plan = _plan(request, pk)
    stored = request.session.get(_key(plan))
    if stored is None:
        messages.error(request, _("Upload the annex first."))
        return redirect("plans:annex-import", plan.pk)
    preview = AnnexPreview.from_dict(stored)
    return render(request, "plans/annex_preview.html", {"plan": plan, "preview": preview})


@require_POST
@login_required
def annex_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    from ..importing import AnnexPreview, apply_annex

    plan = _plan(request, pk)
    stored = request.session.get(_key(plan))
    if stored is None:
        messages.error(request, _("Upload the annex first."))
        return redirect("plans:annex-import", plan.pk)
    preview = AnnexPreview.from_dict(stored)
    if preview.problems:
        messages.error(request, _("Fix the problems in the file and upload it again."))
        return redirect("plans:annex-preview", plan.pk)
    try:
        # The file previewed on this page, not one uploaded since in another tab.
        sha256 = request.POST.get("sha256", "")
        tasks = apply_annex(preview, plan=plan, by=request.user, sha256=sha256)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("plans:annex-preview", plan.pk)
    del request.session[_key(plan)]
    messages.success(request, _("%(n)s tasks were imported.") % {"n": len(tasks)})
    return redirect(plan)
