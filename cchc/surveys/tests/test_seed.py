from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from ..answers import clean_answers, spec_for
from ..models import IndexRole, Question, QuestionKind, Questionnaire, QuestionnaireVersion
from ..seed import load_sipas, reference

pytestmark = pytest.mark.django_db


def test_the_2640_questionnaire_has_five_elements_and_22_criteria():
    sipas, _ward = load_sipas()
    assert sipas.questionnaire.code == "sipas-2640"
    elements = reference()["variants"]["qd2640_2017"]["elements"]
    assert [s.title for s in sipas.sections.order_by("position")] == [
        e["element"] for e in elements
    ]
    criteria = sipas.questions.filter(index_role=IndexRole.CRITERION)
    assert criteria.count() == 22
    assert set(criteria.values_list("kind", "scale")) == {(QuestionKind.ASSESSMENT, "five_level")}
    per_section = [s.questions.filter(index_role="criterion").count() for s in sipas.sections.all()]
    assert per_section == [4, 5, 6, 3, 4]
    assert sipas.questions.filter(index_role=IndexRole.ELEMENT).count() == 5
    overall = sipas.questions.get(index_role=IndexRole.OVERALL)
    assert overall.kind == QuestionKind.SATISFACTION
    assert overall.section is None


def test_uncertain_wording_is_marked_with_the_reference_notes():
    sipas, _ward = load_sipas()
    first = sipas.questions.get(code="c1_1")
    assert first.text == "Nơi ngồi chờ tại Bộ phận tiếp nhận và trả kết quả có đủ chỗ ngồi"
    assert first.uncertain
    assert "chỗ ngồi chờ" in first.note
    checked = sipas.questions.get(code="c3_1")
    assert not checked.uncertain
    assert "Mẫu số 02" in checked.note
    assert "could not be checked" in sipas.notes
    assert "binary" in sipas.notes  # the agreement scale's own doubt


def test_the_expectation_question_is_multiple_choice_and_uncertain():
    sipas, _ward = load_sipas()
    expect = sipas.questions.get(index_role=IndexRole.EXPECTATION)
    assert expect.kind == QuestionKind.MULTIPLE
    assert expect.uncertain
    labels = list(expect.choices.values_list("label", flat=True))
    assert "Nâng cao thái độ phục vụ của công chức" in labels
    assert "Nâng cao năng lực của công chức" in labels
    assert list(expect.choices.values_list("value", flat=True)) == list(range(1, len(labels) + 1))


def test_the_ward_form_has_the_exact_wording():
    _sipas, ward = load_sipas()
    assert ward.questionnaire.code == "mau-02"
    assert [s.title for s in ward.sections.order_by("position")] == [
        "I. CÔNG CHỨC TRỰC TIẾP GIẢI QUYẾT CÔNG VIỆC",
        "II. KẾT QUẢ CUNG ỨNG DỊCH VỤ HÀNH CHÍNH CÔNG",
        "III. TIẾP NHẬN, XỬ LÝ CÁC Ý KIẾN GÓP Ý, PHẢN ÁNH, KIẾN NGHỊ",
    ]
    statements = ward.questions.filter(index_role=IndexRole.CRITERION).order_by("position")
    assert [q.code for q in statements] == [f"q_{n}" for n in range(1, 10)]
    assert statements[0].text == "Công chức có thái độ giao tiếp lịch sự."
    assert statements[3].text == (
        "Kết quả mà Ông/Bà nhận được là đúng quy định (Kết quả có thể là được cấp giấy tờ "
        "hoặc bị từ chối cấp giấy tờ)."
    )
    assert {q.kind for q in statements} == {QuestionKind.SATISFACTION}
    assert not any(q.uncertain for q in statements)
    procedure = ward.questions.get(code="linh_vuc_thu_tuc")
    assert (procedure.kind, procedure.max_length) == (QuestionKind.TEXT, 500)
    assert procedure.text == "Lĩnh vực/thủ tục hành chính đã giải quyết"
    for code in ("gioi_tinh", "do_tuoi", "trinh_do"):
        field = ward.questions.get(code=code)
        assert field.kind == QuestionKind.SINGLE
        assert field.choices.exists()
    assert "Xin Ông/Bà chọn một trong các chữ số" in ward.sections.get(code="s1").description


def test_loading_twice_changes_nothing():
    first = load_sipas()
    counts = (Questionnaire.objects.count(), QuestionnaireVersion.objects.count())
    questions = Question.objects.count()
    assert load_sipas() == first
    assert (Questionnaire.objects.count(), QuestionnaireVersion.objects.count()) == counts
    assert Question.objects.count() == questions


def test_the_seeded_forms_accept_a_complete_answer():
    sipas, ward = load_sipas()
    answers = {q.code: 4 for q in sipas.questions.exclude(kind=QuestionKind.MULTIPLE)}
    answers["mong_doi"] = [1, 3]
    assert clean_answers(spec_for(sipas), answers)["mong_doi"] == [1, 3]
    ward_answers = {f"q_{n}": 5 for n in range(1, 10)} | {
        "gioi_tinh": 2,
        "linh_vuc_thu_tuc": "Hộ tịch",
    }
    assert clean_answers(spec_for(ward), ward_answers)["gioi_tinh"] == 2


def test_the_command_loads_and_reports(admin_user):
    out = StringIO()
    call_command("load_sipas_questionnaire", stdout=out)
    assert "sipas-2640 v1" in out.getvalue()
    assert "mau-02 v1" in out.getvalue()
    assert Questionnaire.objects.filter(code__in=["sipas-2640", "mau-02"]).count() == 2
