import datetime

import pytest

from cchc.core.models import AuditEvent
from cchc.units.models import Unit, UnitSuccession

from .factories import make_unit

pytestmark = pytest.mark.django_db

API = "/api/units"


def logged_in(client, user):
    client.force_login(user)
    return client


def codes(response) -> list[str]:
    return [u["code"] for u in response.json()["items"]]


def test_list_needs_authentication(client, unit_a):
    response = client.get(API)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_list_searches_ignoring_diacritics(client, leader, district, unit_a):
    response = logged_in(client, leader).get(API, {"q": "chau doc"})
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert response.json()["items"][0] == {
        "id": response.json()["items"][0]["id"],
        "code": "884",
        "name": "Thành phố Châu Đốc",
        "short_name": "",
        "kind": "district",
        "parent_id": district.parent_id,
        "official_code": "884",
        "valid_from": None,
        "valid_to": None,
        "email": "",
        "notes": "",
        "is_current": True,
    }


def test_list_filters_by_kind_and_validity(client, leader, commune, unit_a):
    make_unit("Sở cũ", parent=unit_a.parent, code="OLD", valid_to=datetime.date(2020, 1, 1))
    client = logged_in(client, leader)
    assert codes(client.get(API, {"kind": "commune"})) == ["30325"]
    assert codes(client.get(API, {"current": "false"})) == ["OLD"]
    assert codes(client.get(API, {"current": "true"})) == ["AG", "STP", "884", "30325"]


def test_list_rejects_an_unknown_kind(client, leader):
    response = logged_in(client, leader).get(API, {"kind": "ministry"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


def test_list_is_paginated(client, leader, province):
    for n in range(51):
        make_unit(f"Xã {n:02d}", kind="commune", parent=province, code=f"C{n:02d}")
    client = logged_in(client, leader)
    first = client.get(API).json()
    assert (first["count"], len(first["items"])) == (52, 50)
    assert len(client.get(API, {"page": 2}).json()["items"]) == 2


def test_focal_point_lists_only_their_unit(client, focal_point, unit_b):
    assert codes(logged_in(client, focal_point).get(API)) == ["STP"]


def test_tree_nests_visible_units(client, leader, commune):
    response = logged_in(client, leader).get(f"{API}/tree")
    assert response.status_code == 200
    (root,) = response.json()
    assert root["code"] == "AG"
    assert [c["code"] for c in root["children"]] == ["884"]
    assert [c["code"] for c in root["children"][0]["children"]] == ["30325"]
    assert root["children"][0]["children"][0]["children"] == []


def test_tree_for_a_focal_point_starts_at_their_unit(client, focal_point, unit_b):
    response = logged_in(client, focal_point).get(f"{API}/tree")
    assert [(n["code"], n["children"]) for n in response.json()] == [("STP", [])]


def test_detail_has_predecessors_and_successors(client, leader, unit_a, unit_b):
    UnitSuccession.objects.create(
        predecessor=unit_b,
        successor=unit_a,
        effective_date=datetime.date(2025, 3, 1),
        legal_basis="NQ 1",
        whole=False,
    )
    body = logged_in(client, leader).get(f"{API}/{unit_a.pk}").json()
    assert body["code"] == "STP"
    assert [
        (p["unit"]["code"], p["effective_date"], p["whole"], p["legal_basis"])
        for p in body["predecessors"]
    ] == [("SYT", "2025-03-01", False, "NQ 1")]
    assert body["successors"] == []
    other = client.get(f"{API}/{unit_b.pk}").json()
    assert [s["unit"]["code"] for s in other["successors"]] == ["STP"]


def test_detail_of_another_unit_is_404_for_a_focal_point(client, focal_point, unit_b):
    response = logged_in(client, focal_point).get(f"{API}/{unit_b.pk}")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "Not found.", "details": []}
    }


