from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ..models import Questionnaire, QuestionnaireVersion
from ..services.questionnaires import export_xlsform
from .factories import make_version
from .test_xlsform import workbook

pytestmark = pytest.mark.django_db

API = "/api/surveys"


@pytest.fixture
def version():
    return make_version()


def test_questionnaires_are_listed_with_their_versions(client, version, focal_point):
    client.force_login(focal_point)
    body = client.get(f"{API}/questionnaires").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["code"], item["title"]) == ("mini", "Phiếu mini")
    assert [v["number"] for v in item["versions"]] == [1]
    assert item["versions"][0]["id"] == version.pk


def test_a_version_is_read_whole(client, version, focal_point):
    client.force_login(focal_point)
    body = client.get(f"{API}/questionnaires/versions/{version.pk}").json()
    assert body["questionnaire_code"] == "mini"
    assert [s["code"] for s in body["sections"]] == ["e1", "e2", "other"]
    questions = {q["code"]: q for q in body["questions"]}
    assert list(questions)[:3] == ["c11", "c12", "e1"]
    why = questions["why"]
    assert (why["show_if"], why["show_if_values"], why["kind"]) == ("overall", [1, 2], "text")
    assert questions["c21"]["scale"] == "agree_disagree"
    assert [a["value"] for a in questions["c21"]["answers"]] == [1, 2]
    assert [a["value"] for a in questions["c11"]["answers"]] == [1, 2, 3, 4, 5]
    assert questions["c11"]["choices"] == []
    assert [c["name"] for c in questions["expect"]["choices"]] == [
        "thai_do",
        "cong_khai",
        "nang_luc",
    ]
    assert questions["expect"]["max_picks"] == 2
    assert (questions["age"]["min_value"], questions["age"]["max_value"]) == ("15.00", "100.00")


def test_without_a_role_nothing_is_visible(client, version, no_role_user):
    client.force_login(no_role_user)
    assert client.get(f"{API}/questionnaires").json()["count"] == 0
    assert client.get(f"{API}/questionnaires/versions/{version.pk}").status_code == 404
    assert client.get(f"{API}/questionnaires/versions/{version.pk}/xlsform").status_code == 404
    response = client.post(f"{API}/questionnaires/versions/{version.pk}/new-version")
    assert response.status_code == 404


def test_anonymous_callers_must_authenticate(client, version):
    assert client.get(f"{API}/questionnaires").status_code == 401


def test_the_xlsform_is_exported(client, version, focal_point):
    client.force_login(focal_point)
    response = client.get(f"{API}/questionnaires/versions/{version.pk}/xlsform")
    assert response.status_code == 200
    assert response.content == export_xlsform(version)
    assert "attachment" in response["Content-Disposition"]


def test_the_secretariat_imports_an_xlsform(client, version, home_affairs_officer):
    client.force_login(home_affairs_officer)
    upload = SimpleUploadedFile("mini.xlsx", export_xlsform(version))
    response = client.post(f"{API}/questionnaires/import", {"file": upload, "code": "ban-sao"})
    assert response.status_code == 201
    body = response.json()
    assert (body["questionnaire_code"], body["number"]) == ("ban-sao", 1)
    assert len(body["questions"]) == version.questions.count()


def test_a_refused_import_is_422_with_a_detail_per_problem(client, home_affairs_officer, english):
    client.force_login(home_affairs_officer)
    content = workbook(
        [["type", "name", "label"], ["text", "a", "A"], ["geopoint", "g", "G"]],
        None,
        [["form_id"], ["x"]],
    )
    upload = SimpleUploadedFile("x.xlsx", content)
    response = client.post(f"{API}/questionnaires/import", {"file": upload})
    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert [(d["file"], d["row"], d["column"]) for d in details] == [("x.xlsx", 3, "survey!type")]
    assert details[0]["reason"] == "The type “geopoint” is not supported by cchc."
    assert not Questionnaire.objects.exists()


def test_a_non_xlsx_upload_is_422(client, home_affairs_officer):
    client.force_login(home_affairs_officer)
    upload = SimpleUploadedFile("x.xlsx", b"%PDF-1.4 not a workbook")
    response = client.post(f"{API}/questionnaires/import", {"file": upload})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["row"] is None


def test_units_may_read_but_not_import(client, version, focal_point):
    client.force_login(focal_point)
    upload = SimpleUploadedFile("mini.xlsx", export_xlsform(version))
    assert client.post(f"{API}/questionnaires/import", {"file": upload}).status_code == 403
    response = client.post(f"{API}/questionnaires/versions/{version.pk}/new-version")
    assert response.status_code == 403
    assert QuestionnaireVersion.objects.count() == 1


def test_a_new_version_is_made(client, version, admin_user):
    client.force_login(admin_user)
    response = client.post(f"{API}/questionnaires/versions/{version.pk}/new-version")
    assert response.status_code == 201
    assert response.json()["number"] == 2
    assert response.json()["is_locked"] is False


def test_operation_ids_are_named(client, admin_user):
    client.force_login(admin_user)
    paths = client.get("/api/openapi.json").json()["paths"]
    ids = {op["operationId"] for item in paths.values() for op in item.values()}
    assert {
        "surveys_questionnaire_list",
        "surveys_questionnaire_version_get",
        "surveys_questionnaire_export",
        "surveys_questionnaire_import",
        "surveys_questionnaire_new_version",
    } <= ids
