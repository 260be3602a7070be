"""Importing responses from CSV / XLSX (KoboToolbox exports): all or nothing, by row."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cchc.core.models import AuditEvent

from .. import answers
from ..models import Channel, Response, Tally
from ..services import importing
from ..services.importing import import_responses

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def _fresh_specs() -> None:
    """Primary keys repeat between tests (rolled back): read each version's rules afresh."""
    answers._CACHE.clear()


KOBO_HEADER = [
    "start",
    "end",
    "today",
    "deviceid",
    "don_vi",
    "grp_e1/c11",
    "grp_e1/c12",
    "grp_e1/e1",
    "grp_other/overall",
    "grp_other/why",
    "grp_other/expect",
    "grp_other/expect/thai_do",
    "grp_other/expect/cong_khai",
    "grp_other/expect/nang_luc",
    "grp_other/gender",
    "grp_other/age",
    "ghi_chu_noi_bo",
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "meta/instanceID",
]


def kobo_row(unit: str, c11: str, **cells: str) -> list[str]:
    values = {
        "start": "2026-11-20T09:02:11.000+07:00",
        "end": "2026-11-20T09:10:40.000+07:00",
        "today": "2026-11-20",
        "deviceid": "collect:abc",
        "don_vi": unit,
        "grp_e1/c11": c11,
        "grp_e1/c12": "4",
        "grp_e1/e1": "4",
        "grp_other/overall": "5",
        "grp_other/why": "",
        "grp_other/expect": "thai_do nang_luc",
        "grp_other/expect/thai_do": "1",
        "grp_other/expect/cong_khai": "0",
        "grp_other/expect/nang_luc": "1",
        "grp_other/gender": "nu",  # an XLSForm choice name (a label in the next row)
        "grp_other/age": "35",
        "ghi_chu_noi_bo": "x",
        "_id": "101",
        "_uuid": "0f1e",
        "_submission_time": "2026-11-20T03:30:00",
        "_validation_status": "",
        "meta/instanceID": "uuid:0f1e",
    }
    values.update(cells)
    return [values[h] for h in KOBO_HEADER]


def csv_file(
    rows: list[list[str]], *, name: str = "kobo.csv", bom: bool = True
) -> SimpleUploadedFile:
    text = "\r\n".join(";".join(cells) for cells in rows) + "\r\n"
    data = ("\ufeff" if bom else "") + text
    return SimpleUploadedFile(name, data.encode("utf-8"), content_type="text/csv")


