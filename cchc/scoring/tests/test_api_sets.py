"""The PAR Index API: criteria sets, and the schema that lists every operation."""

import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.scoring.models import CriteriaSet
from cchc.scoring.sets_io import write_xlsx

from .api_helpers import API, send
from .factories import make_criteria_set, make_small_tree

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


# Criteria sets -----------------------------------------------------------------------


def test_sets_list_tree_export_import_and_clone(client, home_affairs_officer, focal_point):
    criteria_set = make_criteria_set()
    client.force_login(focal_point)
    listed = client.get(f"{API}/sets", {"year": 2025, "group": "departments"}).json()
    assert [s["id"] for s in listed["items"]] == [criteria_set.pk]
    assert client.get(f"{API}/sets", {"year": 2024}).json()["items"] == []
    detail = client.get(f"{API}/sets/{criteria_set.pk}").json()
    area = detail["criteria"][0]
    assert (area["code"], area["max_points"], area["method"]) == ("1", "10.00", "")
    leaf = area["children"][0]["children"][0]
    assert (leaf["code"], leaf["method"], leaf["allows_not_applicable"]) == (
        "1.1.1",
        "choice",
        True,
    )
    assert leaf["evidence_required"] == "Kế hoạch CCHC năm"
    assert [(b["label"], b["min_percent"]) for b in detail["bands"]] == [
        ("Xuất sắc", "90.00"),
        ("Tốt", "80.00"),
        ("Khá", "70.00"),
        ("Trung bình", "50.00"),
        ("Yếu", "0.00"),
    ]

    exported = client.get(f"{API}/sets/{criteria_set.pk}/export.json")
    assert exported.status_code == 200
    assert "attachment" in exported["Content-Disposition"]
    tree = exported.json()
    assert tree["format"] == "cchc-criteria-set/1"

    client.force_login(home_affairs_officer)
    upload = SimpleUploadedFile(
        "bo-tieu-chi.json", json.dumps(tree).encode(), content_type="application/json"
    )
    imported = client.post(f"{API}/sets/import", {"file": upload, "name": "Bản nhập"})
    assert imported.status_code == 201, imported.content
    assert (imported.json()["name"], imported.json()["year"]) == ("Bản nhập", 2025)
    workbook = SimpleUploadedFile("bo-tieu-chi.xlsx", write_xlsx(tree))
    from_xlsx = client.post(f"{API}/sets/import", {"file": workbook, "name": "Bản Excel"})
    assert from_xlsx.status_code == 201, from_xlsx.content

    cloned = send(client, "post", f"/sets/{criteria_set.pk}/clone", {"year": 2026, "name": "2026"})
    assert cloned.status_code == 201
    assert (cloned.json()["year"], cloned.json()["cloned_from_id"]) == (2026, criteria_set.pk)
    copy = CriteriaSet.objects.get(pk=cloned.json()["id"])
    assert copy.criteria.count() == criteria_set.criteria.count()


def test_a_malformed_set_file_is_refused_row_by_row(client, home_affairs_officer):
    book = openpyxl.load_workbook(io.BytesIO(write_xlsx(make_small_tree())))
    sheet = book.worksheets[0]
    assert sheet["A8"].value == "1.1.2"
    sheet["C8"] = "hai"  # the maximum of 1.1.2
    content = io.BytesIO()
    book.save(content)
    client.force_login(home_affairs_officer)
    upload = SimpleUploadedFile("sai.xlsx", content.getvalue())
    response = client.post(f"{API}/sets/import", {"file": upload})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    rows = {(d["file"], d["row"]) for d in error["details"]}
    assert ("sai.xlsx", 8) in rows
    assert all(d["reason"] and d["column"] for d in error["details"] if d["row"] == 8)
    assert not CriteriaSet.objects.exists()

    bad_json = make_small_tree()
    bad_json["criteria"][0]["children"][0]["children"][1]["max_points"] = "hai"
    upload = SimpleUploadedFile("sai.json", json.dumps(bad_json).encode())
    response = client.post(f"{API}/sets/import", {"file": upload})
    assert response.status_code == 422
    columns = [d["column"] for d in response.json()["error"]["details"]]
    assert "criteria[0].children[0].children[1].max_points" in columns


def test_only_managers_import_or_clone_sets(client, focal_point):
    criteria_set = make_criteria_set()
    client.force_login(focal_point)
    upload = SimpleUploadedFile("x.json", json.dumps(make_small_tree()).encode())
    assert client.post(f"{API}/sets/import", {"file": upload}).status_code == 403
    clone = send(client, "post", f"/sets/{criteria_set.pk}/clone", {"year": 2026, "name": "x"})
    assert clone.status_code == 403
    assert CriteriaSet.objects.count() == 1


# The schema --------------------------------------------------------------------------

OPERATIONS = {
    ("get", "/sets"),
    ("get", "/sets/{set_id}"),
    ("get", "/sets/{set_id}/export.json"),
    ("post", "/sets/import"),
    ("post", "/sets/{set_id}/clone"),
    ("get", "/rounds"),
    ("post", "/rounds"),
    ("get", "/rounds/{round_id}"),
    ("patch", "/rounds/{round_id}/schedule"),
    ("post", "/rounds/{round_id}/exceptions"),
    ("post", "/rounds/{round_id}/appraisers"),
    ("delete", "/rounds/{round_id}/appraisers/{assignment_id}"),
    ("post", "/rounds/{round_id}/compile"),
    ("post", "/rounds/{round_id}/approve"),
    ("post", "/rounds/{round_id}/publish"),
    ("get", "/rounds/{round_id}/sheets"),
    ("get", "/sheets/{sheet_id}"),
    ("put", "/scores/{score_id}/self"),
    ("put", "/scores/{score_id}/survey"),
    ("post", "/scores/{score_id}/evidence"),
    ("post", "/evidence/{evidence_id}/withdraw"),
    ("post", "/sheets/{sheet_id}/submit"),
    ("put", "/scores/{score_id}/appraisal/{round_no}"),
    ("put", "/scores/{score_id}/explanation"),
    ("post", "/sheets/{sheet_id}/explanations/send"),
    ("post", "/sheets/{sheet_id}/round-1/close"),
    ("post", "/sheets/{sheet_id}/round-2/close"),
    ("get", "/rounds/{round_id}/results"),
    ("get", "/sheets/{sheet_id}/scorecard"),
    ("post", "/scores/{score_id}/correction"),
}


def test_openapi_lists_every_operation_with_an_id_and_a_summary(client, focal_point):
    client.force_login(focal_point)
    paths = client.get("/api/openapi.json").json()["paths"]
    found = {
        (method, path.removeprefix(API)): operation
        for path, methods in paths.items()
        if path.startswith(API)
        for method, operation in methods.items()
    }
    assert set(found) == OPERATIONS
    assert all(op["operationId"].startswith("par_") and op["summary"] for op in found.values())
    evidence = found[("post", "/scores/{score_id}/evidence")]["requestBody"]["content"]
    assert set(evidence) == {"multipart/form-data", "application/json"}
