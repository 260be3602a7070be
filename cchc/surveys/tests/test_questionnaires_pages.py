from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ..models import Questionnaire, QuestionnaireVersion
from ..services.questionnaires import export_xlsform
from .factories import make_campaign, make_version
from .test_xlsform import workbook

pytestmark = pytest.mark.django_db


def url(name: str, *args: int) -> str:
    return reverse(f"surveys:{name}", args=args)


@pytest.fixture
def version():
    return make_version()


def test_everyone_with_a_role_reads_the_list_and_a_version(client, version, focal_point):
    client.force_login(focal_point)
    page = client.get(url("questionnaire_list"))
    assert page.status_code == 200
    assert list(page.context["questionnaires"]) == [version.questionnaire]
    assert url("questionnaire_import") not in page.content.decode()
    detail = client.get(url("questionnaire_detail", version.pk))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert 'id="q-why"' in html
    assert "Nâng cao thái độ phục vụ" in html  # the choices are shown
    assert url("questionnaire_new_version", version.pk) not in html
    assert url("questionnaire_question_edit", version.questions.get(code="c11").pk) not in html


def test_the_seeded_questionnaires_show_their_doubts(client, focal_point, english):
    from ..seed import load_sipas

    sipas, ward = load_sipas()
    client.force_login(focal_point)
    html = client.get(url("questionnaire_detail", sipas.pk)).content.decode()
    assert "wording uncertain" in html
    assert "Expectations (areas to improve)" in html
    assert "Other questions" in html  # the overall and expectation questions
    html = client.get(url("questionnaire_detail", ward.pk)).content.decode()
    assert "Công chức có thái độ giao tiếp lịch sự." in html
    assert "Very satisfied" in html  # the scale's answers


def test_managers_see_their_actions(client, version, home_affairs_officer):
    client.force_login(home_affairs_officer)
    html = client.get(url("questionnaire_list")).content.decode()
    assert url("questionnaire_import") in html
    assert url("questionnaire_load_sipas") in html
    html = client.get(url("questionnaire_detail", version.pk)).content.decode()
    assert url("questionnaire_new_version", version.pk) in html
    assert url("questionnaire_edit", version.pk) in html


