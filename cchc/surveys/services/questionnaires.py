"""Questionnaires: versions made from a plain draft, copied, locked, edited, XLSForm in and out.

A version is made whole from a `FormDraft` (or the same data as dicts) by `create_version`,
which checks the draft first (`xlsform.spec.form_problems`) and saves nothing when it finds
a problem: the ValidationError names each field (``questions[3].show_if``). Its number is
the questionnaire's last + 1. Wording changes only while the version is unlocked; a version
is locked when a campaign opens with it (`lock`) and later changes go to a new version
(`new_version_from`). Every change is audited (history, plus a domain event).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.accounts.models import User
from cchc.core.audit import record_event, register_verbs
from cchc.core.spreadsheets import ImportProblem

from ..models import Choice, Question, Questionnaire, QuestionnaireVersion, Section
from ..xlsform import (
    ChoiceDraft,
    FormDraft,
    FormProblem,
    QuestionDraft,
    SectionDraft,
    XLSFormInvalid,
    as_form,
    form_problems,
    locate,
    read_upload,
    write_xlsform,
)
from ..xlsform.spec import CODE, MAX_TITLE

register_verbs(
    {
        "questionnaire.version_created": gettext_lazy("created a questionnaire version"),
        "questionnaire.version_imported": gettext_lazy("imported a questionnaire (XLSForm)"),
        "questionnaire.version_locked": gettext_lazy("locked a questionnaire version"),
        "questionnaire.version_edited": gettext_lazy("changed a questionnaire version"),
        "questionnaire.question_edited": gettext_lazy("changed a question's wording"),
    }
)

EDITABLE_QUESTION_FIELDS = ("text", "hint", "required", "note")


def _save(obj: models.Model, by: User | None, update_fields: list[str] | None = None) -> None:
    obj._history_user = by  # type: ignore[attr-defined]
    obj.save(update_fields=update_fields)


def _refuse(problems: list[FormProblem]) -> None:
    errors: dict[str, list[str]] = defaultdict(list)
    for problem in problems:
        errors[problem.key or "__all__"].append(problem.message)
    raise ValidationError(dict(errors))


# Making versions ---------------------------------------------------------------------------


def _questionnaire(owner: Questionnaire | str, title: str, by: User | None) -> Questionnaire:
    if isinstance(owner, Questionnaire):
        return owner
    code = str(owner or "").strip()
    if not CODE.match(code):
        raise ValidationError(
            {"code": _("A questionnaire code is a slug: letters without accents, digits, _ or -.")}
        )
    existing = Questionnaire.objects.filter(code=code).first()
    if existing is not None:
        return existing
    created = Questionnaire(code=code, title=title[:MAX_TITLE])
    _save(created, by)
    return created


def create_version(
    questionnaire: Questionnaire | str,
    form: FormDraft | Mapping[str, Any],
    *,
    by: User | None,
    source: str = "",
    is_demo: bool = False,
) -> QuestionnaireVersion:
    """A new version (last number + 1) of `questionnaire` (or of the questionnaire with this
    code, created when missing) holding the draft; nothing is saved if the draft is refused."""
    draft = as_form(form)
    problems = form_problems(draft)
    if problems:
        _refuse(problems)
    with transaction.atomic():
        owner = _questionnaire(questionnaire, draft.title, by)
        owner = Questionnaire.objects.select_for_update().get(pk=owner.pk)
        number = (owner.versions.aggregate(last=Max("number"))["last"] or 0) + 1
        version = QuestionnaireVersion(
            questionnaire=owner, number=number, title=draft.title, notes=draft.notes,
            source=source[:300], is_demo=is_demo, created_by=by,
        )  # fmt: skip
        _save(version, by)
        _write_content(version, draft)
        record_event(
            version, "questionnaire.version_created", by=by,
            data={"questionnaire": owner.code, "number": number, "source": version.source,
                  "sections": len(draft.sections), "questions": len(draft.questions)},
        )  # fmt: skip
    return version


def _question_row(version: QuestionnaireVersion, position: int, q: QuestionDraft) -> Question:
    return Question(
        version=version, position=position, code=q.code, text=q.text, hint=q.hint, kind=q.kind,
        scale=q.scale, index_role=q.index_role, required=q.required, max_picks=q.max_picks,
        min_value=q.min_value, max_value=q.max_value, max_length=q.max_length,
        show_if_values=[int(v) for v in q.show_if_values] if q.show_if else [],
        uncertain=q.uncertain, note=q.note,
    )  # fmt: skip


def _write_content(version: QuestionnaireVersion, draft: FormDraft) -> None:
    sections = Section.objects.bulk_create(
        Section(version=version, position=i, code=s.code, title=s.title, description=s.description)
        for i, s in enumerate(draft.sections, start=1)
    )
    by_section = {s.code: s for s in sections}
    rows = []
    for position, q in enumerate(draft.questions, start=1):
        row = _question_row(version, position, q)
        row.section = by_section.get(q.section)
        rows.append(row)
    questions = Question.objects.bulk_create(rows)
    by_code = {q.code: q for q in questions}
    conditioned = []
    for row, q in zip(questions, draft.questions, strict=True):
        if q.show_if:
            row.show_if = by_code[q.show_if]
            conditioned.append(row)
    Question.objects.bulk_update(conditioned, ["show_if"])
    Choice.objects.bulk_create(
        Choice(question=row, value=c.value, name=c.name, label=c.label)
        for row, q in zip(questions, draft.questions, strict=True)
        for c in q.choices
    )


def spec_of(version: QuestionnaireVersion) -> FormDraft:
    """The version as a draft (what `create_version` would need to make it again)."""
    questions = version.questions.select_related("section", "show_if").prefetch_related("choices")
    return FormDraft(
        title=version.title,
        notes=version.notes,
        sections=[
            SectionDraft(code=s.code, title=s.title, description=s.description)
            for s in version.sections.order_by("position")
        ],
        questions=[_draft_of(q) for q in questions.order_by("position")],
    )


def _draft_of(q: Question) -> QuestionDraft:
    return QuestionDraft(
        code=q.code, text=q.text, kind=q.kind, section=q.section.code if q.section else "",
        hint=q.hint, scale=q.scale, index_role=q.index_role, required=q.required,
        max_picks=q.max_picks, min_value=q.min_value, max_value=q.max_value,
        max_length=q.max_length, show_if=q.show_if.code if q.show_if else "",
        show_if_values=[int(v) for v in q.show_if_values or []], uncertain=q.uncertain,
        note=q.note,
        choices=[ChoiceDraft(c.value, c.name, c.label) for c in q.choices.all()],
    )  # fmt: skip


def new_version_from(version: QuestionnaireVersion, *, by: User | None) -> QuestionnaireVersion:
    """An unlocked copy of `version` (the next number) to edit."""
    source = _("Copy of version %(n)d") % {"n": version.number}
    return create_version(version.questionnaire, spec_of(version), by=by, source=source)


def lock(version: QuestionnaireVersion, *, by: User | None = None) -> QuestionnaireVersion:
    """Freeze the version's content (a campaign opens with it); locking twice changes nothing."""
    if version.locked_at is None:
        version.locked_at = timezone.now()
        _save(version, by, ["locked_at"])
        record_event(version, "questionnaire.version_locked", by=by)
    return version


