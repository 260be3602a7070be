"""The PAR Index API: a whole round through it, refused input (422 with details), the wrong
user (404 for what one may not see, 403 for what one may not do), and the schema."""

import io
import json
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.core.tests.files import make_pdf
from cchc.plans.services import save_progress_report
from cchc.plans.tests.helpers import assignment_for
from cchc.scoring.models import CriteriaSet, Round, ScoreSheet
from cchc.scoring.sets_io import write_xlsx

from .factories import make_criteria_set, make_node, make_small_tree, make_tree
from .round_helpers import SCHEDULE, on

pytestmark = pytest.mark.django_db

API = "/api/par-index"


@pytest.fixture(autouse=True)
def _in_english(english):
    """Messages are asserted as their English msgids."""


def send(client, method: str, url: str, data: dict[str, Any] | None = None):
    body = json.dumps(data or {})
    return getattr(client, method)(f"{API}{url}", body, content_type="application/json")


def api_set() -> CriteriaSet:
    """Departments 2026: area 1 (10) = 1.1 manual (6, steps of 0.5) + 1.2 ratio (4, full
    from 80 %); area 2 (5) = 2.1 from the survey (5). Bands Tốt ≥ 80, Khá ≥ 0."""
    tree = make_tree(
        [
            make_node(
                "1",
                "Chỉ đạo, điều hành",
                "10",
                children=[
                    make_node("1.1", "Kiểm tra CCHC", "6", params={"step": "0.5"}),
                    make_node(
                        "1.2", "Tỷ lệ hoàn thành", "4", method="ratio", params={"threshold": "80"}
                    ),
                ],
            ),
            make_node(
                "2",
                "Sự hài lòng",
                "5",
                children=[make_node("2.1", "Điều tra XHH", "5", method="survey", source="survey")],
            ),
        ],
        bands=[("Tốt", "80"), ("Khá", "0")],
        year=2026,
        name="Bộ tiêu chí API 2026",
    )
    return make_criteria_set(tree)


def schedule() -> dict[str, str]:
    return {field: day.isoformat() for field, day in SCHEDULE.items()}


def open_round(client, officer, criteria_set: CriteriaSet, units) -> dict[str, Any]:
    client.force_login(officer)
    data = {
        "year": 2026,
        "name": "Chỉ số CCHC 2026",
        "criteria_set_ids": [criteria_set.pk],
        "schedule": schedule(),
        "unit_ids": [u.pk for u in units],
        "council_quorum": 1,
    }
    response = send(client, "post", "/rounds", data)
    assert response.status_code == 201, response.content
    return response.json()


def scores_by_code(client, sheet_id: int) -> dict[str, dict[str, Any]]:
    detail = client.get(f"{API}/sheets/{sheet_id}").json()
    return {s["code"]: s for s in detail["scores"]}


# The whole round ---------------------------------------------------------------------


