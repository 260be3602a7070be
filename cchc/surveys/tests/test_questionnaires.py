from __future__ import annotations

import copy
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cchc.core.models import AuditEvent

from ..models import Question, Questionnaire, QuestionnaireVersion
from ..services.questionnaires import (
    create_version,
    lock,
    new_version_from,
    spec_of,
    update_question,
    update_version,
)
from .factories import make_campaign, make_version

pytestmark = pytest.mark.django_db

SAT = {"kind": "satisfaction"}
FORM: dict[str, Any] = {
    "title": "Phiếu thử",
    "notes": "Ghi chú",
    "sections": [{"code": "e1", "title": "Tiếp cận"}],
    "questions": [
        {"code": "c1", "text": "Nơi ngồi chờ", "section": "e1", "index_role": "criterion", **SAT},
        {"code": "e1", "text": "Hài lòng về tiếp cận", "section": "e1", "index_role": "element",
         **SAT},
        {"code": "overall", "text": "Hài lòng chung", "index_role": "overall", "required": True,
         **SAT},
        {"code": "why", "text": "Vì sao?", "kind": "text", "show_if": "overall",
         "show_if_values": [1, 2], "max_length": 300},
        {"code": "expect", "text": "Cần cải thiện", "kind": "multiple", "max_picks": 2,
         "index_role": "expectation",
         "choices": [{"value": 1, "name": "a", "label": "A"}, {"value": 2, "name": "b",
                     "label": "B"}, {"value": 3, "name": "c", "label": "C"}]},
        {"code": "age", "text": "Tuổi", "kind": "number", "min_value": "15", "max_value": 99},
    ],
}  # fmt: skip


def form(**changes: Any) -> dict[str, Any]:
    """FORM with question fields changed: form(why={"show_if": "age"})."""
    data = copy.deepcopy(FORM)
    for question in data["questions"]:
        question.update(changes.get(question["code"], {}))
    return data


def refusal(data: dict[str, Any]) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        create_version("thu", data, by=None)
    assert not QuestionnaireVersion.objects.exists()
    return error.value.message_dict


def test_a_version_is_made_from_plain_data(admin_user):
    version = create_version("thu", FORM, by=admin_user, source="tay")
    assert (version.questionnaire.code, version.number, version.source) == ("thu", 1, "tay")
    assert version.questionnaire.title == "Phiếu thử"
    assert version.created_by == admin_user
    assert list(version.questions.values_list("code", flat=True)) == [
        "c1", "e1", "overall", "why", "expect", "age"
    ]  # fmt: skip
    why = version.questions.get(code="why")
    assert why.show_if == version.questions.get(code="overall")
    assert why.show_if_values == [1, 2]
    assert why.max_length == 300
    assert version.questions.get(code="c1").section == version.sections.get(code="e1")
    assert list(version.questions.get(code="expect").choices.values_list("name", flat=True)) == [
        "a", "b", "c"
    ]  # fmt: skip
    event = AuditEvent.objects.get(verb="questionnaire.version_created")
    assert (event.actor, event.data["questions"]) == (admin_user, 6)
    assert version.history.first().history_user == admin_user


def test_the_next_version_takes_the_next_number():
    first = create_version("thu", FORM, by=None)
    second = create_version(first.questionnaire, FORM, by=None)
    third = create_version("thu", FORM, by=None)
    assert [first.number, second.number, third.number] == [1, 2, 3]
    assert Questionnaire.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"why": {"show_if": "age"}}, "questions[3].show_if"),  # not a choice question
        ({"why": {"show_if": "expect"}}, "questions[3].show_if"),  # a later question
        ({"why": {"show_if": "nothing"}}, "questions[3].show_if"),
        ({"why": {"show_if_values": [9]}}, "questions[3].show_if_values"),
        ({"why": {"show_if_values": []}}, "questions[3].show_if_values"),
        ({"overall": {"max_picks": 2}}, "questions[2].max_picks"),
        ({"expect": {"max_picks": 4}}, "questions[4].max_picks"),
        ({"age": {"min_value": 100}}, "questions[5].max_value"),
        ({"age": {"min_value": "1.234"}}, "questions[5].min_value"),
        ({"why": {"index_role": "criterion", "section": "e1"}}, "questions[3].index_role"),
        ({"c1": {"kind": "single", "choices": [{"value": 1, "name": "x", "label": "X"}]}},
         "questions[0].index_role"),
        ({"overall": {"kind": "assessment", "scale": "five_level"}}, "questions[2].index_role"),
        ({"expect": {"kind": "single", "max_picks": None}}, "questions[4].index_role"),
        ({"c1": {"section": ""}}, "questions[0].index_role"),  # a criterion needs its element
        ({"c1": {"scale": "five_level"}}, "questions[0].scale"),  # only for assessment
        ({"c1": {"kind": "assessment"}}, "questions[0].scale"),  # assessment needs one
        ({"c1": {"code": "e1"}}, "questions[1].code"),  # used twice
        ({"c1": {"code": "câu 1"}}, "questions[0].code"),  # not a slug
        ({"c1": {"text": " "}}, "questions[0].text"),
        ({"c1": {"kind": "yes_no"}}, "questions[0].kind"),
        ({"c1": {"section": "e9"}}, "questions[0].section"),
        ({"c1": {"choices": [{"value": 1, "name": "a", "label": "A"}]}},
         "questions[0].choices"),  # a scale's choices carry the scale's values
        ({"expect": {"choices": []}}, "questions[4].choices"),
        ({"expect": {"choices": [{"value": 1, "name": "a", "label": "A"},
                                 {"value": 1, "name": "b", "label": "B"}], "max_picks": 1}},
         "questions[4].choices[1].value"),
        ({"age": {"max_length": 0, "kind": "text", "min_value": None, "max_value": None}},
         "questions[5].max_length"),
    ],
)  # fmt: skip
def test_a_refused_draft_names_the_field_and_saves_nothing(changes, field):
    assert field in refusal(form(**changes))


