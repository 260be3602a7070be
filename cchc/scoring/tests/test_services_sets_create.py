"""Criteria-set services that make a set: create, import and export (XLSX, JSON), clone."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from cchc.core.models import AuditEvent
from cchc.scoring.calculations import Node
from cchc.scoring.models import CriteriaSet, Criterion
from cchc.scoring.services.sets import (
    SetInvalid,
    clone_criteria_set,
    create_criteria_set,
    criteria_set_tree,
    export_criteria_set_json,
    export_criteria_set_xlsx,
    import_criteria_set_json,
    import_criteria_set_xlsx,
    lock_criteria_set,
    scored_nodes,
)

from .factories import make_small_tree
from .set_helpers import _events

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _without(tree: dict, *keys: str) -> dict:
    return {k: v for k, v in tree.items() if k not in keys}


def _xlsx(data: bytes, name: str = "bo-tieu-chi.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


# --- create -------------------------------------------------------------------------------


def test_create_saves_the_tree_in_document_order(home_affairs_officer):
    criteria_set = create_criteria_set(make_small_tree(), by=home_affairs_officer)

    rows = list(
        criteria_set.criteria.values_list("position", "code", "depth", "area_code", "parent__code")
    )
    assert rows == [
        (0, "1", 1, "1", None),
        (1, "1.1", 2, "1", "1"),
        (2, "1.1.1", 3, "1", "1.1"),
        (3, "1.1.2", 3, "1", "1.1"),
        (4, "1.2", 2, "1", "1"),
        (5, "1.3", 2, "1", "1"),
        (6, "2", 1, "2", None),
        (7, "2.1", 2, "2", "2"),
        (8, "2.2", 2, "2", "2"),
        (9, "2.3", 2, "2", "2"),
        (10, "2.4", 2, "2", "2"),
        (11, "2.5", 2, "2", "2"),
    ]
    assert list(criteria_set.bands.values_list("label", "min_percent")) == [
        ("Xuất sắc", Decimal("90.00")),
        ("Tốt", Decimal("80.00")),
        ("Khá", Decimal("70.00")),
        ("Trung bình", Decimal("50.00")),
        ("Yếu", Decimal("0.00")),
    ]
    assert (criteria_set.created_by, criteria_set.is_locked) == (home_affairs_officer, False)


def test_create_records_the_event_and_the_history_of_every_row(home_affairs_officer):
    criteria_set = create_criteria_set(make_small_tree(), by=home_affairs_officer, file="a.json")

    event = AuditEvent.objects.get(verb="criteria_set.created")
    assert (event.actor, event.object_id) == (home_affairs_officer, str(criteria_set.pk))
    assert event.data == {"file": "a.json", "criteria": 12, "bands": 5}
    history = Criterion.history.filter(criteria_set_id=criteria_set.pk)
    assert history.count() == 12
    assert set(history.values_list("history_user", flat=True)) == {home_affairs_officer.pk}


def test_the_tree_read_back_is_the_tree_given(small_set):
    assert criteria_set_tree(small_set) == make_small_tree()


def test_an_invalid_tree_saves_nothing(home_affairs_officer):
    tree = make_small_tree()
    tree["criteria"][0]["children"][1]["max_points"] = "5"
    events = AuditEvent.objects.count()

    with pytest.raises(SetInvalid) as caught:
        create_criteria_set(tree, by=home_affairs_officer, file="a.json")

    assert [str(p) for p in caught.value.problems] == [
        "a.json — criteria[0].max_points — The sub-criteria of 1 add up to 12.00 but 1 has 10.00."
    ]
    assert caught.value.messages == [str(caught.value.problems[0])]
    assert CriteriaSet.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_the_same_name_twice_in_a_year_and_group_is_refused(small_set, home_affairs_officer):
    with pytest.raises(SetInvalid) as caught:
        create_criteria_set(make_small_tree(), by=home_affairs_officer)

    assert [p.reason for p in caught.value.problems] == [
        "A criteria set with this name already exists for 2025 and this group."
    ]
    assert CriteriaSet.objects.count() == 1


def test_a_focal_point_cannot_create_a_set(focal_point):
    with pytest.raises(PermissionDenied):
        create_criteria_set(make_small_tree(), by=focal_point)

    assert CriteriaSet.objects.count() == 0


def test_scored_nodes_map_the_rows_for_the_calculations(small_set):
    nodes = scored_nodes(small_set)

    by_code = dict(small_set.criteria.values_list("code", "pk"))
    assert nodes[0] == Node(by_code["1"], None, Decimal("10.00"), "normal", scored=False)
    assert nodes[2] == Node(by_code["1.1.1"], by_code["1.1"], Decimal("2.00"), "normal", True)
    assert nodes[-1] == Node(by_code["2.5"], by_code["2"], Decimal("2.00"), "penalty", True)
    assert len(nodes) == 12


# --- XLSX ---------------------------------------------------------------------------------


def test_xlsx_export_then_import_gives_an_identical_tree(small_set, home_affairs_officer):
    data = export_criteria_set_xlsx(small_set)

    copy = import_criteria_set_xlsx(_xlsx(data), by=home_affairs_officer, name="Bản sao")

    assert copy.name == "Bản sao"
    assert _without(criteria_set_tree(copy), "name") == _without(
        criteria_set_tree(small_set), "name"
    )
    event = AuditEvent.objects.get(verb="criteria_set.imported")
    assert event.data == {"file": "bo-tieu-chi.xlsx", "format": "xlsx", "criteria": 12, "bands": 5}


def test_xlsx_round_trip_in_vietnamese(small_set, home_affairs_officer):
    from django.utils import translation

    with translation.override("vi"):
        data = export_criteria_set_xlsx(small_set)
        copy = import_criteria_set_xlsx(_xlsx(data), by=home_affairs_officer, year=2026)

    assert _without(criteria_set_tree(copy), "year") == _without(
        criteria_set_tree(small_set), "year"
    )


def test_xlsx_import_of_the_same_set_again_is_refused(small_set, home_affairs_officer):
    data = export_criteria_set_xlsx(small_set)

    with pytest.raises(SetInvalid):
        import_criteria_set_xlsx(_xlsx(data), by=home_affairs_officer)

    assert CriteriaSet.objects.count() == 1


def _sheet(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        ["STT", "Lĩnh vực/tiêu chí", "Điểm tối đa", "Hướng dẫn chấm", "Tài liệu kiểm chứng"]
    )
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_import_takes_the_form_values(home_affairs_officer):
    data = _sheet([["1", "A", 10, "", ""], ["1.1", "a", 10, "", ""]])

    criteria_set = import_criteria_set_xlsx(
        _xlsx(data), by=home_affairs_officer, year=2025, group="communes", name="Xã"
    )

    assert (criteria_set.year, criteria_set.group, criteria_set.name) == (2025, "communes", "Xã")
    assert list(criteria_set.criteria.values_list("code", "method")) == [
        ("1", ""),
        ("1.1", "manual"),
    ]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(
            [["1", "A", "mười", "", ""]],
            [(2, "C (Điểm tối đa)", "Must be a number.")],
            id="points not a number",
        ),
        pytest.param(
            [["1", "A", 10, "", ""], ["1.1", "a", 4, "", ""]],
            [(2, "C (Điểm tối đa)", "The sub-criteria of 1 add up to 4.00 but 1 has 10.00.")],
            id="sums",
        ),
    ],
)
def test_xlsx_import_reports_row_column_and_reason(home_affairs_officer, rows, expected):
    with pytest.raises(SetInvalid) as caught:
        import_criteria_set_xlsx(
            _xlsx(_sheet(rows)), by=home_affairs_officer, year=2025, group="districts", name="H"
        )

    assert [(p.file, p.row, p.column, p.reason) for p in caught.value.problems] == [
        ("bo-tieu-chi.xlsx", *problem) for problem in expected
    ]
    assert CriteriaSet.objects.count() == 0
    assert Criterion.objects.count() == 0


def test_xlsx_import_with_a_wrong_header_is_refused(home_affairs_officer):
    workbook = Workbook()
    workbook.active.append(["Mã", "Tên đơn vị", "Địa chỉ"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    with pytest.raises(SetInvalid) as caught:
        import_criteria_set_xlsx(
            _xlsx(buffer.getvalue()),
            by=home_affairs_officer,
            year=2025,
            group="districts",
            name="H",
        )

    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].reason.startswith("The header row (No. | Area / criterion")


def test_a_text_file_renamed_xlsx_is_refused(home_affairs_officer):
    upload = _xlsx(b"STT;Ten;Diem\n1;A;10\n", name="bo.xlsx")

    with pytest.raises(SetInvalid) as caught:
        import_criteria_set_xlsx(upload, by=home_affairs_officer)

    assert [(p.file, p.row, p.reason) for p in caught.value.problems] == [
        ("bo.xlsx", None, "this type of file is not accepted here (allowed: .xlsx).")
    ]


def test_a_focal_point_cannot_import(focal_point, small_set):
    data = export_criteria_set_xlsx(small_set)

    with pytest.raises(PermissionDenied):
        import_criteria_set_xlsx(_xlsx(data), by=focal_point, name="Khác")

    assert CriteriaSet.objects.count() == 1
    assert _events("criteria_set.imported") == []


# --- JSON ---------------------------------------------------------------------------------


def test_json_export_then_import_gives_an_identical_tree(small_set, home_affairs_officer):
    data = export_criteria_set_json(small_set)

    copy = import_criteria_set_json(
        SimpleUploadedFile("set.json", data), by=home_affairs_officer, year=2026
    )

    assert json.loads(data) == criteria_set_tree(small_set)
    assert "Xuất sắc" in data.decode()
    assert _without(criteria_set_tree(copy), "year") == _without(
        criteria_set_tree(small_set), "year"
    )
    assert copy.year == 2026


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param(b"\xff\xfe{}", "The file is not UTF-8 text.", id="not utf-8"),
        pytest.param(b"{", "The file is not valid JSON: ", id="not json"),
        pytest.param(b"[" * 100_000, "The file is not valid JSON: ", id="too deep"),
        pytest.param(
            b'{"year": 2025}',
            "Not a cchc criteria set (the format must be “cchc-criteria-set/1”).",
            id="no format",
        ),
    ],
)
def test_json_that_is_not_a_criteria_set_is_refused(home_affairs_officer, content, reason):
    with pytest.raises(SetInvalid) as caught:
        import_criteria_set_json(SimpleUploadedFile("set.json", content), by=home_affairs_officer)

    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].reason.startswith(reason)
    assert CriteriaSet.objects.count() == 0


def test_json_over_the_import_limit_is_refused(home_affairs_officer, settings):
    settings.IMPORT_MAX_BYTES = 1000
    content = json.dumps(make_small_tree()).encode()

    with pytest.raises(SetInvalid) as caught:
        import_criteria_set_json(SimpleUploadedFile("set.json", content), by=home_affairs_officer)

    assert caught.value.problems[0].reason == "The file is 0.0 MB; the limit is 0.0 MB."


def test_json_problems_name_the_path(home_affairs_officer):
    tree = make_small_tree()
    tree["criteria"][1]["children"][2]["params"]["bands"] = []
    content = json.dumps(tree).encode()

    with pytest.raises(SetInvalid) as caught:
        import_criteria_set_json(SimpleUploadedFile("set.json", content), by=home_affairs_officer)

    assert [str(p) for p in caught.value.problems] == [
        "set.json — criteria[1].children[2].params — Stepwise bands need at least one band."
    ]


# --- clone --------------------------------------------------------------------------------


def test_clone_copies_last_years_set(small_set, home_affairs_officer):
    lock_criteria_set(small_set, by=home_affairs_officer)

    clone = clone_criteria_set(small_set, year=2026, by=home_affairs_officer)

    assert (clone.year, clone.name, clone.cloned_from, clone.is_locked) == (
        2026,
        small_set.name,
        small_set,
        False,
    )
    assert _without(criteria_set_tree(clone), "year") == _without(
        criteria_set_tree(small_set), "year"
    )
    event = AuditEvent.objects.get(verb="criteria_set.cloned")
    assert event.data == {"source": small_set.pk, "year": 2026, "criteria": 12}


def test_a_clone_of_a_template_is_not_a_template(home_affairs_officer):
    from .factories import make_criteria_set

    template = make_criteria_set(is_template=True)

    clone = clone_criteria_set(template, year=2025, name="Bộ của tỉnh", by=home_affairs_officer)

    assert (clone.is_template, clone.name) == (False, "Bộ của tỉnh")


def test_clone_into_a_taken_name_is_refused(small_set, home_affairs_officer):
    with pytest.raises(SetInvalid):
        clone_criteria_set(small_set, year=2025, by=home_affairs_officer)

    assert CriteriaSet.objects.count() == 1


def test_a_focal_point_cannot_clone(small_set, focal_point):
    with pytest.raises(PermissionDenied):
        clone_criteria_set(small_set, year=2026, by=focal_point)