def test_a_whole_round_through_the_api(
    client,
    home_affairs_officer,
    focal_point,
    unit_leader,
    appraiser,
    council_member,
    outsider,
    unit_a,
):
    criteria_set = api_set()
    with on("self"):
        opened = open_round(client, home_affairs_officer, criteria_set, [unit_a])
        round_id = opened["id"]
        assert (opened["status"], opened["current_stage"]) == ("open", "self")
        assert opened["schedule"]["self_to"] == "2027-01-10"
        added = send(
            client,
            "post",
            f"/rounds/{round_id}/appraisers",
            {"area_code": "1", "appraiser_id": appraiser.pk},
        )
        assert added.status_code == 201
        detail = client.get(f"{API}/rounds/{round_id}").json()
        assert [(a["area_code"], a["appraiser_id"]) for a in detail["appraisers"]] == [
            ("1", appraiser.pk)
        ]

        client.force_login(focal_point)
        listed = client.get(f"{API}/rounds/{round_id}/sheets").json()
        assert [s["unit_id"] for s in listed["items"]] == [unit_a.pk]
        sheet_id = listed["items"][0]["id"]
        sheet = client.get(f"{API}/sheets/{sheet_id}").json()
        assert sheet["status"] == "draft"
        assert sheet["maximum"] == "15.00"
        assert [(m["code"], m["reason"]) for m in sheet["missing_items"]] == [
            ("1.1", "not scored yet"),
            ("1.2", "not scored yet"),
        ]
        scores = {s["code"]: s for s in sheet["scores"]}
        manual, ratio, survey = scores["1.1"]["id"], scores["1.2"]["id"], scores["2.1"]["id"]
        assert scores["1.1"]["max_points"] == "6.00"

        scored = send(client, "put", f"/scores/{manual}/self", {"entered_points": 5})
        assert scored.status_code == 200
        assert scored.json()["self_points"] == "5.00"
        assert scored.json()["declared"]["entered_points"] == "5.00"
        upload = SimpleUploadedFile("ke-hoach.pdf", make_pdf(), content_type="application/pdf")
        evidence = client.post(
            f"{API}/scores/{manual}/evidence", {"file": upload, "note": "Kế hoạch kiểm tra"}
        )
        assert evidence.status_code == 201, evidence.content
        assert (evidence.json()["kind"], evidence.json()["file_name"]) == ("file", "ke-hoach.pdf")
        assert evidence.json()["file_url"].startswith("/files/")
        ratio_data = {"numerator": "3", "denominator": "4", "note": "Chưa có báo cáo"}
        assert send(client, "put", f"/scores/{ratio}/self", ratio_data).status_code == 200
        upload = SimpleUploadedFile("nham.pdf", make_pdf("nhầm"), content_type="application/pdf")
        wrong = client.post(f"{API}/scores/{ratio}/evidence", {"file": upload}).json()
        withdrawn = send(client, "post", f"/evidence/{wrong['id']}/withdraw")
        assert withdrawn.json()["withdrawn_at"] is not None
        sheet = client.get(f"{API}/sheets/{sheet_id}").json()
        assert (sheet["self_total"], sheet["missing_items"]) == ("8.75", [])

        client.force_login(home_affairs_officer)
        entered = send(client, "put", f"/scores/{survey}/survey", {"points": "4"})
        assert entered.json()["self_points"] == "4.00"

        client.force_login(focal_point)
        assert send(client, "post", f"/sheets/{sheet_id}/submit").status_code == 403
        client.force_login(unit_leader)
        submitted = send(client, "post", f"/sheets/{sheet_id}/submit")
        assert submitted.status_code == 200
        assert (submitted.json()["status"], submitted.json()["self_total"]) == (
            "submitted",
            "12.75",
        )

    with on("appraisal_1"):
        client.force_login(appraiser)
        assert set(scores_by_code(client, sheet_id)) == {"1.1", "1.2"}  # area 1 only
        flagged = send(
            client,
            "put",
            f"/scores/{manual}/appraisal/1",
            {"points": "4", "comment": "Thiếu biên bản?", "needs_explanation": True},
        )
        assert flagged.status_code == 200
        assert (flagged.json()["round_1_points"], flagged.json()["needs_explanation"]) == (
            "4.00",
            True,
        )
        assert send(client, "put", f"/scores/{survey}/appraisal/1", {"points": 4}).status_code == (
            403
        )
        client.force_login(home_affairs_officer)
        closed = send(client, "post", f"/sheets/{sheet_id}/round-1/close")
        assert closed.json()["status"] == "appraised_1"

    with on("explanation"):
        client.force_login(focal_point)
        explained = send(
            client, "put", f"/scores/{manual}/explanation", {"explanation": "Đã bổ sung biên bản"}
        )
        assert explained.json()["explanation"] == "Đã bổ sung biên bản"
        sent = send(client, "post", f"/sheets/{sheet_id}/explanations/send")
        assert sent.json()["status"] == "explained"

    with on("appraisal_2"):
        client.force_login(appraiser)
        final = send(client, "put", f"/scores/{manual}/appraisal/2", {"points": "4.5"})
        assert final.json()["appraised_points"] == "4.50"
        client.force_login(home_affairs_officer)
        assert send(client, "post", f"/sheets/{sheet_id}/round-2/close").json()["status"] == (
            "final"
        )
        compiled = send(client, "post", f"/rounds/{round_id}/compile")
        assert compiled.json()["status"] == "compiled"
        provisional = client.get(f"{API}/rounds/{round_id}/results").json()
        assert provisional["published"] is False
        assert [(r["unit_id"], r["index"], r["rank"]) for r in provisional["lines"]] == [
            (unit_a.pk, "81.67", 1)
        ]

    with on("council"):
        client.force_login(outsider)
        assert client.get(f"{API}/rounds/{round_id}/results").status_code == 404
        client.force_login(council_member)
        assert client.get(f"{API}/rounds/{round_id}/results").json()["published"] is False
        approved = send(client, "post", f"/rounds/{round_id}/approve", {"comment": "Nhất trí"})
        assert approved.status_code == 200
        assert approved.json()["status"] == "approved"
        assert [a["comment"] for a in approved.json()["approvals"]] == ["Nhất trí"]
        client.force_login(home_affairs_officer)
        published = send(client, "post", f"/rounds/{round_id}/publish")
        assert published.status_code == 201
        assert published.json()["revision"] == 1

    client.force_login(outsider)
    results = client.get(f"{API}/rounds/{round_id}/results").json()
    assert (results["published"], results["revision"]) == (True, 1)
    [line] = results["lines"]
    assert (line["appraised_total"], line["maximum"], line["index"], line["band"]) == (
        "12.25",
        "15.00",
        "81.67",
        "Tốt",
    )
    assert [(a["code"], a["points"]) for a in line["areas"]] == [("1", "8.25"), ("2", "4.00")]
    client.force_login(focal_point)
    card = client.get(f"{API}/sheets/{sheet_id}/scorecard").json()
    assert (card["published"], card["rank"], card["band"], card["index"]) == (
        True,
        1,
        "Tốt",
        "81.67",
    )

    with on("after"):
        client.force_login(home_affairs_officer)
        revised = send(
            client, "post", f"/scores/{manual}/correction", {"points": 3, "reason": "Sai sót"}
        )
        assert revised.status_code == 201
        assert (revised.json()["revision"], revised.json()["reason"]) == (2, "Sai sót")
    current = client.get(f"{API}/rounds/{round_id}/results").json()
    first = client.get(f"{API}/rounds/{round_id}/results", {"revision": 1}).json()
    assert (current["revision"], current["lines"][0]["index"]) == (2, "71.67")
    assert (first["revision"], first["lines"][0]["index"]) == (1, "81.67")
    assert client.get(f"{API}/rounds/{round_id}/results", {"revision": 3}).status_code == 404
    detail = client.get(f"{API}/rounds/{round_id}").json()
    assert [p["revision"] for p in detail["publications"]] == [2, 1]


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