def test_roles_are_unique_where_they_must_be():
    data = form()
    data["questions"].append(
        {"code": "overall2", "text": "Lần nữa", "index_role": "overall", **SAT}
    )
    data["questions"].append(
        {"code": "e1b", "text": "Lần nữa", "section": "e1", "index_role": "element", **SAT}
    )
    errors = refusal(data)
    assert "questions[6].index_role" in errors
    assert "questions[7].index_role" in errors


def test_the_questions_of_a_section_follow_each_other():
    data = form()
    data["sections"].append({"code": "e2", "title": "Thủ tục"})
    data["questions"].insert(1, {"code": "c2", "text": "Thủ tục", "section": "e2", **SAT})
    assert "questions[2].section" in refusal(data)


def test_the_title_and_the_questionnaire_code_are_checked():
    assert "title" in refusal(dict(FORM, title=""))
    with pytest.raises(ValidationError) as error:
        create_version("mã có dấu", FORM, by=None)
    assert "code" in error.value.message_dict


def test_a_new_version_copies_everything_and_is_editable(admin_user):
    version = make_version(locked=True)
    copy_ = new_version_from(version, by=admin_user)
    assert copy_.number == 2
    assert not copy_.is_locked
    assert spec_of(copy_) == spec_of(version)
    assert copy_.questions.get(code="why").show_if == copy_.questions.get(code="overall")


def test_lock_is_kept_once(admin_user):
    version = make_version()
    lock(version, by=admin_user)
    locked_at = version.locked_at
    assert locked_at is not None
    lock(version, by=admin_user)
    assert version.locked_at == locked_at
    assert AuditEvent.objects.filter(verb="questionnaire.version_locked").count() == 1


def test_wording_changes_while_unlocked_and_is_audited(admin_user):
    version = make_version()
    question = version.questions.get(code="c11")
    update_question(question, text="Chỗ ngồi chờ đủ", hint="Gợi ý", required=False, note="",
                    by=admin_user)  # fmt: skip
    question.refresh_from_db()
    assert (question.text, question.hint, question.required) == ("Chỗ ngồi chờ đủ", "Gợi ý", False)
    event = AuditEvent.objects.get(verb="questionnaire.question_edited")
    assert event.changes["text"] == ["Câu hỏi c11", "Chỗ ngồi chờ đủ"]
    assert event.actor == admin_user
    update_version(version, title="Phiếu mới", notes="Đã sửa", by=admin_user)
    version.refresh_from_db()
    assert (version.title, version.notes) == ("Phiếu mới", "Đã sửa")
    with pytest.raises(ValidationError) as error:
        update_question(question, text=" ", hint="", required=True, note="", by=admin_user)
    assert "text" in error.value.message_dict


def test_a_locked_version_refuses_changes_naming_its_campaign(admin_user, unit_a, english):
    campaign = make_campaign(make_version(), [unit_a])
    version = campaign.version
    question = version.questions.get(code="c11")
    with pytest.raises(ValidationError) as error:
        update_question(question, text="Khác", hint="", required=True, note="", by=admin_user)
    assert error.value.messages == [
        f"Version 1 is used by campaign “{campaign.name}”; make a new version."
    ]
    with pytest.raises(ValidationError):
        update_version(version, title="Khác", notes="", by=admin_user)
    assert Question.objects.get(pk=question.pk).text == "Câu hỏi c11"
