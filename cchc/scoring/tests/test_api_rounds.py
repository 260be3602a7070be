"""The PAR Index API: a whole round through it, and evidence that cites a record."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.core.tests.files import make_pdf
from cchc.plans.services import save_progress_report
from cchc.plans.tests.helpers import assignment_for
from cchc.scoring.models import ScoreSheet

from .api_helpers import API, api_set, open_round, scores_by_code, send
from .round_helpers import on

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


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
