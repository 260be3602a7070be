import datetime

import pytest
from django.core.exceptions import ValidationError

from cchc.core.models import AuditEvent
from cchc.units import services
from cchc.units.models import Unit, UnitSuccession

from .factories import make_unit

pytestmark = pytest.mark.django_db

MARCH_1 = datetime.date(2025, 3, 1)
FEB_28 = datetime.date(2025, 2, 28)
NQ = "Nghị quyết 1654/NQ-UBTVQH15"


def test_create_unit_records_history_with_the_person(province, home_affairs_officer):
    unit = services.create_unit(
        by=home_affairs_officer,
        code="SNNMT",
        name="Sở Nông nghiệp và Môi trường",
        kind=Unit.Kind.DEPARTMENT,
        parent=province,
        valid_from=MARCH_1,
    )
    assert Unit.objects.get(code="SNNMT").parent == province
    event = AuditEvent.objects.for_object(unit).get()
    assert (event.verb, event.actor) == ("record.created", home_affairs_officer)
    assert unit.history.get().history_user == home_affairs_officer


def test_create_unit_rejects_end_before_start(province, home_affairs_officer):
    with pytest.raises(ValidationError) as error:
        services.create_unit(
            by=home_affairs_officer,
            code="X",
            name="Sở thử",
            kind=Unit.Kind.DEPARTMENT,
            parent=province,
            valid_from=MARCH_1,
            valid_to=FEB_28,
        )
    assert error.value.message_dict["valid_to"] == ["The end date is before the start date."]
    assert not Unit.objects.filter(code="X").exists()


def test_create_unit_rejects_a_kind_not_allowed_under_the_parent(commune, home_affairs_officer):
    with pytest.raises(ValidationError) as error:
        services.create_unit(
            by=home_affairs_officer, code="X", name="Sở thử", kind="department", parent=commune
        )
    assert error.value.message_dict == {
        "parent": [
            "A unit of kind Department or agency cannot be placed under a unit of kind "
            "Commune-level unit."
        ]
    }


def test_update_unit_changes_only_what_differs(unit_a, home_affairs_officer):
    services.update_unit(unit_a, by=home_affairs_officer, name="Sở Tư pháp", email="stp@ag.gov.vn")
    unit_a.refresh_from_db()
    assert (unit_a.name, unit_a.email) == ("Sở Tư pháp", "stp@ag.gov.vn")
    event = AuditEvent.objects.for_object(unit_a).filter(verb="record.updated").get()
    assert event.changes == {
        "name": ["Sở Tư pháp tỉnh An Giang", "Sở Tư pháp"],
        "email": ["", "stp@ag.gov.vn"],
    }


def test_update_unit_without_changes_writes_nothing(unit_a, home_affairs_officer):
    before = unit_a.history.count()
    services.update_unit(unit_a, by=home_affairs_officer, name=unit_a.name)
    assert unit_a.history.count() == before


def test_update_unit_rejects_a_cycle(province, district, home_affairs_officer):
    with pytest.raises(ValidationError) as error:
        services.update_unit(province, by=home_affairs_officer, parent=district)
    assert error.value.message_dict == {
        "parent": ["A unit of kind Province cannot have a parent unit."]
    }
    province.refresh_from_db()
    assert province.parent is None


def test_update_unit_refuses_unknown_fields(unit_a, home_affairs_officer):
    with pytest.raises(TypeError):
        services.update_unit(unit_a, by=home_affairs_officer, search_text="x")


def test_merge_units_ends_predecessors_and_links_them(province, home_affairs_officer):
    agriculture = make_unit("Sở Nông nghiệp và Phát triển nông thôn", parent=province, code="A")
    environment = make_unit("Sở Tài nguyên và Môi trường", parent=province, code="E")
    new = Unit(
        code="SNNMT", name="Sở Nông nghiệp và Môi trường", kind="department", parent=province
    )

    successor = services.merge_units(
        [agriculture, environment],
        into=new,
        effective_date=MARCH_1,
        legal_basis="Nghị định 45/2025/NĐ-CP",
        by=home_affairs_officer,
    )

    assert Unit.objects.get(code="SNNMT").valid_from == MARCH_1
    assert list(Unit.objects.filter(code__in=["A", "E"]).values_list("valid_to", flat=True)) == [
        FEB_28,
        FEB_28,
    ]
    links = UnitSuccession.objects.order_by("predecessor__code")
    assert [(s.predecessor.code, s.successor.code, s.effective_date, s.whole) for s in links] == [
        ("A", "SNNMT", MARCH_1, True),
        ("E", "SNNMT", MARCH_1, True),
    ]
    event = AuditEvent.objects.get(verb="unit.merged")
    assert (event.object_id, event.actor) == (str(successor.pk), home_affairs_officer)
    assert event.data["predecessors"] == [
        {"id": agriculture.pk, "code": "A", "name": "Sở Nông nghiệp và Phát triển nông thôn"},
        {"id": environment.pk, "code": "E", "name": "Sở Tài nguyên và Môi trường"},
    ]
    assert event.data["legal_basis"] == "Nghị định 45/2025/NĐ-CP"
    assert event.data["effective_date"] == "2025-03-01"


