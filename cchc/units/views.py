"""HTML pages for the organisational tree: list, detail, create, edit, merge, import, export."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cchc.core.services import store_attachment
from cchc.core.uploads import UploadRejected

from . import exporting, services
from .forms import AttachmentForm, ImportForm, MergeForm, SplitForm, UnitFilterForm, UnitForm
from .importing import ImportResult, import_units
from .models import Unit, UnitQuerySet
from .queries import unit_page, unit_tree

PAGE_SIZE = 50
DECISION_KINDS = frozenset({"pdf", "docx", "png", "jpeg"})
EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _check_can_manage(request: HttpRequest) -> None:
    if not Unit.can_create(request.user):
        raise PermissionDenied


def _filtered_units(request: HttpRequest) -> tuple[UnitFilterForm, UnitQuerySet]:
    form = UnitFilterForm(request.GET)
    units = Unit.objects.visible_to(request.user).select_related("parent").in_tree_order()
    return form, form.filter(units)


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    form, units = _filtered_units(request)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "query": query.urlencode(),
        "as_tree": form.as_tree,
        "can_manage": Unit.can_create(request.user),
    }
    if form.as_tree:
        context["tree"] = unit_tree(units)
    else:
        context["page"] = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "units/partials/unit_rows.html" if request.htmx else "units/unit_list.html"
    return render(request, template, context)


@login_required
def unit_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_TYPES:
        raise Http404
    _form, units = _filtered_units(request)
    content = exporting.to_xlsx(units) if fmt == "xlsx" else exporting.to_csv(units)
    response = HttpResponse(content, content_type=EXPORT_TYPES[fmt])
    filename = f"units-{timezone.localdate():%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.visible_to(request.user).select_related("parent"), pk=pk)
    context = unit_page(unit, user=request.user)
    context["attachment_form"] = AttachmentForm()
    return render(request, "units/unit_detail.html", context)


@login_required
def unit_create(request: HttpRequest) -> HttpResponse:
    _check_can_manage(request)
    initial = {"parent": request.GET.get("parent")} if request.GET.get("parent") else {}
    form = UnitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        unit = services.create_unit(by=request.user, **form.cleaned_data)
        messages.success(request, _("The unit %(unit)s was created.") % {"unit": unit})
        return redirect(unit)
    return render(request, "units/unit_form.html", {"form": form})


@login_required
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)
    if not unit.can_edit(request.user):
        raise PermissionDenied
    # The form validates on a copy, so the service still sees which values change.
    form = UnitForm(request.POST or None, instance=copy.copy(unit))
    if request.method == "POST" and form.is_valid():
        services.update_unit(unit, by=request.user, **form.cleaned_data)
        messages.success(request, _("The unit %(unit)s was saved.") % {"unit": unit})
        return redirect(unit)
    return render(request, "units/unit_form.html", {"form": form, "unit": unit})


@login_required
def unit_merge(request: HttpRequest) -> HttpResponse:
    _check_can_manage(request)
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            successor = services.merge_units(
                list(data["predecessors"]),
                into=form.successor_unit(),
                effective_date=data["effective_date"],
                legal_basis=data["legal_basis"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("The units were merged into %(unit)s.") % {"unit": successor}
            )
            return redirect(successor)
    return render(request, "units/unit_merge.html", {"form": form})


@login_required
def unit_split(request: HttpRequest) -> HttpResponse:
    _check_can_manage(request)
    form = SplitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.split_unit(
                data["predecessor"],
                into=list(data["successors"]),
                effective_date=data["effective_date"],
                legal_basis=data["legal_basis"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            unit = data["predecessor"]
            messages.success(request, _("The split of %(unit)s was recorded.") % {"unit": unit})
            return redirect(unit)
    return render(request, "units/unit_split.html", {"form": form})


@login_required
def unit_import(request: HttpRequest) -> HttpResponse:
    _check_can_manage(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = import_units(form.cleaned_data["file"], by=request.user)
        if result.ok:
            messages.success(request, _import_summary(result))
            return redirect("units:unit-list")
    return render(request, "units/unit_import.html", {"form": form, "result": result})


def _import_summary(result: ImportResult) -> str:
    return _(
        "%(file)s imported: %(created)s units created, %(updated)s updated, "
        "%(unchanged)s unchanged."
    ) % vars(result)


@require_POST
@login_required
def unit_attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)
    if not unit.can_edit(request.user):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect(unit)
    try:
        store_attachment(
            unit,
            form.cleaned_data["file"],
            by=request.user,
            description=form.cleaned_data["description"],
            kinds=DECISION_KINDS,
        )
    except UploadRejected as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The document was attached."))
    return redirect(unit)
