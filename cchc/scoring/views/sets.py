"""HTML pages of the PAR Index: criteria sets (list, tree, import, export, clone, edit,
bands, replacing the criteria, loading the reference files).

Every role reads sets; the secretariat and administrators change them, and only while no
round has opened with them (`services.sets` refuses a locked set with its own message).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, Prefetch, Q, Sum
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from cchc.accounts.access import require
from cchc.accounts.models import User
from cchc.core.spreadsheets import ImportProblem
from cchc.core.viewhelpers import XLSX, file_response

from .. import metrics
from ..describe import _areas, _band_lines, _totals
from ..forms.sets import (
    BandsForm,
    ReferenceForm,
    ReplaceCriteriaForm,
    SetCloneForm,
    SetEditForm,
    SetFilterForm,
    SetImportForm,
    bands_text,
    file_kind,
)
from ..models import CriteriaSet, Criterion, Round, UnitGroup
from ..services import sets as services
from ..sets_io import (
    FORMAT,
    SetInvalid,
    check_file,
    read_json_upload,
    read_xlsx_upload,
    write_xlsx,
)

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"
TEMPLATE_FILE = "national_876_template.json"
JSON = "application/json"

# Helpers -----------------------------------------------------------------------------------


def _set(request: HttpRequest, pk: int) -> CriteriaSet:
    return get_object_or_404(CriteriaSet.objects.visible_to(request.user), pk=pk)


def _manage(request: HttpRequest) -> None:
    require(request.user.access.can_manage_units)


def _data(request: HttpRequest) -> tuple[Any, Any]:
    """The bound data of a POST (an upload alone leaves request.POST empty), else None."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


@dataclass
class Outcome:
    """What a set service did: its result, or the problems it found, or the lock message."""

    result: Any = None
    problems: list[ImportProblem] = field(default_factory=list)
    locked: str = ""


def _attempt(form: Form, service: Any, *args: Any, **kwargs: Any) -> Outcome:
    """Call a set service. File problems come back as a list; a locked set as its message;
    any other refusal goes on the form (its fields where they match)."""
    try:
        return Outcome(result=service(*args, **kwargs))
    except SetInvalid as error:
        return Outcome(problems=error.problems)
    except ValidationError as error:
        if getattr(error, "code", None) == "locked":
            return Outcome(locked=" ".join(error.messages))
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return Outcome()


def _problems_onto(form: Form, problems: list[ImportProblem]) -> None:
    """Problems of a form without a file (clone): on the field they name, else the form."""
    for problem in problems:
        form.add_error(problem.column if problem.column in form.fields else None, problem.reason)


def _locked(request: HttpRequest, criteria_set: CriteriaSet, message: str = "") -> HttpResponse:
    """Back to the set, saying why it cannot change (the service's words when it refused)."""
    messages.error(
        request, message or _("This criteria set is locked: a round has opened with it.")
    )
    return redirect(criteria_set)


def _filename(criteria_set: CriteriaSet, extension: str) -> str:
    return f"bo-tieu-chi-{criteria_set.year}-{criteria_set.group}.{extension}"


def _locking_rounds() -> Prefetch:
    """The rounds using a set, the first of which locked it."""
    return Prefetch("rounds", Round.objects.order_by("opened_at", "pk"), to_attr="using_rounds")


# How a criterion is scored, in words ---------------------------------------------------------


# Pages -------------------------------------------------------------------------------------


@login_required
def set_list(request: HttpRequest) -> HttpResponse:
    visible = CriteriaSet.objects.visible_to(request.user)
    years = sorted(set(visible.values_list("year", flat=True)), reverse=True)
    form = SetFilterForm(request.GET or None, years=years)
    sets = visible
    if form.is_valid():
        if form.cleaned_data["year"]:
            sets = sets.filter(year=form.cleaned_data["year"])
        if form.cleaned_data["group"]:
            sets = sets.filter(group=form.cleaned_data["group"])
    normal_area = Q(criteria__depth=1, criteria__kind=Criterion.Kind.NORMAL)
    sets = sets.annotate(
        maximum=Sum("criteria__max_points", filter=normal_area),
        scored=Count("criteria", filter=Q(criteria__method__gt="")),
    ).prefetch_related(_locking_rounds())
    context = {"sets": sets, "form": form, "can_manage": request.user.access.can_manage_units}
    return render(request, "scoring/set_list.html", context)


