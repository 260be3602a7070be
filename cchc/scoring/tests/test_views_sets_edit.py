"""The criteria-set pages that change a set: clone, edit, bands, replace."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from cchc.core.models import AuditEvent
from cchc.scoring.models import Band, CriteriaSet
from cchc.scoring.services.sets import criteria_set_tree, lock_criteria_set

from .factories import make_criteria_set, make_node, make_small_tree
from .set_helpers import _messages, _problems, _sheet, _upload, _url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

LOCKED = "This criteria set is locked: a round has opened with it."


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
