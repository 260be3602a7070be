"""Pages of the surveys module: questionnaires and their versions.

Everyone with a role reads them (units' focal points are asked them); the secretariat and
administrators import XLSForms, load the SIPAS seed, make new versions and edit wording
while a version is unlocked (`services.questionnaires` refuses a locked one with its message).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cchc.accounts.access import require
from cchc.core.spreadsheets import ImportProblem
from cchc.core.viewhelpers import XLSX, file_response, run

from ..answers import spec_for
from ..models import Campaign, Question, Questionnaire, QuestionnaireVersion
from ..services import questionnaires as services
from ..xlsform import XLSFormInvalid

# Forms ---------------------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("XLSForm workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        help_text=gettext_lazy("Made in KoboToolbox, ODK or exported from cchc."),
    )
    code = forms.SlugField(
        label=gettext_lazy("Questionnaire code"),
        max_length=64,
        required=False,
        help_text=gettext_lazy(
            "Leave empty to use the file's form_id. An existing code gets a new version."
        ),
    )


class VersionForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )


class QuestionForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Question"), widget=forms.Textarea(attrs={"rows": 3}))
    hint = forms.CharField(
        label=gettext_lazy("Hint"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    required = forms.BooleanField(label=gettext_lazy("Required"), required=False)
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


# Helpers -------------------------------------------------------------------------------------


def _versions(request: HttpRequest) -> Any:
    visible = Questionnaire.objects.visible_to(request.user)
    return QuestionnaireVersion.objects.filter(questionnaire__in=visible)


def _version(request: HttpRequest, pk: int) -> QuestionnaireVersion:
    return get_object_or_404(_versions(request).select_related("questionnaire"), pk=pk)


def _manage(request: HttpRequest) -> None:
    require(Questionnaire.can_manage(request.user))


def _detail_url(version: QuestionnaireVersion) -> str:
    return reverse("surveys:questionnaire_detail", args=[version.pk])


def _locked(request: HttpRequest, version: QuestionnaireVersion, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect(_detail_url(version))


def _lock_message(version: QuestionnaireVersion) -> str:
    try:
        services.require_unlocked(version)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


@dataclass
class Block:
    """A section of the detail page (or the questions outside any section)."""

    title: str
    code: str = ""
    description: str = ""
    questions: list[dict[str, Any]] = field(default_factory=list)


def _condition(question: Question, labels: dict[str, dict[int, str]]) -> str:
    if question.show_if is None:
        return ""
    answers = labels.get(question.show_if.code, {})
    shown = ", ".join(str(answers.get(v, v)) for v in question.show_if_values)
    return _("Shown only if %(code)s is: %(answers)s") % {
        "code": question.show_if.code,
        "answers": shown,
    }


def _blocks(version: QuestionnaireVersion) -> list[Block]:
    spec = spec_for(version)
    labels = {q.code: q.values for q in spec.questions}
    blocks = {s.pk: Block(s.title, s.code, s.description) for s in version.sections.all()}
    loose = Block(_("Other questions"))
    ordered: list[Block] = list(blocks.values())
    questions = version.questions.select_related("show_if").order_by("position")
    for q in questions:
        block = blocks.get(q.section_id, loose) if q.section_id else loose
        block.questions.append(
            {"q": q, "answers": labels.get(q.code, {}), "condition": _condition(q, labels)}
        )
    if loose.questions:
        ordered.append(loose)
    return ordered


# Pages ---------------------------------------------------------------------------------------


@login_required
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    versions = QuestionnaireVersion.objects.prefetch_related(
        Prefetch("campaigns", Campaign.objects.order_by("starts_on"))
    ).order_by("-number")
    questionnaires = Questionnaire.objects.visible_to(request.user).prefetch_related(
        Prefetch("versions", versions)
    )
    context = {
        "questionnaires": questionnaires,
        "can_manage": Questionnaire.can_manage(request.user),
    }
    return render(request, "surveys/questionnaire_list.html", context)


@login_required
def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    can_manage = Questionnaire.can_manage(request.user)
    context = {
        "version": version,
        "questionnaire": version.questionnaire,
        "blocks": _blocks(version),
        "versions": version.questionnaire.versions.order_by("-number"),
        "campaigns": version.campaigns.order_by("starts_on"),
        "can_manage": can_manage,
        "can_edit": can_manage and not version.is_locked,
        "lock_message": _lock_message(version),
    }
    return render(request, "surveys/questionnaire_detail.html", context)


@login_required
def questionnaire_export(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    content = services.export_xlsform(version)
    return file_response(content, services.xlsform_filename(version), XLSX)


def _import(request: HttpRequest, form: ImportForm) -> tuple[Any, list[ImportProblem]]:
    """The imported version, or the file's problems (or errors put on the form)."""
    try:
        version = services.import_xlsform(
            form.cleaned_data["file"], by=request.user, code=form.cleaned_data["code"]
        )
    except XLSFormInvalid as error:
        return None, error.problems
    except ValidationError as error:
        form.add_error(None, error)
        return None, []
    return version, []