def xlsx_file(rows: list[list[object]], name: str = "responses.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def problems(report) -> list[tuple[int | None, str, str]]:
    return [(p.row, p.column, p.reason) for p in report.problems]


def test_a_kobo_csv_is_imported(campaign, target, home_affairs_officer):
    upload = csv_file(
        [
            KOBO_HEADER,
            kobo_row("STP", "5"),
            kobo_row(target.code, "5", **{"grp_other/gender": "nữ"}),
        ]
    )
    report = import_responses(campaign, upload, by=home_affairs_officer)
    assert problems(report) == []
    assert (report.rows, report.imported, report.by_unit) == (2, 2, {"STP": 2})
    responses = list(Response.objects.order_by("pk"))
    assert [r.answers for r in responses] == [
        {"c11": 5, "c12": 4, "e1": 4, "overall": 5, "expect": [1, 3], "gender": 2, "age": "35"}
    ] * 2
    first = responses[0]
    assert (first.channel, first.unit, first.entered_by) == (
        Channel.IMPORT,
        target.unit,
        home_affairs_officer,
    )
    assert first.import_batch == report.batch != ""
    # "end" (09:10 local) is the time kept, to the hour
    hour = timezone.localtime(first.submitted_hour)
    assert (hour.date(), hour.hour, hour.minute) == (datetime.date(2026, 11, 20), 9, 0)
    ignored = {c.name: c.reason for c in report.ignored}
    assert ignored["ghi_chu_noi_bo"] == "no question has this code"
    assert ignored["_uuid"] == ignored["deviceid"] == ignored["meta/instanceID"]
    assert ignored["grp_other/expect/thai_do"] == "the combined column expect is used"
    assert ignored["start"] == "KoboToolbox information"
    assert not {"end", "today", "_submission_time"} & set(ignored)  # used for the time
    assert Tally.objects.get(question__code="c11", value=5).count == 2
    event = AuditEvent.objects.get(verb="responses.imported")
    assert (event.data["imported"], event.data["batch"]) == (2, report.batch)


def test_split_multiple_choice_columns_are_used_without_the_combined_one(
    campaign, home_affairs_officer
):
    header = [h for h in KOBO_HEADER if h != "grp_other/expect"]
    row = [
        v for h, v in zip(KOBO_HEADER, kobo_row("STP", "5"), strict=True) if h != "grp_other/expect"
    ]
    report = import_responses(campaign, csv_file([header, row]), by=home_affairs_officer)
    assert problems(report) == []
    assert Response.objects.get().answers["expect"] == [1, 3]


def test_submission_time_is_utc_when_no_end_column(campaign, home_affairs_officer):
    header = ["unit", "c11", "c12", "overall", "_submission_time"]
    rows = [header, ["STP", "5", "4", "4", "2026-11-20T03:30:00"]]
    report = import_responses(campaign, csv_file(rows, bom=False), by=home_affairs_officer)
    assert problems(report) == []
    hour = timezone.localtime(Response.objects.get().submitted_hour)
    assert (hour.day, hour.hour) == (20, 10)  # 03:30 UTC is 10:30 in Vietnam


def test_without_a_time_column_the_time_of_import_is_kept(campaign, home_affairs_officer):
    rows = [["unit_code", "c11", "c12", "overall"], ["STP", "5", "4", "4"]]
    import_responses(campaign, csv_file(rows), by=home_affairs_officer)
    hour = timezone.localtime(Response.objects.get().submitted_hour)
    assert (hour.date(), hour.hour) == (datetime.date(2026, 11, 28), 9)


def test_an_xlsx_is_imported(campaign, unit_b, home_affairs_officer):
    end = datetime.datetime(2026, 11, 2, 14, 45)  # noqa: DTZ001 (a spreadsheet cell: no zone)
    rows = [
        ["unit", "procedure", "c11", "c12", "overall", "expect", "age", "end"],
        ["SYT", "", 5, 4, 3, "cong_khai", 44, end],
        ["STP", None, 1, 2, 1, None, None, None],
    ]
    report = import_responses(campaign, xlsx_file(rows), by=home_affairs_officer)
    assert problems(report) == [(3, "why", "This question is required.")]
    rows[2] = ["STP", None, 1, 2, 2, None, None, None]
    rows[0].append("why")
    rows[1].append(None)
    rows[2].append("Chờ lâu")
    report = import_responses(campaign, xlsx_file(rows), by=home_affairs_officer)
    assert problems(report) == []
    assert report.by_unit == {"SYT": 1, "STP": 1}
    syt = Response.objects.get(unit=unit_b)
    assert syt.answers == {"c11": 5, "c12": 4, "overall": 3, "expect": [2], "age": "44"}
    assert timezone.localtime(syt.submitted_hour).hour == 14


def test_bad_rows_are_listed_by_row_and_column_and_nothing_is_saved(campaign, home_affairs_officer):
    rows = [
        ["unit", "grp/c11", "c12", "overall"],
        ["STP", "5", "4", "4"],
        ["STP", "7", "4", "4"],
        ["XYZ", "5", "4", "4"],
        ["", "", "", ""],  # blank rows are skipped
        ["SYT", "5", "", "4"],
    ]
    report = import_responses(campaign, csv_file(rows), by=home_affairs_officer)
    assert not report.ok
    assert [(row, column) for row, column, _ in problems(report)] == [
        (3, "grp/c11"),
        (4, "unit"),
        (6, "c12"),
    ]
    reasons = [reason for *_, reason in problems(report)]
    assert reasons[0].startswith("“7” is not one of the answers: 1 (Very dissatisfied)")
    assert reasons[1] == "“XYZ” is not a unit of this survey."
    assert reasons[2] == "This question is required."
    assert all(p.file == "kobo.csv" for p in report.problems)
    assert not Response.objects.exists()
    assert not Tally.objects.exists()
    assert not AuditEvent.objects.filter(verb="responses.imported").exists()


def test_a_focal_point_may_import_only_their_units_rows(campaign, focal_point):
    rows = [["unit", "c11", "c12", "overall"], ["STP", "5", "4", "4"], ["SYT", "5", "4", "4"]]
    report = import_responses(campaign, csv_file(rows), by=focal_point)
    assert problems(report) == [
        (3, "unit", "You may not enter responses for Sở Y tế tỉnh An Giang.")
    ]
    assert not Response.objects.exists()
    report = import_responses(campaign, csv_file(rows[:2]), by=focal_point)
    assert report.imported == 1


def test_someone_with_no_unit_in_the_campaign_is_refused(campaign, appraiser):
    rows = [["unit", "c11", "c12", "overall"], ["STP", "5", "4", "4"]]
    with pytest.raises(PermissionDenied):
        import_responses(campaign, csv_file(rows), by=appraiser)


def test_a_file_without_question_columns_is_refused(campaign, home_affairs_officer):
    rows = [["unit", "Câu 1. Thái độ", "_id"], ["STP", "5", "1"]]
    report = import_responses(campaign, csv_file(rows), by=home_affairs_officer)
    assert len(report.problems) == 1
    assert report.problems[0].row is None
    assert report.problems[0].reason.startswith("No column is named after a question")


def test_a_file_without_the_unit_column_is_refused(campaign, home_affairs_officer):
    rows = [["c11", "c12", "overall"], ["5", "4", "4"]]
    report = import_responses(campaign, csv_file(rows), by=home_affairs_officer)
    assert [p.reason for p in report.problems] == [
        "The file has no unit column (one of: unit, unit_code, don_vi)."
    ]


def test_a_png_renamed_csv_is_refused(campaign, home_affairs_officer):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    upload = SimpleUploadedFile("kobo.csv", png)
    report = import_responses(campaign, upload, by=home_affairs_officer)
    assert [p.reason for p in report.problems] == [
        "this type of file is not accepted here (allowed: .csv, .xlsx)."
    ]
    assert not Response.objects.exists()


def test_a_csv_in_another_encoding_is_refused_clearly(campaign, home_affairs_officer):
    text = "unit,c11,c12,overall,comment\nSTP,5,4,4,Cán Đúng\n"
    upload = SimpleUploadedFile("kobo.csv", text.encode("cp1258"))
    report = import_responses(campaign, upload, by=home_affairs_officer)
    assert [p.reason for p in report.problems] == [
        "The CSV file is not in UTF-8; save it as “CSV UTF-8” and upload it again."
    ]


def test_an_oversized_file_is_refused(campaign, home_affairs_officer, monkeypatch):
    monkeypatch.setattr(importing.table, "MAX_BYTES", 100)
    rows = [["unit", "c11", "c12", "overall"]] + [["STP", "5", "4", "4"]] * 20
    report = import_responses(campaign, csv_file(rows), by=home_affairs_officer)
    assert len(report.problems) == 1
    assert "the limit is 0.0 MB" in report.problems[0].reason
    assert not Response.objects.exists()


def test_a_time_in_the_future_or_unreadable_is_a_problem(campaign, home_affairs_officer):
    rows = [
        ["unit", "c11", "c12", "overall", "end"],
        ["STP", "5", "4", "4", "2027-01-05T10:00:00+07:00"],
        ["STP", "5", "4", "4", "hôm qua"],
    ]
    report = import_responses(campaign, csv_file(rows), by=home_affairs_officer)
    assert problems(report) == [
        (2, "end", "This time is in the future."),
        (3, "end", "This is not a date and time."),
    ]


def test_a_split_column_must_hold_one_or_zero(campaign, home_affairs_officer):
    rows = [
        ["unit", "c11", "c12", "overall", "expect/thai_do", "expect/nang_luc"],
        ["STP", "5", "4", "4", "có", "1"],
    ]
    report = import_responses(campaign, csv_file(rows), by=home_affairs_officer)
    assert problems(report) == [(2, "expect/thai_do", "Write 1 (picked) or 0 (not picked).")]


def test_an_unknown_procedure_is_a_problem(unit_a, home_affairs_officer):
    from .factories import make_campaign

    campaign = make_campaign(units=[unit_a], code="proc", procedures=[{"code": "hk"}])
    rows = [
        ["unit", "procedure", "c11", "c12", "overall"],
        ["STP", "hk", "5", "4", "4"],
        ["STP", "zz", "5", "4", "4"],
    ]
    report = import_responses(campaign, csv_file(rows), by=home_affairs_officer)
    assert problems(report) == [(3, "procedure", "This procedure is not part of the survey.")]


def test_a_header_without_rows_is_refused(campaign, home_affairs_officer):
    report = import_responses(campaign, csv_file([["unit", "c11"]]), by=home_affairs_officer)
    assert [p.reason for p in report.problems] == ["The file has a header but no rows."]


def test_a_draft_campaign_takes_no_import(unit_a, home_affairs_officer):
    from .factories import make_campaign

    campaign = make_campaign(units=[unit_a], code="draft", status="draft")
    rows = [["unit", "c11", "c12", "overall"], ["STP", "5", "4", "4"]]
    report = import_responses(campaign, csv_file(rows), by=home_affairs_officer)
    assert [p.reason for p in report.problems] == ["This survey has not started yet."]