# Editing while unlocked ----------------------------------------------------------------------


def require_unlocked(version: QuestionnaireVersion) -> None:
    """Refuse to change a locked version, naming the campaign that uses it."""
    if not version.is_locked:
        return
    campaign = version.campaigns.order_by("opened_at", "pk").first()
    if campaign is not None:
        message = _("Version %(n)d is used by campaign “%(campaign)s”; make a new version.") % {
            "n": version.number,
            "campaign": campaign.name,
        }
    else:
        message = _("Version %(n)d is locked; make a new version.") % {"n": version.number}
    raise ValidationError(message, code="locked")


def update_version(
    version: QuestionnaireVersion, *, title: str, notes: str, by: User | None
) -> QuestionnaireVersion:
    require_unlocked(version)
    title, notes = title.strip(), notes.strip()
    if not title:
        raise ValidationError({"title": _("A title is required.")})
    if len(title) > MAX_TITLE:
        raise ValidationError({"title": _("At most %(n)d characters.") % {"n": MAX_TITLE}})
    changes = _changes(version, {"title": title, "notes": notes})
    if changes:
        version.title, version.notes = title, notes
        _save(version, by, ["title", "notes"])
        record_event(version, "questionnaire.version_edited", by=by, changes=changes)
    return version


def update_question(
    question: Question, *, text: str, hint: str, required: bool, note: str, by: User | None
) -> Question:
    """Change a question's wording, hint, note or whether it is required (unlocked only)."""
    require_unlocked(question.version)
    values = {"text": text.strip(), "hint": hint.strip(), "required": required, "note": note}
    values["note"] = values["note"].strip()
    if not values["text"]:
        raise ValidationError({"text": _("The question has no text.")})
    changes = _changes(question, values)
    if changes:
        for name, value in values.items():
            setattr(question, name, value)
        question.save(update_fields=list(EDITABLE_QUESTION_FIELDS))
        record_event(
            question, "questionnaire.question_edited", by=by, changes=changes,
            data={"version": question.version_id, "code": question.code},
        )  # fmt: skip
    return question


