"""The criteria-set pages: export, import, and the reference files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cchc.scoring.models import CriteriaSet, Criterion
from cchc.scoring.services.sets import criteria_set_tree

from .set_helpers import _messages, _problems, _sheet, _upload, _url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

REFERENCE = Path(__file__).resolve().parent.parent / "reference"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _without(tree: dict, *keys: str) -> dict:
    return {k: v for k, v in tree.items() if k not in keys}


def _nodes(tree: dict) -> int:
    def count(node: dict) -> int:
        return 1 + sum(count(child) for child in node["children"])

    return sum(count(root) for root in tree["criteria"])


def _import(client, content: bytes, filename: str = "bo-tieu-chi.xlsx", **fields):
    return client.post(_url("set_import"), {"file": _upload(content, filename), **fields})


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
