"""The SIPAS questionnaires made from `reference/sipas_questionnaire.json`.

- ``sipas-2640``: the national method of QĐ 2640/QĐ-BNV (variant ``qd2640_2017``): five
  sections (the five elements), the 22 criteria as assessment statements on the five-level
  agreement scale, each element's satisfaction question, the overall question and the
  expectation question (areas to improve, multiple choice). Most of this wording could not
  be checked against the decision itself: such questions are marked uncertain, with the
  reference's note, and the version's notes say so.
- ``mau-02``: the ward form "Mẫu số 02" (variant ``local_form_mau_02``) with its exact
  wording: sections I-III, statements q_1..q_9 rated on the satisfaction scale (criteria of
  their section), then the respondent fields.

Codes (XLSForm names): sipas-2640 - sections e1..e5, criteria c1_1..c5_4, element questions
hl_e1..hl_e5, overall, mong_doi; mau-02 - sections s1..s3, q_1..q_9, then linh_vuc_thu_tuc,
gioi_tinh, do_tuoi, trinh_do (not "thu_tuc": response imports read that column as the
procedure).

`load_sipas` is idempotent: a questionnaire already there is left as it is.
"""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction

from cchc.accounts.models import User

from .calculations import AssessmentScale
from .models import IndexRole, QuestionKind, Questionnaire, QuestionnaireVersion
from .services.questionnaires import create_version
from .xlsform import ChoiceDraft, FormDraft, QuestionDraft, SectionDraft

REFERENCE = Path(__file__).resolve().parent / "reference" / "sipas_questionnaire.json"
SIPAS_CODE = "sipas-2640"
WARD_CODE = "mau-02"

# The expectation question: not in the reference's wording; its choices follow the areas to
# improve that the published results name (reference `expectation_choice.examples_from_results`)
# with one per element, so every choice is marked uncertain.
EXPECTATION_TEXT = (
    "Theo Ông/Bà, cơ quan hành chính nhà nước cần ưu tiên cải thiện những nội dung nào để "
    "phục vụ người dân, tổ chức tốt hơn?"
)
EXPECTATION_CHOICES = [
    (
        "co_so_vat_chat",
        "Cải thiện nơi ngồi chờ, trang thiết bị tại Bộ phận tiếp nhận và trả kết quả",
    ),
    ("cong_khai", "Tăng cường công khai, minh bạch thông tin"),
    ("thai_do", "Nâng cao thái độ phục vụ của công chức"),
    ("nang_luc", "Nâng cao năng lực của công chức"),
    ("ket_qua", "Nâng cao chất lượng kết quả giải quyết thủ tục hành chính"),
    ("gop_y", "Nâng cao chất lượng tiếp nhận, xử lý góp ý, phản ánh, kiến nghị"),
]
EXPECTATION_NOTE = (
    "Wording and choices not in the reference: the choices follow the areas named in published "
    "SIPAS results (2023: thái độ phục vụ 85.12%, tiếp nhận góp ý 85.11%, năng lực 85.03%; "
    "2024: năng lực 66.56%, thái độ 63.10%, công khai minh bạch 59.42%) and the five elements; "
    "'Cải thiện thái độ công chức' (2024) is merged into 'thái độ phục vụ'. No limit on picks "
    "(the reference gives none)."
)

# Mẫu số 02 respondent fields: the reference names them without their answers.
GENDERS = [("nam", "Nam"), ("nu", "Nữ")]
AGE_BANDS = [
    ("duoi_25", "Dưới 25 tuổi"),
    ("25_34", "Từ 25 đến 34 tuổi"),
    ("35_49", "Từ 35 đến 49 tuổi"),
    ("50_64", "Từ 50 đến 64 tuổi"),
    ("tu_65", "Từ 65 tuổi trở lên"),
]
EDUCATION = [
    ("tieu_hoc", "Tiểu học"),
    ("thcs", "Trung học cơ sở"),
    ("thpt", "Trung học phổ thông"),
    ("trung_cap", "Trung cấp, cao đẳng"),
    ("dai_hoc", "Đại học"),
    ("sau_dai_hoc", "Trên đại học"),
]
CHOICES_NOT_GIVEN = "The reference names this field but not its answers; the choices are cchc's."


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


@cache
def reference() -> dict[str, Any]:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


def _choices(pairs: list[tuple[str, str]]) -> list[ChoiceDraft]:
    return [ChoiceDraft(i, name, _nfc(label)) for i, (name, label) in enumerate(pairs, start=1)]


# sipas-2640 ----------------------------------------------------------------------------------


def _criterion(element: int, item: dict[str, Any], scale_note: str) -> QuestionDraft:
    uncertain = bool(item.get("uncertain"))
    notes = [_nfc(item.get("note", "")), f"Scale: {scale_note}" if scale_note else ""]
    return QuestionDraft(
        code="c" + item["id"].replace(".", "_"), text=_nfc(item["question"]),
        kind=QuestionKind.ASSESSMENT, section=f"e{element}", scale=AssessmentScale.FIVE_LEVEL,
        index_role=IndexRole.CRITERION, required=True, uncertain=uncertain,
        note=" ".join(n if n.endswith(".") else f"{n}." for n in notes if n),
    )  # fmt: skip


def _satisfaction(code: str, item: dict[str, Any], role: str, section: str) -> QuestionDraft:
    return QuestionDraft(
        code=code, text=_nfc(item["question"]), kind=QuestionKind.SATISFACTION, section=section,
        index_role=role, required=True, uncertain=bool(item.get("uncertain", True)),
        note="Wording not checked against QĐ 2640." if item.get("uncertain", True) else "",
    )  # fmt: skip