def test_evidence_may_cite_a_progress_report_of_the_unit(
    client, home_affairs_officer, focal_point, unit_a
):
    assignment = assignment_for(unit_a)
    report = save_progress_report(assignment, percent=50, work_done="Đã kiểm tra", by=focal_point)
    criteria_set = api_set()
    with on("self"):
        opened = open_round(client, home_affairs_officer, criteria_set, [unit_a])
        score = ScoreSheet.objects.get(round_id=opened["id"]).scores.get(criterion__code="1.1")
        client.force_login(focal_point)
        url = f"/scores/{score.pk}/evidence"
        cited = send(client, "post", url, {"kind": "progress_report", "pk": report.pk})
        assert cited.status_code == 201, cited.content
        assert (cited.json()["kind"], cited.json()["reference_id"]) == ("reference", report.pk)
        assert cited.json()["reference_label"].startswith("Progress report on task")
        unknown = send(client, "post", url, {"kind": "progress_report", "pk": report.pk + 99})
        assert unknown.status_code == 422
        assert [d["field"] for d in unknown.json()["error"]["details"]] == ["pk"]
        shapeless = send(client, "post", url, {"kind": "letter", "pk": 1})
        assert [d["field"] for d in shapeless.json()["error"]["details"]] == ["kind"]
    assert score.evidence.count() == 1