def test_merge_into_an_existing_unit(unit_a, unit_b, home_affairs_officer):
    services.merge_units(
        [unit_b], into=unit_a, effective_date=MARCH_1, legal_basis="NQ", by=home_affairs_officer
    )
    unit_a.refresh_from_db()
    unit_b.refresh_from_db()
    assert (unit_a.valid_from, unit_a.valid_to, unit_b.valid_to) == (None, None, FEB_28)
    assert UnitSuccession.objects.get().predecessor == unit_b


def test_merge_refuses_a_unit_into_itself(unit_a, home_affairs_officer):
    with pytest.raises(ValidationError) as error:
        services.merge_units(
            [unit_a], into=unit_a, effective_date=MARCH_1, legal_basis=NQ, by=home_affairs_officer
        )
    assert error.value.messages == ["A unit cannot be merged into itself."]
    assert not AuditEvent.objects.filter(verb="unit.merged").exists()


def test_merge_refuses_a_unit_that_already_ended(province, unit_a, home_affairs_officer):
    old = make_unit("Sở cũ", parent=province, code="OLD", valid_to=datetime.date(2020, 12, 31))
    with pytest.raises(ValidationError) as error:
        services.merge_units(
            [old], into=unit_a, effective_date=MARCH_1, legal_basis=NQ, by=home_affairs_officer
        )
    assert error.value.messages == ["Sở cũ already ended on 31/12/2020."]
    assert not UnitSuccession.objects.exists()


def test_merge_rolls_back_everything_when_one_link_fails(
    province, unit_a, unit_b, home_affairs_officer
):
    old = make_unit("Sở cũ", parent=province, code="OLD", valid_to=datetime.date(2020, 12, 31))
    with pytest.raises(ValidationError):
        services.merge_units(
            [unit_b, old],
            into=unit_a,
            effective_date=MARCH_1,
            legal_basis=NQ,
            by=home_affairs_officer,
        )
    unit_b.refresh_from_db()
    assert unit_b.valid_to is None
    assert not UnitSuccession.objects.exists()


def test_split_unit_links_parts_to_each_successor(province, district, home_affairs_officer):
    july_1 = datetime.date(2025, 7, 1)
    parts = [
        Unit(code="N1", name="Phường Mới Một", kind="commune", parent=province),
        Unit(code="N2", name="Phường Mới Hai", kind="commune", parent=province),
    ]
    services.split_unit(
        district, into=parts, effective_date=july_1, legal_basis=NQ, by=home_affairs_officer
    )
    district.refresh_from_db()
    assert district.valid_to == datetime.date(2025, 6, 30)
    links = UnitSuccession.objects.order_by("successor__code")
    assert [(s.predecessor.code, s.successor.code, s.whole, s.legal_basis) for s in links] == [
        ("884", "N1", False, NQ),
        ("884", "N2", False, NQ),
    ]
    assert list(
        Unit.objects.filter(code__in=["N1", "N2"]).values_list("valid_from", flat=True)
    ) == [
        july_1,
        july_1,
    ]
    event = AuditEvent.objects.get(verb="unit.split")
    assert event.object_id == str(district.pk)
    assert [s["code"] for s in event.data["successors"]] == ["N1", "N2"]


def test_split_needs_two_successors(district, unit_a, home_affairs_officer):
    with pytest.raises(ValidationError) as error:
        services.split_unit(
            district, into=[unit_a], effective_date=MARCH_1, legal_basis=NQ, by=home_affairs_officer
        )
    assert error.value.messages == ["A split needs at least two successor units."]
    district.refresh_from_db()
    assert district.valid_to is None