@login_required
def set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = get_object_or_404(
        CriteriaSet.objects.visible_to(request.user)
        .select_related("cloned_from", "created_by")
        .prefetch_related(_locking_rounds()),
        pk=pk,
    )
    areas = _areas(criteria_set)
    context = {
        "set": criteria_set,
        "areas": areas,
        "totals": _totals(areas),
        "bands": _band_lines(criteria_set),
        "locked_by": next(iter(criteria_set.using_rounds), None),
        "can_manage": request.user.access.can_manage_units,
        "can_edit": criteria_set.can_edit(request.user),
    }
    return render(request, "scoring/set_detail.html", context)


@login_required
def set_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    criteria_set = _set(request, pk)
    if fmt == "xlsx":
        content = services.export_criteria_set_xlsx(criteria_set)
        return file_response(content, _filename(criteria_set, "xlsx"), XLSX)
    if fmt == "json":
        content = services.export_criteria_set_json(criteria_set)
        return file_response(content, _filename(criteria_set, "json"), JSON)
    raise Http404


@login_required
def set_template_xlsx(request: HttpRequest) -> HttpResponse:
    """The national 876 structure as a workbook to start a province's set from."""
    require(bool(request.user.access.roles))
    tree = json.loads((REFERENCE_DIR / TEMPLATE_FILE).read_text(encoding="utf-8"))
    return file_response(write_xlsx(tree), "mau-bo-tieu-chi-876.xlsx", XLSX)


@login_required
def set_import(request: HttpRequest) -> HttpResponse:
    _manage(request)
    form = SetImportForm(*_data(request))
    outcome = Outcome()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        importer = (
            services.import_criteria_set_xlsx
            if file_kind(upload) == "xlsx"
            else services.import_criteria_set_json
        )
        outcome = _attempt(form, importer, upload, by=request.user, **form.overrides())
        if outcome.result:
            created = outcome.result
            messages.success(
                request,
                _("The criteria set “%(name)s” was imported: %(n)s criteria.")
                % {"name": created.name, "n": created.criteria.count()},
            )
            return redirect(created)
    context = {"form": form, "problems": outcome.problems, "metrics": metrics.available()}
    return render(request, "scoring/set_import.html", context)