def _changes(obj: models.Model, values: Mapping[str, Any]) -> dict[str, list[Any]]:
    return {
        name: [getattr(obj, name), value]
        for name, value in values.items()
        if getattr(obj, name) != value
    }


# XLSForm -------------------------------------------------------------------------------------


def export_xlsform(version: QuestionnaireVersion) -> bytes:
    return write_xlsform(
        spec_of(version), form_id=version.questionnaire.code, version=str(version.number)
    )


def xlsform_filename(version: QuestionnaireVersion) -> str:
    return f"{version.questionnaire.code}-v{version.number}.xlsx"


def _import_code(code: str, form_id: str, file: str) -> tuple[str, list[ImportProblem]]:
    chosen = (code or form_id).strip()
    if not chosen:
        reason = _("The file has no form_id: give the questionnaire's code.")
        return "", [ImportProblem(file, None, "settings!form_id", reason)]
    if not CODE.match(chosen):
        reason = _("“%(code)s” cannot be a questionnaire code: give another one.") % {
            "code": chosen[:80]
        }
        return "", [ImportProblem(file, None, "settings!form_id", reason)]
    return chosen, []


def import_xlsform(
    upload: UploadedFile, *, by: User | None, code: str = ""
) -> QuestionnaireVersion:
    """A new version from an XLSForm workbook: of the questionnaire `code` (else the file's
    form_id; created when missing). Any problem refuses the whole file (`XLSFormInvalid`,
    every problem by sheet, row and column); notices (rows skipped on purpose) are kept in
    the version's notes."""
    found = read_upload(upload)
    draft = found.form
    if found.problems and not (draft.questions or draft.sections):
        raise XLSFormInvalid(found.problems)  # nothing could be read
    draft.title = draft.title or PurePath(found.file).stem
    chosen, problems = _import_code(code, found.form_id, found.file)
    problems = found.problems + problems
    reported = {(p.row, p.column) for p in problems}
    more = (locate(p, found.file) for p in form_problems(draft))
    problems += [p for p in more if (p.row, p.column) not in reported]
    if problems:
        raise XLSFormInvalid(problems)
    if found.notices:
        notices = "\n".join(f"- {n}" for n in found.notices)
        heading = _("Import from %(file)s:") % {"file": found.file}
        draft.notes = "\n\n".join(p for p in (draft.notes, f"{heading}\n{notices}") if p)
    with transaction.atomic():
        version = create_version(chosen, draft, by=by, source=f"XLSForm: {found.file}")
        record_event(
            version, "questionnaire.version_imported", by=by,
            data={"file": found.file, "form_version": found.version, "notices": found.notices},
        )  # fmt: skip
    return version
