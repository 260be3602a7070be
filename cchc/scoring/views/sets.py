"""HTML pages of the PAR Index: criteria sets (list, tree, import, export, clone, edit,
bands, replacing the criteria, loading the reference files).

Every role reads sets; the secretariat and administrators change them, and only while no
round has opened with them (`services.sets` refuses a locked set with its own message).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
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
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cchc.accounts.access import require
from cchc.accounts.models import User
from cchc.core.spreadsheets import ImportProblem
from cchc.core.viewhelpers import XLSX, file_response

from .. import metrics
from ..calculations import Method
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
    decimal_text,
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


def _number(value: Any) -> str:
    """A parameter as people read it in the current language: "2.5" → "2,5" in Vietnamese."""
    try:
        return number_format(Decimal(decimal_text(Decimal(str(value)))))
    except (InvalidOperation, ValueError):
        return str(value)


def _filename(criteria_set: CriteriaSet, extension: str) -> str:
    return f"bo-tieu-chi-{criteria_set.year}-{criteria_set.group}.{extension}"


def _locking_rounds() -> Prefetch:
    """The rounds using a set, the first of which locked it."""
    return Prefetch("rounds", Round.objects.order_by("opened_at", "pk"), to_attr="using_rounds")


# How a criterion is scored, in words ---------------------------------------------------------


@dataclass
class Scoring:
    """A scored criterion's method in words, with its options or steps to list."""

    words: str
    options: list[tuple[str, str]] = field(default_factory=list)  # (label, points in words)
    steps: list[tuple[str, str]] = field(default_factory=list)  # (from, points)
    steps_on: str = ""  # what the steps are read on ("%" or a declared number)


def _steps(params: dict[str, Any], percent: bool) -> list[tuple[str, str]]:
    unit = " %" if percent else ""
    ordered = sorted(params.get("bands", []), key=lambda band: Decimal(str(band["from"])))
    return [(f"{_number(band['from'])}{unit}", _number(band["points"])) for band in ordered]


def _option(option: dict[str, Any]) -> tuple[str, str]:
    label = str(option.get("label") or option.get("key"))
    if option.get("not_applicable"):
        return label, _("not applicable: left out of the maximum")
    points = Decimal(str(option.get("points", 0)))
    words = ngettext("%(points)s point", "%(points)s points", 1 if points == 1 else 2)
    return label, words % {"points": _number(points)}


def _from_figure(params: dict[str, Any], figure: str, maximum: str) -> Scoring:
    """Metric and survey criteria scored from a figure (a percent) cchc computes."""
    if "bands" in params:
        words = _("From %(figure)s (a percent), in steps:") % {"figure": figure}
        return Scoring(words, steps=_steps(params, percent=True), steps_on="%")
    if params.get("threshold") not in (None, ""):
        words = _(
            "From %(figure)s: full marks (%(max)s) from %(threshold)s %%; below it, "
            "the figure divided by %(threshold)s %% times the maximum."
        )
        return Scoring(
            words % {"figure": figure, "max": maximum, "threshold": _number(params["threshold"])}
        )
    return Scoring(_("From %(figure)s: the figure (%%) times the maximum.") % {"figure": figure})


def _metric_name(key: str) -> str:
    metric = metrics.available().get(key)
    return f"“{metric.label if metric else key}”"


def _ratio(params: dict[str, Any], maximum: str) -> Scoring:
    if params.get("threshold") in (None, ""):
        return Scoring(
            _("The ratio of two declared numbers times the maximum (%(max)s).") % {"max": maximum}
        )
    words = _(
        "The ratio of two declared numbers times the maximum; full marks (%(max)s) from "
        "%(threshold)s %%, below it the ratio divided by %(threshold)s %% times the maximum."
    )
    return Scoring(words % {"max": maximum, "threshold": _number(params["threshold"])})


def _stepwise(params: dict[str, Any]) -> Scoring:
    if params.get("basis") == "number":
        words = _("Stepwise on a declared number: the points of the highest step reached.")
        return Scoring(words, steps=_steps(params, percent=False), steps_on=_("number"))
    words = _(
        "Stepwise on the ratio of two declared numbers (%): the points of the highest step reached."
    )
    return Scoring(words, steps=_steps(params, percent=True), steps_on="%")


def scoring_words(criterion: Criterion) -> Scoring:
    """How a scored criterion gets its points, with its parameters explained."""
    params, maximum = criterion.params or {}, _number(criterion.max_points)
    method = criterion.method
    if method == Method.MANUAL:
        if params.get("step"):
            words = _("Points entered from 0 to %(max)s, in steps of %(step)s.")
            return Scoring(words % {"max": maximum, "step": _number(params["step"])})
        return Scoring(_("Points entered from 0 to %(max)s.") % {"max": maximum})
    if method == Method.CHOICE:
        options = [_option(o) for o in params.get("options", []) if isinstance(o, dict)]
        return Scoring(_("One option is chosen:"), options=options)
    if method == Method.RATIO:
        return _ratio(params, maximum)
    if method == Method.BANDS:
        return _stepwise(params)
    if method == Method.METRIC:
        figure = _("the cchc figure %(metric)s") % {"metric": _metric_name(params["metric"])}
        return _from_figure(params, figure, maximum)
    if method == Method.SURVEY and params.get("metric"):
        figure = _("the survey figure %(metric)s") % {"metric": _metric_name(params["metric"])}
        return _from_figure(params, figure, maximum)
    if method == Method.SURVEY:
        words = _("Survey result: the secretariat enters the points (0 to %(max)s).")
        return Scoring(words % {"max": maximum})
    return Scoring(criterion.get_method_display())


# The tree of a set -------------------------------------------------------------------------


@dataclass
class Line:
    criterion: Criterion
    scoring: Scoring | None


@dataclass
class Area:
    area: Criterion
    lines: list[Line]
    survey: Decimal = Decimal(0)
    bonus: Decimal = Decimal(0)
    penalty: Decimal = Decimal(0)


@dataclass
class BandLine:
    label: str
    start: Decimal
    below: Decimal | None


def _areas(criteria_set: CriteriaSet) -> list[Area]:
    """The areas in order, each with its criteria and sub-criteria in document order."""
    areas: list[Area] = []
    for c in criteria_set.criteria.order_by("position"):
        if c.depth == 1:
            areas.append(Area(c, []))
        area = areas[-1]
        if c.depth > 1 or c.is_scored:
            area.lines.append(Line(c, scoring_words(c) if c.is_scored else None))
        if c.kind == Criterion.Kind.BONUS:
            area.bonus += c.max_points
        elif c.kind == Criterion.Kind.PENALTY:
            area.penalty += c.max_points
        elif c.is_scored and c.source == Criterion.Source.SURVEY:
            area.survey += c.max_points
    return areas


def _band_lines(criteria_set: CriteriaSet) -> list[BandLine]:
    lines, below = [], None
    for band in criteria_set.bands.order_by("-min_percent"):
        lines.append(BandLine(band.label, band.min_percent, below))
        below = band.min_percent
    return lines


def _totals(areas: list[Area]) -> dict[str, Decimal]:
    normal = [a for a in areas if a.area.kind == Criterion.Kind.NORMAL]
    maximum = sum((a.area.max_points for a in normal), Decimal(0))
    survey = sum((a.survey for a in areas), Decimal(0))
    return {
        "maximum": maximum,
        "survey": survey,
        "self": maximum - survey,
        "bonus": sum((a.bonus for a in areas), Decimal(0)),
        "penalty": sum((a.penalty for a in areas), Decimal(0)),
    }


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