# Bad input ---------------------------------------------------------------------------


def test_points_over_the_maximum_are_refused_naming_the_field(
    client, home_affairs_officer, focal_point, unit_leader, appraiser, unit_a
):
    criteria_set = api_set()
    with on("self"):
        opened = open_round(client, home_affairs_officer, criteria_set, [unit_a])
        sheet = ScoreSheet.objects.get(round_id=opened["id"])
        client.force_login(focal_point)
        scores = scores_by_code(client, sheet.pk)
        manual = scores["1.1"]["id"]
        response = send(client, "put", f"/scores/{manual}/self", {"entered_points": "7"})
        assert response.status_code == 422
        [detail] = response.json()["error"]["details"]
        assert detail["field"] == "entered_points"
        assert "between 0 and 6" in detail["message"]
        three_places = send(client, "put", f"/scores/{manual}/self", {"entered_points": "1.555"})
        assert three_places.status_code == 422
        # refused by the schema: the field is named by its place in the request
        assert three_places.json()["error"]["details"][0]["field"].endswith("entered_points")
        send(client, "put", f"/scores/{manual}/self", {"entered_points": "5", "note": "x"})
        ratio = {"numerator": "1", "denominator": "1", "note": "x"}
        send(client, "put", f"/scores/{scores['1.2']['id']}/self", ratio)
        client.force_login(unit_leader)
        assert send(client, "post", f"/sheets/{sheet.pk}/submit").status_code == 200
    with on("appraisal_1"):
        client.force_login(home_affairs_officer)
        send(
            client,
            "post",
            f"/rounds/{opened['id']}/appraisers",
            {"area_code": "1", "appraiser_id": appraiser.pk},
        )
        client.force_login(appraiser)
        response = send(client, "put", f"/scores/{manual}/appraisal/1", {"points": "6.5"})
        assert response.status_code == 422
        assert [d["field"] for d in response.json()["error"]["details"]] == ["points"]
        assert send(
            client, "put", f"/scores/{manual}/appraisal/3", {"points": "1"}
        ).status_code == (422)


def test_an_action_after_its_deadline_is_refused_with_the_message(
    client, home_affairs_officer, focal_point, unit_a
):
    criteria_set = api_set()
    with on("self"):
        opened = open_round(client, home_affairs_officer, criteria_set, [unit_a])
    sheet = ScoreSheet.objects.get(round_id=opened["id"])
    manual = sheet.scores.get(criterion__code="1.1")
    with on("appraisal_1"):
        client.force_login(focal_point)
        response = send(client, "put", f"/scores/{manual.pk}/self", {"entered_points": "5"})
        assert response.status_code == 422
        message = (
            "Self-assessment closed on 10/01/2027. Ask the PAR secretariat for an exception "
            "if your unit needs more time."
        )
        assert response.json()["error"]["message"] == message
        assert response.json()["error"]["details"] == [{"field": "", "message": message}]

        client.force_login(home_affairs_officer)
        granted = send(
            client,
            "post",
            f"/rounds/{opened['id']}/exceptions",
            {"unit_id": unit_a.pk, "stage": "self", "until": "2027-01-13", "reason": "Ốm"},
        )
        assert granted.status_code == 201
        client.force_login(focal_point)
        again = send(client, "put", f"/scores/{manual.pk}/self", {"entered_points": "5"})
        assert again.status_code == 200
        detail = client.get(f"{API}/rounds/{opened['id']}").json()
        assert [(e["unit_id"], e["until"]) for e in detail["exceptions"]] == [
            (unit_a.pk, "2027-01-13")
        ]


def test_opening_a_round_refuses_a_schedule_out_of_order(client, home_affairs_officer, unit_a):
    criteria_set = api_set()
    dates = schedule() | {"self_to": "2027-01-20"}
    data = {
        "year": 2026,
        "name": "R",
        "criteria_set_ids": [criteria_set.pk],
        "schedule": dates,
        "unit_ids": [unit_a.pk],
    }
    with on("self"):
        client.force_login(home_affairs_officer)
        response = send(client, "post", "/rounds", data)
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == [
        "schedule.appraisal_1_from"
    ]
    assert not Round.objects.exists()


