"""Surveys API: questionnaires - list with versions, read a version whole, XLSForm out and in,
a new version from an existing one.

Everyone with a role reads questionnaires (404 without one); importing and making versions
is the secretariat's and administrators' (403 otherwise). An XLSForm that cannot be
imported is 422 with one detail per problem (`file`, `row`, `column` as "sheet!column",
`reason`); nothing is saved.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from cchc.accounts.access import require
from cchc.core.viewhelpers import XLSX, file_response

from ..answers import spec_for
from ..models import Question, Questionnaire, QuestionnaireVersion
from ..services import questionnaires as services
from ..xlsform import XLSFormInvalid
from ._common import router

PAGE = 50


def get_version(request: HttpRequest, version_id: int) -> QuestionnaireVersion:
    visible = Questionnaire.objects.visible_to(request.user)
    found = QuestionnaireVersion.objects.filter(questionnaire__in=visible)
    return get_object_or_404(found.select_related("questionnaire"), pk=version_id)


# Schemas ------------------------------------------------------------------------------------


class VersionOut(Schema):
    id: int
    number: int
    title: str
    source: str
    is_demo: bool
    is_locked: bool
    locked_at: datetime.datetime | None
    created_at: datetime.datetime


class QuestionnaireOut(Schema):
    id: int
    code: str
    title: str
    description: str
    versions: list[VersionOut]

    @staticmethod
    def resolve_versions(obj: Questionnaire) -> list[QuestionnaireVersion]:
        return sorted(obj.versions.all(), key=lambda v: -v.number)


class SectionOut(Schema):
    code: str
    title: str
    description: str


class ChoiceOut(Schema):
    value: int
    name: str
    label: str


class AnswerOut(Schema):
    value: int
    label: str


class QuestionOut(Schema):
    id: int
    code: str
    section: str | None
    text: str
    hint: str
    kind: str
    scale: str
    index_role: str
    required: bool
    max_picks: int | None
    min_value: Decimal | None
    max_value: Decimal | None
    max_length: int
    show_if: str | None
    show_if_values: list[int]
    uncertain: bool
    note: str
    choices: list[ChoiceOut]
    answers: list[AnswerOut]


class VersionDetailOut(VersionOut):
    questionnaire_code: str
    questionnaire_title: str
    notes: str
    sections: list[SectionOut]
    questions: list[QuestionOut]


def _question(q: Question, answers: dict[int, str]) -> dict[str, Any]:
    return {
        "id": q.pk, "code": q.code, "section": q.section.code if q.section else None,
        "text": q.text, "hint": q.hint, "kind": q.kind, "scale": q.scale,
        "index_role": q.index_role, "required": q.required, "max_picks": q.max_picks,
        "min_value": q.min_value, "max_value": q.max_value, "max_length": q.max_length,
        "show_if": q.show_if.code if q.show_if else None,
        "show_if_values": list(q.show_if_values or []), "uncertain": q.uncertain,
        "note": q.note, "choices": list(q.choices.all()),
        "answers": [{"value": v, "label": str(label)} for v, label in answers.items()],
    }  # fmt: skip


def version_detail(version: QuestionnaireVersion) -> dict[str, Any]:
    """The version with its sections and questions in order (4 queries)."""
    answers = {q.code: q.values for q in spec_for(version).questions}
    questions = version.questions.select_related("section", "show_if").prefetch_related("choices")
    detail = VersionOut.from_orm(version).dict()
    detail.update(
        questionnaire_code=version.questionnaire.code,
        questionnaire_title=version.questionnaire.title,
        notes=version.notes,
        sections=list(version.sections.order_by("position")),
        questions=[_question(q, answers.get(q.code, {})) for q in questions.order_by("position")],
    )
    return detail


def _refused(error: XLSFormInvalid) -> JsonResponse:
    details = [
        {"field": p.column, "message": str(p.reason), "file": p.file, "row": p.row,
         "column": p.column, "reason": str(p.reason)}
        for p in error.problems
    ]  # fmt: skip
    body = {"error": {"code": "invalid", "message": _("The XLSForm cannot be imported."),
                      "details": details}}  # fmt: skip
    return JsonResponse(body, status=422, json_dumps_params={"ensure_ascii": False})


# Endpoints ----------------------------------------------------------------------------------


@router.get(
    "/questionnaires",
    response=list[QuestionnaireOut],
    operation_id="surveys_questionnaire_list",
    summary="List questionnaires with their versions",
)
@paginate(PageNumberPagination, page_size=PAGE)
def questionnaire_list(request: HttpRequest) -> Any:
    """Every role reads questionnaires; the newest version first in each."""
    return Questionnaire.objects.visible_to(request.user).prefetch_related("versions")


@router.get(
    "/questionnaires/versions/{int:version_id}",
    response=VersionDetailOut,
    operation_id="surveys_questionnaire_version_get",
    summary="Read a questionnaire version with its sections, questions and answers",
)
def version_get(request: HttpRequest, version_id: int) -> Any:
    """`answers` lists the values a respondent may give (the choices, or the scale's)."""
    return version_detail(get_version(request, version_id))


@router.get(
    "/questionnaires/versions/{int:version_id}/xlsform",
    operation_id="surveys_questionnaire_export",
    summary="Download a questionnaire version as an XLSForm workbook",
)
def version_export(request: HttpRequest, version_id: int) -> HttpResponse:
    version = get_version(request, version_id)
    return file_response(services.export_xlsform(version), services.xlsform_filename(version), XLSX)


@router.post(
    "/questionnaires/import",
    response={201: VersionDetailOut},
    operation_id="surveys_questionnaire_import",
    summary="Import an XLSForm workbook as a new questionnaire version",
)
def questionnaire_import(
    request: HttpRequest, file: File[UploadedFile], code: Form[str] = ""
) -> Any:
    """Multipart `file` (.xlsx); `code` names the questionnaire (default: the file's form_id;
    an existing code gets a new version). Secretariat and administrators only."""
    require(Questionnaire.can_manage(request.user))
    try:
        version = services.import_xlsform(file, by=request.user, code=code)
    except XLSFormInvalid as error:
        return _refused(error)
    return Status(201, version_detail(version))


@router.post(
    "/questionnaires/versions/{int:version_id}/new-version",
    response={201: VersionDetailOut},
    operation_id="surveys_questionnaire_new_version",
    summary="Copy a questionnaire version into a new, editable version",
)
def version_copy(request: HttpRequest, version_id: int) -> Any:
    source = get_version(request, version_id)
    require(Questionnaire.can_manage(request.user))
    return Status(201, version_detail(services.new_version_from(source, by=request.user)))