def test_a_person_without_a_role_sees_no_questionnaire(client, version, no_role_user):
    client.force_login(no_role_user)
    assert list(client.get(url("questionnaire_list")).context["questionnaires"]) == []
    assert client.get(url("questionnaire_detail", version.pk)).status_code == 404
    assert client.get(url("questionnaire_export", version.pk)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, version):
    response = client.get(url("questionnaire_detail", version.pk))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_export_downloads_an_xlsform(client, version, focal_point):
    client.force_login(focal_point)
    response = client.get(url("questionnaire_export", version.pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "mini-v1.xlsx" in response["Content-Disposition"]
    assert response.content == export_xlsform(version)


def test_the_secretariat_imports_an_xlsform(client, version, home_affairs_officer):
    client.force_login(home_affairs_officer)
    assert client.get(url("questionnaire_import")).status_code == 200
    upload = SimpleUploadedFile("mini.xlsx", export_xlsform(version))
    response = client.post(url("questionnaire_import"), {"file": upload, "code": "mini"})
    created = QuestionnaireVersion.objects.get(questionnaire__code="mini", number=2)
    assert response.status_code == 302
    assert response["Location"] == url("questionnaire_detail", created.pk)


def test_a_refused_import_lists_its_problems_by_row(client, home_affairs_officer, english):
    client.force_login(home_affairs_officer)
    content = workbook(
        [["type", "name", "label"], ["begin_repeat", "r", "R"], ["select_one nope", "a", "A"]],
        [["list_name", "name", "label"]],
        [["form_id"], ["x"]],
    )
    response = client.post(
        url("questionnaire_import"), {"file": SimpleUploadedFile("x.xlsx", content)}
    )
    assert response.status_code == 200
    assert [(p.row, p.column) for p in response.context["problems"]] == [
        (2, "survey!type"),
        (3, "survey!type"),
    ]
    html = response.content.decode()
    assert "Repeat groups are not supported by cchc." in html
    assert "2 problems: nothing was imported." in html
    assert not Questionnaire.objects.exists()


def test_an_import_without_a_file_shows_the_field_error(client, home_affairs_officer):
    client.force_login(home_affairs_officer)
    response = client.post(url("questionnaire_import"), {"code": "x"})
    assert response.status_code == 200
    assert "file" in response.context["form"].errors


def test_units_may_read_but_not_import_or_change(client, version, focal_point):
    client.force_login(focal_point)
    assert client.get(url("questionnaire_import")).status_code == 403
    assert client.post(url("questionnaire_load_sipas")).status_code == 403
    assert client.post(url("questionnaire_new_version", version.pk)).status_code == 403
    assert client.get(url("questionnaire_edit", version.pk)).status_code == 403
    question = version.questions.get(code="c11")
    assert client.get(url("questionnaire_question_edit", question.pk)).status_code == 403
    assert QuestionnaireVersion.objects.count() == 1


def test_the_secretariat_loads_the_sipas_questionnaires(client, home_affairs_officer):
    client.force_login(home_affairs_officer)
    assert client.get(url("questionnaire_load_sipas")).status_code == 405
    response = client.post(url("questionnaire_load_sipas"))
    assert response.status_code == 302
    assert set(Questionnaire.objects.values_list("code", flat=True)) == {"sipas-2640", "mau-02"}
    client.post(url("questionnaire_load_sipas"))
    assert QuestionnaireVersion.objects.count() == 2


def test_a_new_version_is_made_from_a_locked_one(client, unit_a, home_affairs_officer):
    campaign = make_campaign(make_version(), [unit_a])
    client.force_login(home_affairs_officer)
    response = client.post(url("questionnaire_new_version", campaign.version.pk))
    copy = QuestionnaireVersion.objects.get(number=2)
    assert response["Location"] == url("questionnaire_detail", copy.pk)
    assert not copy.is_locked


def test_editing_a_version_and_a_question(client, version, home_affairs_officer):
    client.force_login(home_affairs_officer)
    assert client.get(url("questionnaire_edit", version.pk)).status_code == 200
    response = client.post(url("questionnaire_edit", version.pk), {"title": "Mới", "notes": "Ghi"})
    assert response.status_code == 302
    version.refresh_from_db()
    assert (version.title, version.notes) == ("Mới", "Ghi")
    bad = client.post(url("questionnaire_edit", version.pk), {"title": "", "notes": ""})
    assert "title" in bad.context["form"].errors
    question = version.questions.get(code="c11")
    page = url("questionnaire_question_edit", question.pk)
    response = client.post(page, {"text": "Chỗ ngồi", "hint": "", "note": "N", "required": ""})
    assert response["Location"] == url("questionnaire_detail", version.pk) + "#q-c11"
    question.refresh_from_db()
    assert (question.text, question.required, question.note) == ("Chỗ ngồi", False, "N")


def test_a_locked_version_cannot_be_edited(client, unit_a, home_affairs_officer, english):
    campaign = make_campaign(make_version(), [unit_a])
    version = campaign.version
    client.force_login(home_affairs_officer)
    response = client.post(url("questionnaire_edit", version.pk), {"title": "X"}, follow=True)
    assert f"Version 1 is used by campaign “{campaign.name}”; make a new version." in (
        response.content.decode()
    )
    question = version.questions.get(code="c11")
    response = client.post(url("questionnaire_question_edit", question.pk), {"text": "X"})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.text == "Câu hỏi c11"
    detail = client.get(url("questionnaire_detail", version.pk)).content.decode()
    assert url("questionnaire_edit", version.pk) not in detail


def test_pages_of_a_missing_version_are_404(client, home_affairs_officer):
    client.force_login(home_affairs_officer)
    assert client.get(url("questionnaire_detail", 999)).status_code == 404
    assert client.post(url("questionnaire_new_version", 999)).status_code == 404
    assert client.get(url("questionnaire_question_edit", 999)).status_code == 404