@login_required
def set_clone(request: HttpRequest, pk: int) -> HttpResponse:
    source = _set(request, pk)
    _manage(request)
    initial = {"year": source.year + 1, "name": source.name}
    form = SetCloneForm(_data(request)[0], initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = _attempt(
            form,
            services.clone_criteria_set,
            source,
            year=data["year"],
            name=data["name"],
            by=request.user,
        )
        _problems_onto(form, outcome.problems)
        if outcome.result:
            messages.success(request, _("The criteria set was copied; check it and adapt it."))
            return redirect(outcome.result)
    return render(request, "scoring/set_clone.html", {"form": form, "set": source})


@login_required
def set_edit(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = _set(request, pk)
    _manage(request)
    if criteria_set.is_locked and request.method != "POST":
        return _locked(request, criteria_set)
    form = SetEditForm(_data(request)[0], initial=SetEditForm.initial_of(criteria_set))
    if request.method == "POST" and form.is_valid():
        outcome = _attempt(
            form,
            services.update_criteria_set,
            criteria_set,
            by=request.user,
            **form.cleaned_data,
        )
        if outcome.locked:
            return _locked(request, criteria_set, outcome.locked)
        if outcome.result:
            messages.success(request, _("The criteria set was saved."))
            return redirect(criteria_set)
        criteria_set.refresh_from_db()  # the service may have set the refused values
    return render(request, "scoring/set_edit.html", {"form": form, "set": criteria_set})


def _band_problems(form: BandsForm, problems: list[ImportProblem]) -> None:
    """The service names a band by its place (bands[2].min_percent): name its line."""
    typed = form.cleaned_data["bands"]
    for problem in problems:
        place = problem.column.removeprefix("bands[").partition("]")[0]
        line = typed[int(place)][2] if place.isdigit() and int(place) < len(typed) else None
        reason = problem.reason
        if line is not None:
            reason = _("Line %(line)s: %(reason)s") % {"line": line, "reason": reason}
        form.add_error("bands", reason)


@login_required
def set_bands(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = _set(request, pk)
    _manage(request)
    if criteria_set.is_locked and request.method != "POST":
        return _locked(request, criteria_set)
    form = BandsForm(_data(request)[0], initial={"bands": bands_text(criteria_set)})
    if request.method == "POST" and form.is_valid():
        bands = [(label, start) for label, start, _line in form.cleaned_data["bands"]]
        outcome = _attempt(form, services.set_bands, criteria_set, bands, by=request.user)
        if outcome.locked:
            return _locked(request, criteria_set, outcome.locked)
        _band_problems(form, outcome.problems)
        if outcome.result:
            messages.success(request, _("The bands were saved."))
            return redirect(criteria_set)
    return render(request, "scoring/set_bands.html", {"form": form, "set": criteria_set})


def _replace_from_file(criteria_set: CriteriaSet, upload: UploadedFile, *, by: User) -> Any:
    """Read and check the file where it is (rows and columns in the problems), then load
    its tree; the set keeps its year, group, name and bands."""
    reader = read_xlsx_upload if file_kind(upload) == "xlsx" else read_json_upload
    set_file = reader(upload)
    fixed = {"year": criteria_set.year, "group": criteria_set.group, "name": criteria_set.name}
    check_file(set_file, fixed)
    tree = {**set_file.tree, **fixed}
    return services.replace_criteria(criteria_set, tree, by=by, file=set_file.file)


@login_required
def set_replace(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = _set(request, pk)
    _manage(request)
    if criteria_set.is_locked and request.method != "POST":
        return _locked(request, criteria_set)
    form = ReplaceCriteriaForm(*_data(request))
    outcome = Outcome()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        outcome = _attempt(form, _replace_from_file, criteria_set, upload, by=request.user)
        if outcome.locked:
            return _locked(request, criteria_set, outcome.locked)
        if outcome.result:
            messages.success(
                request,
                _("The criteria were replaced: %(n)s criteria.")
                % {"n": criteria_set.criteria.count()},
            )
            return redirect(criteria_set)
    context = {
        "form": form,
        "set": criteria_set,
        "problems": outcome.problems,
        "metrics": metrics.available(),
    }
    return render(request, "scoring/set_replace.html", context)


# Reference files ---------------------------------------------------------------------------


@dataclass
class ReferenceFile:
    file: str
    tree: dict[str, Any]
    loaded: CriteriaSet | None = None

    @property
    def group_label(self) -> str:
        group = self.tree.get("group")
        return str(UnitGroup(group).label) if group in UnitGroup.values else str(group)


def reference_files() -> list[ReferenceFile]:
    """The seed files of `reference/` that hold a criteria set (the "format" key)."""
    found = []
    for file in sorted(REFERENCE_DIR.glob("*.json")):
        try:
            tree = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(tree, dict) and tree.get("format") == FORMAT:
            found.append(ReferenceFile(file.name, tree))
    for ref in found:
        same = {k: ref.tree.get(k) for k in ("year", "group", "name")}
        ref.loaded = CriteriaSet.objects.filter(**same).first()
    return found


@login_required
def set_load_reference(request: HttpRequest) -> HttpResponse:
    _manage(request)
    files = reference_files()
    if request.method == "POST":
        return _load_reference(request, files)
    return render(request, "scoring/set_reference.html", {"files": files})


def _load_reference(request: HttpRequest, files: list[ReferenceFile]) -> HttpResponse:
    """Create the chosen seed file's set, or say that it is already there."""
    form = ReferenceForm(request.POST)
    wanted = form.cleaned_data["file"] if form.is_valid() else None
    chosen = next((f for f in files if f.file == wanted), None)
    if chosen is None:
        raise Http404
    if chosen.loaded is not None:
        messages.warning(
            request,
            _("“%(name)s” (%(year)s) is already loaded; it was not loaded again.")
            % {"name": chosen.loaded.name, "year": chosen.loaded.year},
        )
        return redirect(chosen.loaded)
    outcome = _attempt(
        form, services.create_criteria_set, chosen.tree, by=request.user, file=chosen.file
    )
    if outcome.result:
        message = _("The criteria set “%(name)s” was loaded.") % {"name": outcome.result.name}
        messages.success(request, message)
        return redirect(outcome.result)
    reasons = [str(p) for p in outcome.problems] + [str(e) for e in form.non_field_errors()]
    messages.error(request, " ".join(reasons))
    return redirect("scoring:set_load_reference")


urlpatterns: list[URLPattern] = [
    path("sets/", set_list, name="set_list"),
    path("sets/import/", set_import, name="set_import"),
    path("sets/template.xlsx", set_template_xlsx, name="set_template_xlsx"),
    path("sets/reference/", set_load_reference, name="set_load_reference"),
    path("sets/<int:pk>/", set_detail, name="set_detail"),
    path("sets/<int:pk>/export.<str:fmt>", set_export, name="set_export"),
    path("sets/<int:pk>/clone/", set_clone, name="set_clone"),
    path("sets/<int:pk>/edit/", set_edit, name="set_edit"),
    path("sets/<int:pk>/bands/", set_bands, name="set_bands"),
    path("sets/<int:pk>/replace/", set_replace, name="set_replace"),
]