def test_secretariat_changes_the_schedule_and_the_appraisers(
    client, home_affairs_officer, appraiser, unit_a
):
    criteria_set = api_set()
    with on("self"):
        opened = open_round(client, home_affairs_officer, criteria_set, [unit_a])
        url = f"/rounds/{opened['id']}"
        changed = send(client, "patch", f"{url}/schedule", {"publish_on": "2027-01-31"})
        assert changed.json()["schedule"]["publish_on"] == "2027-01-31"
        bad = send(client, "patch", f"{url}/schedule", {"publish_on": "2027-01-01"})
        assert [d["field"] for d in bad.json()["error"]["details"]] == ["publish_on"]
        added = send(
            client, "post", f"{url}/appraisers", {"area_code": "9", "appraiser_id": appraiser.pk}
        )
        assert [d["field"] for d in added.json()["error"]["details"]] == ["area_code"]
        added = send(
            client, "post", f"{url}/appraisers", {"area_code": "1", "appraiser_id": appraiser.pk}
        )
        removed = client.delete(f"{API}{url}/appraisers/{added.json()['id']}")
        assert removed.status_code == 204
        assert client.get(f"{API}{url}").json()["appraisers"] == []


# The wrong user ----------------------------------------------------------------------


def test_outsider_gets_404_on_another_units_sheet_and_scores(
    client, home_affairs_officer, outsider, unit_a
):
    criteria_set = api_set()
    with on("self"):
        opened = open_round(client, home_affairs_officer, criteria_set, [unit_a])
        sheet = ScoreSheet.objects.get(round_id=opened["id"])
        score = sheet.scores.get(criterion__code="1.1")
        client.force_login(outsider)
        assert client.get(f"{API}/rounds/{opened['id']}").status_code == 200
        assert client.get(f"{API}/rounds/{opened['id']}/sheets").json()["items"] == []
        response = client.get(f"{API}/sheets/{sheet.pk}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
        assert client.get(f"{API}/sheets/{sheet.pk}/scorecard").status_code == 404
        scored = send(client, "put", f"/scores/{score.pk}/self", {"entered_points": "1"})
        assert scored.status_code == 404
        upload = SimpleUploadedFile("x.pdf", make_pdf(), content_type="application/pdf")
        assert client.post(f"{API}/scores/{score.pk}/evidence", {"file": upload}).status_code == 404
    score.refresh_from_db()
    assert score.entered_points is None
    assert not score.evidence.exists()


def test_focal_point_may_not_run_the_round(client, home_affairs_officer, focal_point, unit_a):
    criteria_set = api_set()
    with on("self"):
        opened = open_round(client, home_affairs_officer, criteria_set, [unit_a])
        client.force_login(focal_point)
        url = f"/rounds/{opened['id']}"
        for action in ("compile", "publish"):
            response = send(client, "post", f"{url}/{action}")
            assert response.status_code == 403
            assert response.json()["error"]["code"] == "forbidden"
        assert send(client, "post", f"{url}/approve").status_code == 403
        assert (
            send(client, "patch", f"{url}/schedule", {"publish_on": "2027-02-01"}).status_code
            == 403
        )
        data = {
            "year": 2026,
            "name": "x",
            "criteria_set_ids": [criteria_set.pk],
            "schedule": schedule(),
        }
        assert send(client, "post", "/rounds", data).status_code == 403
    assert Round.objects.get().status == Round.Status.OPEN


def test_results_before_publication_are_hidden_from_units(
    client, home_affairs_officer, focal_point, outsider, unit_a
):
    criteria_set = api_set()
    with on("self"):
        opened = open_round(client, home_affairs_officer, criteria_set, [unit_a])
        results = f"{API}/rounds/{opened['id']}/results"
        provisional = client.get(results).json()
        assert (provisional["published"], len(provisional["lines"])) == (False, 1)
        for person in (outsider, focal_point):
            client.force_login(person)
            assert client.get(results).status_code == 404


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