@login_required
def questionnaire_import(request: HttpRequest) -> HttpResponse:
    _manage(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[ImportProblem] = []
    if request.method == "POST" and form.is_valid():
        version, problems = _import(request, form)
        if version:
            messages.success(
                request,
                _("Imported as version %(n)d of “%(title)s”.")
                % {"n": version.number, "title": version.questionnaire.title},
            )
            return redirect(_detail_url(version))
    context = {"form": form, "problems": problems}
    return render(request, "surveys/questionnaire_import.html", context)


@login_required
@require_POST
def questionnaire_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    source = _version(request, pk)
    _manage(request)
    version = services.new_version_from(source, by=request.user)
    messages.success(
        request,
        _("Version %(n)d was made: edit it before a campaign uses it.") % {"n": version.number},
    )
    return redirect(_detail_url(version))


@login_required
@require_POST
def questionnaire_load_sipas(request: HttpRequest) -> HttpResponse:
    _manage(request)
    from ..seed import load_sipas

    loaded = load_sipas(by=request.user)
    names = ", ".join(f"{v.questionnaire.code} v{v.number}" for v in loaded)
    messages.success(request, _("SIPAS questionnaires loaded: %(names)s.") % {"names": names})
    return redirect("surveys:questionnaire_list")


@login_required
def questionnaire_edit(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    _manage(request)
    locked = _lock_message(version)
    if locked:
        return _locked(request, version, locked)
    initial = {"title": version.title, "notes": version.notes}
    form = VersionForm(request.POST or None, initial=initial)
    valid = request.method == "POST" and form.is_valid()
    if valid and run(form, services.update_version, version, by=request.user, **form.cleaned_data):
        messages.success(request, _("The version was saved."))
        return redirect(_detail_url(version))
    context = {"form": form, "version": version}
    return render(request, "surveys/questionnaire_edit.html", context)


@login_required
def questionnaire_question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(
        Question.objects.filter(version__in=_versions(request)).select_related(
            "version__questionnaire"
        ),
        pk=pk,
    )
    version = question.version
    _manage(request)
    locked = _lock_message(version)
    if locked:
        return _locked(request, version, locked)
    initial = {f: getattr(question, f) for f in services.EDITABLE_QUESTION_FIELDS}
    form = QuestionForm(request.POST or None, initial=initial)
    valid = request.method == "POST" and form.is_valid()
    if valid and run(
        form, services.update_question, question, by=request.user, **form.cleaned_data
    ):
        messages.success(request, _("The question was saved."))
        return redirect(f"{_detail_url(version)}#q-{question.code}")
    context = {"form": form, "version": version, "question": question}
    return render(request, "surveys/questionnaire_question_edit.html", context)


urlpatterns: list[URLPattern] = [
    path("questionnaires/", questionnaire_list, name="questionnaire_list"),
    path("questionnaires/import/", questionnaire_import, name="questionnaire_import"),
    path("questionnaires/load-sipas/", questionnaire_load_sipas, name="questionnaire_load_sipas"),
    path("questionnaires/versions/<int:pk>/", questionnaire_detail, name="questionnaire_detail"),
    path(
        "questionnaires/versions/<int:pk>/xlsform/",
        questionnaire_export,
        name="questionnaire_export",
    ),
    path(
        "questionnaires/versions/<int:pk>/new-version/",
        questionnaire_new_version,
        name="questionnaire_new_version",
    ),
    path("questionnaires/versions/<int:pk>/edit/", questionnaire_edit, name="questionnaire_edit"),
    path(
        "questionnaires/questions/<int:pk>/edit/",
        questionnaire_question_edit,
        name="questionnaire_question_edit",
    ),
]
