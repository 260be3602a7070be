"""The criteria-set pages: list, tree, import, export, clone, edit, bands, replace, reference."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from cchc.core.models import AuditEvent
from cchc.scoring.models import Band, CriteriaSet, Criterion
from cchc.scoring.services import rounds
from cchc.scoring.services.sets import criteria_set_tree, lock_criteria_set

from .factories import make_criteria_set, make_node, make_small_tree
from .round_helpers import SCHEDULE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

REFERENCE = Path(__file__).resolve().parent.parent / "reference"
LOCKED = "This criteria set is locked: a round has opened with it."
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _url(name: str, *args) -> str:
    return reverse(f"scoring:{name}", args=args)


def _messages(client, response) -> list[str]:
    """The messages shown on the page the response redirects to (which consumes them)."""
    assert response.status_code == 302
    return [str(m) for m in client.get(response["Location"]).context["messages"]]


def _without(tree: dict, *keys: str) -> dict:
    return {k: v for k, v in tree.items() if k not in keys}


def _nodes(tree: dict) -> int:
    def count(node: dict) -> int:
        return 1 + sum(count(child) for child in node["children"])

    return sum(count(root) for root in tree["criteria"])


def _sheet(rows: list[list], header: list | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        header
        or ["STT", "Lĩnh vực/tiêu chí", "Điểm tối đa", "Hướng dẫn chấm", "Tài liệu kiểm chứng"]
    )
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(content: bytes, name: str = "bo-tieu-chi.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def _import(client, content: bytes, filename: str = "bo-tieu-chi.xlsx", **fields):
    return client.post(_url("set_import"), {"file": _upload(content, filename), **fields})


def _problems(response) -> list[tuple]:
    return [(p.file, p.row, p.column, p.reason) for p in response.context["problems"]]


# --- list and tree ------------------------------------------------------------------------


def test_every_role_reads_the_list_with_its_figures(client, small_set, focal_point):
    client.force_login(focal_point)

    response = client.get(_url("set_list"))

    assert response.status_code == 200
    rows = [(s.name, s.year, s.maximum, s.scored) for s in response.context["sets"]]
    assert rows == [("Bộ tiêu chí sở 2025", 2025, Decimal("20.00"), 9)]
    assert _url("set_export", small_set.pk, "xlsx") in response.content.decode()
    assert _url("set_import") not in response.content.decode()
    assert _url("set_clone", small_set.pk) not in response.content.decode()


def test_managers_see_import_and_clone(client, small_set, home_affairs_officer):
    client.force_login(home_affairs_officer)

    page = client.get(_url("set_list")).content.decode()

    assert _url("set_import") in page
    assert _url("set_clone", small_set.pk) in page
    assert _url("set_load_reference") in page


def test_the_list_filters_by_year_and_group(client, small_set, focal_point):
    make_criteria_set(year=2024)
    make_criteria_set(group="districts", name="Bộ tiêu chí huyện")
    client.force_login(focal_point)

    by_year = client.get(_url("set_list"), {"year": "2024"}).context["sets"]
    by_group = client.get(_url("set_list"), {"group": "districts"}).context["sets"]
    both = client.get(_url("set_list"), {"year": "2025", "group": "departments"}).context["sets"]

    assert [(s.year, s.group) for s in by_year] == [(2024, "departments")]
    assert [s.name for s in by_group] == ["Bộ tiêu chí huyện"]
    assert [s.pk for s in both] == [small_set.pk]


def test_the_list_names_the_round_that_locked_a_set(client, home_affairs_officer):
    criteria_set = make_criteria_set(year=2026)
    round_ = rounds.open_round(
        year=2026,
        name="Chỉ số CCHC 2026",
        criteria_sets=[criteria_set],
        schedule=SCHEDULE,
        by=home_affairs_officer,
        units=[],
    )
    client.force_login(home_affairs_officer)

    page = client.get(_url("set_list")).content.decode()
    detail = client.get(_url("set_detail", criteria_set.pk))

    assert round_.get_absolute_url() in page
    assert detail.context["locked_by"] == round_
    assert "when the round “Chỉ số CCHC 2026” opened with it" in detail.content.decode()


def test_the_list_reads_in_a_constant_number_of_queries(client, small_set, focal_point):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(focal_point)
    with CaptureQueriesContext(connection) as one:
        client.get(_url("set_list"))
    make_criteria_set(year=2024)
    make_criteria_set(year=2023)
    with CaptureQueriesContext(connection) as three:
        response = client.get(_url("set_list"))

    assert len(response.context["sets"]) == 3
    assert len(three) == len(one)


def test_a_person_without_a_role_sees_no_set(client, small_set, no_role_user):
    client.force_login(no_role_user)

    assert list(client.get(_url("set_list")).context["sets"]) == []
    assert client.get(_url("set_detail", small_set.pk)).status_code == 404
    assert client.get(_url("set_export", small_set.pk, "json")).status_code == 404


def test_the_tree_explains_every_method_in_words(client, small_set, focal_point):
    client.force_login(focal_point)

    response = client.get(_url("set_detail", small_set.pk))

    assert response.status_code == 200
    areas = response.context["areas"]
    assert [(a.area.code, [line.criterion.code for line in a.lines]) for a in areas] == [
        ("1", ["1.1", "1.1.1", "1.1.2", "1.2", "1.3"]),
        ("2", ["2.1", "2.2", "2.3", "2.4", "2.5"]),
    ]
    words = {
        line.criterion.code: line.scoring.words for a in areas for line in a.lines if line.scoring
    }
    assert words == {
        "1.1.1": "One option is chosen:",
        "1.1.2": "The ratio of two declared numbers times the maximum; full marks (2) from 80 %, "
        "below it the ratio divided by 80 % times the maximum.",
        "1.2": "Points entered from 0 to 3, in steps of 0,5.",  # decimal comma everywhere
        "1.3": "Stepwise on a declared number: the points of the highest step reached.",
        "2.1": "From the cchc figure “dossiers_on_time”: full marks (4) from 95 %; below it, "
        "the figure divided by 95 % times the maximum.",
        "2.2": "Survey result: the secretariat enters the points (0 to 4).",
        "2.3": "Stepwise on the ratio of two declared numbers (%): the points of the highest "
        "step reached.",
        "2.4": "Points entered from 0 to 1.",
        "2.5": "Points entered from 0 to 2.",
    }
    choice = areas[0].lines[1].scoring
    assert choice.options == [
        ("Đúng hạn", "2 points"),
        ("Chậm", "1 point"),
        ("Không ban hành", "0 points"),
        ("Không áp dụng", "not applicable: left out of the maximum"),
    ]
    assert areas[0].lines[4].scoring.steps == [("0", "0"), ("1", "1,5"), ("3", "3")]
    assert areas[1].lines[2].scoring.steps == [("0 %", "0"), ("50 %", "1"), ("80 %", "2")]
    assert response.context["totals"] == {
        "maximum": Decimal(20),
        "survey": Decimal(4),
        "self": Decimal(16),
        "bonus": Decimal(1),
        "penalty": Decimal(2),
    }
    bands = [(b.label, b.start, b.below) for b in response.context["bands"]]
    assert bands[:2] == [("Xuất sắc", Decimal(90), None), ("Tốt", Decimal(80), Decimal(90))]
    page = response.content.decode()
    assert "Đúng hạn: 2 điểm" in page  # the guidance, in its <details>
    assert "from 80 % to under 90 %" in page
    assert _url("set_edit", small_set.pk) not in page


def test_managers_see_the_changes_until_the_set_is_locked(client, small_set, home_affairs_officer):
    client.force_login(home_affairs_officer)
    links = [_url(name, small_set.pk) for name in ("set_edit", "set_bands", "set_replace")]

    before = client.get(_url("set_detail", small_set.pk)).content.decode()
    lock_criteria_set(small_set, by=home_affairs_officer)
    after = client.get(_url("set_detail", small_set.pk)).content.decode()

    assert all(link in before for link in links)
    assert not any(link in after for link in links)
    assert "it can no longer change" in after


# --- export and import --------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "content_type"), [("xlsx", XLSX), ("json", "application/json")])
def test_export_then_import_gives_the_same_tree(
    client, small_set, home_affairs_officer, fmt, content_type
):
    client.force_login(home_affairs_officer)

    exported = client.get(_url("set_export", small_set.pk, fmt))
    response = _import(client, exported.content, f"bo.{fmt}", year="2026")

    assert exported["Content-Type"] == content_type
    assert exported["Content-Disposition"] == (
        f'attachment; filename="bo-tieu-chi-2025-departments.{fmt}"'
    )
    copy = CriteriaSet.objects.get(year=2026)
    assert response["Location"] == copy.get_absolute_url()
    assert _without(criteria_set_tree(copy), "year") == _without(
        criteria_set_tree(small_set), "year"
    )
    assert _messages(client, response) == [
        "The criteria set “Bộ tiêu chí sở 2025” was imported: 12 criteria."
    ]


def test_an_unknown_export_format_is_404(client, small_set, focal_point):
    client.force_login(focal_point)

    assert client.get(_url("set_export", small_set.pk, "csv")).status_code == 404


def test_import_of_the_demo_json_file(client, home_affairs_officer):
    content = (REFERENCE / "demo_an_giang_departments.json").read_bytes()
    client.force_login(home_affairs_officer)

    response = _import(client, content, "demo_an_giang_departments.json", name="Bộ sở 2025")

    criteria_set = CriteriaSet.objects.get()
    assert response["Location"] == criteria_set.get_absolute_url()
    assert (criteria_set.year, criteria_set.group, criteria_set.name) == (
        2025,
        "departments",
        "Bộ sở 2025",
    )
    assert criteria_set.criteria.count() == _nodes(json.loads(content))
    assert client.get(response["Location"]).status_code == 200


def test_the_model_workbook_imports_as_it_is(client, home_affairs_officer):
    client.force_login(home_affairs_officer)

    model = client.get(_url("set_template_xlsx"))
    response = _import(client, model.content, year="2025", group="districts", name="Huyện 2025")

    assert model["Content-Type"] == XLSX
    assert model["Content-Disposition"] == 'attachment; filename="mau-bo-tieu-chi-876.xlsx"'
    criteria_set = CriteriaSet.objects.get()
    assert response["Location"] == criteria_set.get_absolute_url()
    assert list(criteria_set.criteria.filter(depth=1).values_list("code", flat=True)) == [
        "1", "2", "3", "4", "5", "6", "7", "8"
    ]  # fmt: skip


def test_the_import_page_explains_the_layout(client, home_affairs_officer):
    client.force_login(home_affairs_officer)

    page = client.get(_url("set_import")).content.decode()

    assert _url("set_template_xlsx") in page
    assert "plans.tasks_on_time" in page


@pytest.mark.parametrize(
    ("content", "filename", "expected"),
    [
        pytest.param(
            _sheet([["1", "A", 10, "", ""]], header=["Mã", "Tên đơn vị", "Địa chỉ"]),
            "bo.xlsx",
            (
                "bo.xlsx",
                None,
                "Sheet",
                "The header row (No. | Area / criterion | Maximum points | Scoring guidance | "
                "Required evidence) is not in the first 20 rows.",
            ),
            id="wrong header",
        ),
        pytest.param(
            _sheet([["1", "A", "mười", "", ""]]),
            "bo.xlsx",
            ("bo.xlsx", 2, "C (Điểm tối đa)", "Must be a number."),
            id="points not a number",
        ),
        pytest.param(
            _sheet([["1", "A", 10, "", ""], ["1.1", "a", 4, "", ""], ["1.2", "b", 5, "", ""]]),
            "bo.xlsx",
            (
                "bo.xlsx",
                2,
                "C (Điểm tối đa)",
                "The sub-criteria of 1 add up to 9.00 but 1 has 10.00.",
            ),
            id="children not adding up",
        ),
        pytest.param(
            b"STT;Ten;Diem\n1;A;10\n",
            "bo.xlsx",
            ("bo.xlsx", None, "", "this type of file is not accepted here (allowed: .xlsx)."),
            id="text renamed xlsx",
        ),
    ],
)
def test_a_bad_workbook_lists_its_problems_and_saves_nothing(
    client, home_affairs_officer, content, filename, expected
):
    client.force_login(home_affairs_officer)

    response = _import(client, content, filename, year="2025", group="districts", name="H")

    assert response.status_code == 200
    assert _problems(response) == [expected]
    page = response.content.decode()
    assert "nothing was saved" in page
    assert expected[3] in page
    if expected[1]:
        assert f'<td class="num">{expected[1]}</td>' in page
    assert response.context["form"]["group"].value() == "districts"
    assert CriteriaSet.objects.count() == 0
    assert Criterion.objects.count() == 0


def test_a_file_that_is_neither_xlsx_nor_json_is_refused_on_the_form(client, home_affairs_officer):
    client.force_login(home_affairs_officer)

    response = _import(client, b"a;b\n", "bo.csv")

    assert response.context["form"].errors == {
        "file": ["Upload a workbook (.xlsx) or a criteria-set file (.json)."]
    }
    assert CriteriaSet.objects.count() == 0


def test_importing_a_taken_name_says_so(client, small_set, home_affairs_officer):
    client.force_login(home_affairs_officer)
    exported = client.get(_url("set_export", small_set.pk, "json")).content

    response = _import(client, exported, "bo.json")

    assert _problems(response) == [
        (
            "bo.json",
            None,
            "name",
            "A criteria set with this name already exists for 2025 and this group.",
        )
    ]
    assert CriteriaSet.objects.count() == 1


# --- clone --------------------------------------------------------------------------------


def test_clone_proposes_next_year_and_copies_the_set(client, small_set, home_affairs_officer):
    client.force_login(home_affairs_officer)

    form = client.get(_url("set_clone", small_set.pk)).context["form"]
    response = client.post(
        _url("set_clone", small_set.pk), {"year": "2026", "name": "Bộ tiêu chí sở 2026"}
    )

    assert form["year"].value() == 2026
    assert form["name"].value() == "Bộ tiêu chí sở 2025"
    copy = CriteriaSet.objects.get(year=2026)
    assert response["Location"] == copy.get_absolute_url()
    assert copy.cloned_from == small_set
    assert copy.criteria.count() == 12


def test_clone_into_a_taken_name_is_shown_on_the_name(client, small_set, home_affairs_officer):
    client.force_login(home_affairs_officer)

    response = client.post(
        _url("set_clone", small_set.pk), {"year": "2025", "name": small_set.name}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "name": ["A criteria set with this name already exists for 2025 and this group."]
    }
    assert CriteriaSet.objects.count() == 1


# --- edit, bands, replace -----------------------------------------------------------------


def _edit_data(**changed) -> dict:
    data = {
        "name": "Bộ tiêu chí sở 2025 (sửa)",
        "legal_basis": "Quyết định số 1/QĐ-UBND",
        "rounding": "down",
        "notes": "Ghi chú",
    }  # cap_at_maximum unchecked: False
    return data | changed


def test_edit_saves_the_set(client, small_set, home_affairs_officer):
    client.force_login(home_affairs_officer)

    form = client.get(_url("set_edit", small_set.pk)).context["form"]
    response = client.post(_url("set_edit", small_set.pk), _edit_data())

    assert form["name"].value() == "Bộ tiêu chí sở 2025"
    assert response["Location"] == small_set.get_absolute_url()
    small_set.refresh_from_db()
    assert (
        small_set.name,
        small_set.legal_basis,
        small_set.rounding,
        small_set.cap_at_maximum,
        small_set.notes,
    ) == ("Bộ tiêu chí sở 2025 (sửa)", "Quyết định số 1/QĐ-UBND", "down", False, "Ghi chú")
    assert AuditEvent.objects.filter(verb="criteria_set.updated").count() == 1


def test_edit_to_a_taken_name_is_refused(client, small_set, home_affairs_officer):
    other = make_criteria_set(name="Bộ khác")
    client.force_login(home_affairs_officer)

    response = client.post(_url("set_edit", other.pk), _edit_data(name=small_set.name))

    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["set"].name == "Bộ khác"
    other.refresh_from_db()
    assert other.name == "Bộ khác"


def test_bands_are_replaced_from_the_lines(client, small_set, home_affairs_officer):
    client.force_login(home_affairs_officer)

    form = client.get(_url("set_bands", small_set.pk)).context["form"]
    response = client.post(
        _url("set_bands", small_set.pk),
        {"bands": "Nhóm I ; 90\n\nNhóm II; 80,5 %\nNhóm III|0"},
    )

    assert form["bands"].value().splitlines()[:2] == ["Xuất sắc ; 90", "Tốt ; 80"]
    assert response["Location"] == small_set.get_absolute_url()
    assert list(small_set.bands.values_list("label", "min_percent")) == [
        ("Nhóm I", Decimal("90.00")),
        ("Nhóm II", Decimal("80.50")),
        ("Nhóm III", Decimal("0.00")),
    ]


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        pytest.param(
            "Tốt ; 80\nKhá\nYếu ; không",
            [
                "Line 2: write the label, a semicolon and the percent (Tốt ; 80).",
                "Line 3: “không” is not a number.",
            ],
            id="lines that cannot be read",
        ),
        pytest.param(
            "Tốt ; 80\n\nKhá ; 80\nYếu ; 120",
            [
                "Line 3: Another band starts at the same percent.",
                "Line 4: Must be between 0 and 100.",
            ],
            id="the service's checks",
        ),
    ],
)
def test_bad_bands_are_reported_by_line(client, small_set, home_affairs_officer, text, errors):
    client.force_login(home_affairs_officer)

    response = client.post(_url("set_bands", small_set.pk), {"bands": text})

    assert response.status_code == 200
    assert response.context["form"].errors == {"bands": errors}
    assert Band.objects.filter(criteria_set=small_set).count() == 5


def _replacement_tree() -> dict:
    tree = make_small_tree()
    tree["criteria"] = [
        make_node("1", "Lĩnh vực mới", "5", children=[make_node("1.1", "Tiêu chí mới", "5")])
    ]
    return tree


def test_replace_loads_the_criteria_of_a_workbook(client, small_set, home_affairs_officer):
    from cchc.scoring.sets_io import write_xlsx

    client.force_login(home_affairs_officer)
    content = write_xlsx(_replacement_tree() | {"name": "Tên khác", "year": 2030})

    response = client.post(
        _url("set_replace", small_set.pk), {"file": _upload(content, "sua.xlsx")}
    )

    assert response["Location"] == small_set.get_absolute_url()
    assert list(small_set.criteria.values_list("code", "name")) == [
        ("1", "Lĩnh vực mới"),
        ("1.1", "Tiêu chí mới"),
    ]
    small_set.refresh_from_db()
    assert (small_set.name, small_set.year) == ("Bộ tiêu chí sở 2025", 2025)
    assert small_set.bands.count() == 5
    assert _messages(client, response) == ["The criteria were replaced: 2 criteria."]


def test_replace_with_a_bad_workbook_keeps_the_criteria(client, small_set, home_affairs_officer):
    client.force_login(home_affairs_officer)
    content = _sheet([["1", "A", 10, "", ""], ["1.1", "a", 4, "", ""]])

    response = client.post(
        _url("set_replace", small_set.pk), {"file": _upload(content, "sua.xlsx")}
    )

    assert response.status_code == 200
    assert _problems(response) == [
        ("sua.xlsx", 2, "C (Điểm tối đa)", "The sub-criteria of 1 add up to 4.00 but 1 has 10.00.")
    ]
    assert small_set.criteria.count() == 12


@pytest.mark.parametrize(
    ("name", "data"),
    [
        pytest.param("set_edit", _edit_data(), id="edit"),
        pytest.param("set_bands", {"bands": "Đạt ; 50"}, id="bands"),
        pytest.param("set_replace", None, id="replace"),
    ],
)
def test_a_locked_set_refuses_every_change(client, small_set, home_affairs_officer, name, data):
    lock_criteria_set(small_set, by=home_affairs_officer)
    before = criteria_set_tree(small_set)
    client.force_login(home_affairs_officer)
    if data is None:
        data = {"file": _upload(json.dumps(_replacement_tree()).encode(), "sua.json")}

    shown = client.get(_url(name, small_set.pk))
    shown_messages = _messages(client, shown)
    response = client.post(_url(name, small_set.pk), data)

    assert shown_messages == [LOCKED]
    assert response["Location"] == small_set.get_absolute_url()
    assert _messages(client, response) == [LOCKED]
    assert criteria_set_tree(small_set) == before


# --- reference files ----------------------------------------------------------------------


def test_reference_files_are_listed_and_loaded_once(client, home_affairs_officer):
    client.force_login(home_affairs_officer)

    listed = client.get(_url("set_load_reference")).context["files"]
    loaded = client.post(_url("set_load_reference"), {"file": "demo_an_giang_districts.json"})
    loaded_messages = _messages(client, loaded)
    again = client.post(_url("set_load_reference"), {"file": "demo_an_giang_districts.json"})

    assert [f.file for f in listed] == [
        "demo_an_giang_departments.json",
        "demo_an_giang_districts.json",
        "national_876_template.json",
    ]
    criteria_set = CriteriaSet.objects.get()
    assert (criteria_set.year, criteria_set.group, criteria_set.is_demo) == (
        2024,
        "districts",
        True,
    )
    assert loaded["Location"] == criteria_set.get_absolute_url()
    assert loaded_messages == [f"The criteria set “{criteria_set.name}” was loaded."]
    assert again["Location"] == criteria_set.get_absolute_url()
    assert _messages(client, again) == [
        f"“{criteria_set.name}” (2024) is already loaded; it was not loaded again."
    ]
    assert CriteriaSet.objects.count() == 1
    page = client.get(_url("set_load_reference")).content.decode()
    assert "already loaded" in page


@pytest.mark.parametrize("file", ["published_results.json", "../settings.py", ""])
def test_only_the_listed_reference_files_load(client, home_affairs_officer, file):
    client.force_login(home_affairs_officer)

    response = client.post(_url("set_load_reference"), {"file": file})

    assert response.status_code == 404
    assert CriteriaSet.objects.count() == 0


# --- who may do what ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "with_pk"),
    [
        ("set_import", False),
        ("set_load_reference", False),
        ("set_clone", True),
        ("set_edit", True),
        ("set_bands", True),
        ("set_replace", True),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_focal_point_cannot_change_sets(client, small_set, focal_point, name, with_pk, method):
    client.force_login(focal_point)
    url = _url(name, small_set.pk) if with_pk else _url(name)

    response = getattr(client, method)(url, {"year": "2026", "name": "X", "bands": "A ; 1"})

    assert response.status_code == 403
    assert CriteriaSet.objects.count() == 1
    changes = AuditEvent.objects.filter(verb__regex=r"^(criteria_set|band)\.")
    assert list(changes.values_list("verb", flat=True)) == ["criteria_set.created"]


@pytest.mark.parametrize(
    "name",
    ["set_list", "set_import", "set_template_xlsx", "set_load_reference"],
)
def test_anonymous_people_are_sent_to_log_in(client, name):
    response = client.get(_url(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "name", ["set_detail", "set_clone", "set_edit", "set_bands", "set_replace"]
)
def test_anonymous_people_are_sent_to_log_in_from_a_set(client, small_set, name):
    response = client.get(_url(name, small_set.pk))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_model_workbook_needs_a_role(client, no_role_user, focal_point):
    client.force_login(no_role_user)
    refused = client.get(_url("set_template_xlsx"))
    client.force_login(focal_point)
    allowed = client.get(_url("set_template_xlsx"))

    assert refused.status_code == 403
    assert allowed.status_code == 200