def test_history_lists_the_units_audit_events(client, home_affairs_officer, unit_a):
    client = logged_in(client, home_affairs_officer)
    client.patch(f"{API}/{unit_a.pk}", {"email": "stp@ag.gov.vn"}, content_type="application/json")
    items = client.get(f"{API}/{unit_a.pk}/history").json()["items"]
    assert [(e["verb"], e["actor"]) for e in items] == [
        ("record.updated", "secretariat"),
        ("record.created", ""),
    ]
    assert items[0]["changes"] == {"email": ["", "stp@ag.gov.vn"]}
    assert items[0]["verb_label"] == "changed"


def test_history_of_a_hidden_unit_is_404(client, outsider, unit_a):
    assert logged_in(client, outsider).get(f"{API}/{unit_a.pk}/history").status_code == 404


def test_secretariat_creates_a_unit(client, home_affairs_officer, province):
    payload = {
        "code": "SNNMT",
        "name": "Sở Nông nghiệp và Môi trường",
        "kind": "department",
        "parent_id": province.pk,
        "valid_from": "2025-03-01",
    }
    response = logged_in(client, home_affairs_officer).post(
        API, payload, content_type="application/json"
    )
    assert response.status_code == 201
    unit = Unit.objects.get(code="SNNMT")
    assert response.json()["id"] == unit.pk
    assert (unit.parent, unit.valid_from) == (province, datetime.date(2025, 3, 1))
    assert AuditEvent.objects.for_object(unit).get().actor == home_affairs_officer


def test_create_with_a_kind_not_allowed_under_the_parent_is_400(
    client, home_affairs_officer, commune
):
    payload = {"code": "X", "name": "Sở X", "kind": "department", "parent_id": commune.pk}
    response = logged_in(client, home_affairs_officer).post(
        API, payload, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {
            "field": "parent",
            "message": "A unit of kind Department or agency cannot be placed under a unit of "
            "kind Commune-level unit.",
        }
    ]
    assert not Unit.objects.filter(code="X").exists()


def test_create_with_an_unknown_parent_is_400(client, home_affairs_officer):
    payload = {"code": "X", "name": "Sở X", "kind": "department", "parent_id": 999999}
    response = logged_in(client, home_affairs_officer).post(
        API, payload, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {"field": "parent_id", "message": "There is no unit with this id."}
    ]


@pytest.mark.parametrize("user", ["focal_point", "leader", "appraiser", "no_role_user"])
def test_only_managers_may_create(client, request, user, province):
    payload = {"code": "X", "name": "Sở X", "kind": "department", "parent_id": province.pk}
    response = logged_in(client, request.getfixturevalue(user)).post(
        API, payload, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert not Unit.objects.filter(code="X").exists()


def test_secretariat_updates_part_of_a_unit(client, home_affairs_officer, unit_a):
    response = logged_in(client, home_affairs_officer).patch(
        f"{API}/{unit_a.pk}", {"valid_to": "2025-02-28"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["valid_to"] == "2025-02-28"
    unit_a.refresh_from_db()
    assert (unit_a.valid_to, unit_a.name) == (
        datetime.date(2025, 2, 28),
        "Sở Tư pháp tỉnh An Giang",
    )


def test_update_with_end_before_start_is_400(client, home_affairs_officer, unit_a):
    response = logged_in(client, home_affairs_officer).patch(
        f"{API}/{unit_a.pk}",
        {"valid_from": "2025-03-01", "valid_to": "2025-02-28"},
        content_type="application/json",
    )
    assert response.status_code == 422
    unit_a.refresh_from_db()
    assert (unit_a.valid_from, unit_a.valid_to) == (None, None)


def test_focal_point_may_not_update_own_unit(client, focal_point, unit_a):
    response = logged_in(client, focal_point).patch(
        f"{API}/{unit_a.pk}", {"name": "Khác"}, content_type="application/json"
    )
    assert response.status_code == 403
    unit_a.refresh_from_db()
    assert unit_a.name == "Sở Tư pháp tỉnh An Giang"


def test_every_units_endpoint_is_documented(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    operations = {
        op["operationId"]
        for path, methods in paths.items()
        if path.startswith("/api/units")
        for op in methods.values()
    }
    assert operations == {
        "unit_list",
        "unit_tree",
        "unit_get",
        "unit_history",
        "unit_create",
        "unit_update",
    }