def _sipas_notes(ref: dict[str, Any], variant: dict[str, Any]) -> str:
    scales = ref["answer_scales"]
    lines = [
        f"Source: {variant['legal_basis']}.",
        *ref["notes"],
        f"Agreement scale: {scales['agreement_nhan_dinh']['note']}",
        f"Satisfaction scale: {scales['satisfaction_5']['note']}",
        f"Expectation question: {EXPECTATION_NOTE}",
        f"Index formulas: {ref['index_formulas']['note']}",
    ]
    return "\n".join(f"- {_nfc(line)}" for line in lines)


def sipas_form() -> FormDraft:
    ref = reference()
    variant = ref["variants"]["qd2640_2017"]
    scale = ref["answer_scales"]["agreement_nhan_dinh"]
    scale_note = _nfc(scale["note"]) if scale.get("uncertain") else ""
    sections, questions = [], []
    for element in variant["elements"]:
        n = element["id"]
        sections.append(SectionDraft(code=f"e{n}", title=_nfc(element["element"])))
        questions += [_criterion(n, item, scale_note) for item in element["criteria"]]
        questions.append(
            _satisfaction(f"hl_e{n}", element["satisfaction_question"], IndexRole.ELEMENT, f"e{n}")
        )
    questions.append(
        _satisfaction("overall", variant["overall_question"], IndexRole.OVERALL, section="")
    )
    questions.append(
        QuestionDraft(
            code="mong_doi",
            text=EXPECTATION_TEXT,
            kind=QuestionKind.MULTIPLE,
            index_role=IndexRole.EXPECTATION,
            uncertain=True,
            note=EXPECTATION_NOTE,
            choices=_choices(EXPECTATION_CHOICES),
        )
    )
    title = "Phiếu khảo sát sự hài lòng của người dân, tổ chức (SIPAS, QĐ 2640/QĐ-BNV)"
    return FormDraft(
        title=title, notes=_sipas_notes(ref, variant), sections=sections, questions=questions
    )


# mau-02 --------------------------------------------------------------------------------------


def _respondent_fields() -> list[QuestionDraft]:
    fields = reference()["variants"]["local_form_mau_02"]["respondent_fields"]
    procedure = _nfc(fields[0].split("(")[0])
    single = QuestionKind.SINGLE
    return [
        QuestionDraft(code="linh_vuc_thu_tuc", text=procedure, kind=QuestionKind.TEXT),
        QuestionDraft(code="gioi_tinh", text=_nfc(fields[1]), kind=single,
                      choices=_choices(GENDERS), uncertain=True, note=CHOICES_NOT_GIVEN),
        QuestionDraft(code="do_tuoi", text=_nfc(fields[2]), kind=single,
                      choices=_choices(AGE_BANDS), uncertain=True, note=CHOICES_NOT_GIVEN),
        QuestionDraft(code="trinh_do", text=_nfc(fields[3]), kind=single,
                      choices=_choices(EDUCATION), uncertain=True, note=CHOICES_NOT_GIVEN),
    ]  # fmt: skip


def ward_form() -> FormDraft:
    ref = reference()
    variant = ref["variants"]["local_form_mau_02"]
    instruction = _nfc(ref["answer_scales"]["satisfaction_5"]["instruction_text_local_form"])
    sections, questions = [], []
    for n, block in enumerate(variant["sections"], start=1):
        code = f"s{n}"
        description = instruction if n == 1 else ""
        sections.append(
            SectionDraft(code=code, title=_nfc(block["section"]), description=description)
        )
        questions += [
            QuestionDraft(
                code=item["id"],
                text=_nfc(item["question"]),
                kind=QuestionKind.SATISFACTION,
                section=code,
                index_role=IndexRole.CRITERION,
                required=True,
            )
            for item in variant["sections"][n - 1]["items"]
        ]
    questions += _respondent_fields()
    notes = [
        f"Source: {variant['legal_basis']}.",
        "Exact wording of the ward form (reference variant local_form_mau_02).",
        f"Instruction on the form: {instruction}",
        f"Satisfaction scale: {ref['answer_scales']['satisfaction_5']['note']}",
        "Respondent fields: the reference does not give the answers of gender, age band and "
        "education; cchc's choices are marked uncertain.",
    ]
    return FormDraft(
        title="Phiếu khảo sát sự hài lòng (Mẫu số 02)",
        notes="\n".join(f"- {_nfc(line)}" for line in notes),
        sections=sections,
        questions=questions,
    )


# Loading -------------------------------------------------------------------------------------


def _load(
    code: str, title: str, form: FormDraft, source: str, by: User | None
) -> QuestionnaireVersion:
    existing = QuestionnaireVersion.objects.filter(questionnaire__code=code).order_by("-number")
    found = existing.first()
    if found is not None:
        return found
    with transaction.atomic():
        owner = Questionnaire.objects.filter(code=code).first()
        if owner is None:
            owner = Questionnaire(code=code, title=title)
            owner._history_user = by  # type: ignore[attr-defined]
            owner.save()
        return create_version(owner, form, by=by, source=source)


def load_sipas(by: User | None = None) -> list[QuestionnaireVersion]:
    """The SIPAS 2640 and Mẫu số 02 versions, made once (a second call returns them)."""
    ref = reference()
    variants = ref["variants"]
    return [
        _load(SIPAS_CODE, "SIPAS (QĐ 2640/QĐ-BNV)", sipas_form(),
              variants["qd2640_2017"]["legal_basis"][:300], by),
        _load(WARD_CODE, "Mẫu số 02", ward_form(),
              variants["local_form_mau_02"]["legal_basis"][:300], by),
    ]  # fmt: skip
