"""Criteria-set services that change a set: edit, criteria, bands, and the lock."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cchc.core.models import AuditEvent
from cchc.scoring.models import Band, CriteriaSet, Criterion
from cchc.scoring.services.sets import (
    SetInvalid,
    lock_criteria_set,
    replace_criteria,
    set_bands,
    update_criteria_set,
)

from .factories import make_node, make_tree
from .set_helpers import _events

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

LOCKED = "This criteria set is locked: a round has opened with it."


# --- editing an unlocked set --------------------------------------------------------------


def test_update_changes_the_allowed_fields(small_set, home_affairs_officer):
    update_criteria_set(
        small_set, by=home_affairs_officer, rounding="down", notes="Theo QĐ mới", name="Bộ mới"
    )

    small_set.refresh_from_db()
    assert (small_set.rounding, small_set.notes, small_set.name) == (
        "down",
        "Theo QĐ mới",
        "Bộ mới",
    )
    event = AuditEvent.objects.get(verb="criteria_set.updated")
    assert event.changes == {
        "rounding": ["half_up", "down"],
        "notes": ["", "Theo QĐ mới"],
        "name": ["Bộ tiêu chí sở 2025", "Bộ mới"],
    }


def test_update_without_a_change_records_nothing(small_set, home_affairs_officer):
    update_criteria_set(small_set, by=home_affairs_officer, rounding="half_up")

    assert _events("criteria_set.updated") == []


def test_update_refuses_a_bad_value(small_set, home_affairs_officer):
    with pytest.raises(ValidationError):
        update_criteria_set(small_set, by=home_affairs_officer, rounding="sideways")

    small_set.refresh_from_db()
    assert small_set.rounding == "half_up"


def test_update_refuses_other_fields(small_set, home_affairs_officer):
    with pytest.raises(TypeError):
        update_criteria_set(small_set, by=home_affairs_officer, year=2030)


def test_replace_criteria_loads_a_new_tree(small_set, home_affairs_officer):
    tree = make_tree([make_node("1", "Một lĩnh vực", "5", children=[make_node("1.1", "a", "5")])])

    replace_criteria(small_set, tree, by=home_affairs_officer, file="moi.xlsx")

    assert list(small_set.criteria.values_list("code", "position", "area_code")) == [
        ("1", 0, "1"),
        ("1.1", 1, "1"),
    ]
    assert small_set.bands.count() == 5
    assert small_set.name == "Bộ tiêu chí sở 2025"
    deleted = Criterion.history.filter(criteria_set_id=small_set.pk, history_type="-")
    assert deleted.count() == 12
    assert set(deleted.values_list("history_user", flat=True)) == {home_affairs_officer.pk}
    event = AuditEvent.objects.get(verb="criteria_set.updated")
    assert event.data == {"file": "moi.xlsx", "criteria_before": 12, "criteria": 2}


def test_replace_criteria_with_a_bad_tree_keeps_the_old_one(small_set, home_affairs_officer):
    tree = make_tree([make_node("1", "A", "5", children=[make_node("1.1", "a", "4")])])

    with pytest.raises(SetInvalid):
        replace_criteria(small_set, tree, by=home_affairs_officer)

    assert small_set.criteria.count() == 12


def test_set_bands_replaces_the_bands(small_set, home_affairs_officer):
    set_bands(
        small_set,
        [("Nhóm I", Decimal(90)), ("Nhóm III", Decimal(0)), ("Nhóm II", Decimal("80"))],
        by=home_affairs_officer,
    )

    assert list(small_set.bands.values_list("label", "min_percent")) == [
        ("Nhóm I", Decimal("90.00")),
        ("Nhóm II", Decimal("80.00")),
        ("Nhóm III", Decimal("0.00")),
    ]
    event = AuditEvent.objects.get(verb="band.changed")
    assert event.changes["bands"][1] == [
        ["Nhóm I", "90.00"],
        ["Nhóm II", "80.00"],
        ["Nhóm III", "0.00"],
    ]


def test_set_bands_refuses_equal_thresholds(small_set, home_affairs_officer):
    with pytest.raises(SetInvalid) as caught:
        set_bands(small_set, [("A", Decimal(90)), ("B", Decimal(90))], by=home_affairs_officer)

    assert [p.reason for p in caught.value.problems] == ["Another band starts at the same percent."]
    assert small_set.bands.count() == 5


def test_a_focal_point_cannot_change_a_set(small_set, focal_point):
    with pytest.raises(PermissionDenied):
        update_criteria_set(small_set, by=focal_point, notes="x")
    with pytest.raises(PermissionDenied):
        set_bands(small_set, [("A", Decimal(0))], by=focal_point)
    with pytest.raises(PermissionDenied):
        lock_criteria_set(small_set, by=focal_point)

    small_set.refresh_from_db()
    assert (small_set.notes, small_set.bands.count(), small_set.is_locked) == ("", 5, False)


# --- lock ---------------------------------------------------------------------------------


def test_lock_is_recorded_once(small_set, home_affairs_officer):
    lock_criteria_set(small_set, by=home_affairs_officer)
    first = CriteriaSet.objects.get().locked_at

    lock_criteria_set(small_set, by=home_affairs_officer)

    assert first is not None
    assert CriteriaSet.objects.get().locked_at == first
    assert len(_events("criteria_set.locked")) == 1


def test_a_locked_set_refuses_every_change(small_set, home_affairs_officer):
    lock_criteria_set(small_set, by=home_affairs_officer)
    events = AuditEvent.objects.count()
    tree = make_tree([make_node("1", "A", "5", children=[make_node("1.1", "a", "5")])])

    for change in (
        lambda: update_criteria_set(small_set, by=home_affairs_officer, notes="x"),
        lambda: replace_criteria(small_set, tree, by=home_affairs_officer),
        lambda: set_bands(small_set, [("A", Decimal(0))], by=home_affairs_officer),
    ):
        with pytest.raises(ValidationError) as caught:
            change()
        assert caught.value.messages == [LOCKED]

    small_set.refresh_from_db()
    assert (small_set.notes, small_set.criteria.count(), small_set.bands.count()) == ("", 12, 5)
    assert AuditEvent.objects.count() == events


def test_a_set_locked_meanwhile_is_refused(small_set, home_affairs_officer):
    stale = CriteriaSet.objects.get(pk=small_set.pk)
    lock_criteria_set(small_set, by=home_affairs_officer)

    with pytest.raises(ValidationError):
        update_criteria_set(stale, by=home_affairs_officer, notes="x")

    assert Band.objects.filter(criteria_set=small_set).count() == 5


def test_update_to_a_taken_name_is_refused(small_set, home_affairs_officer):
    from .factories import make_criteria_set

    other = make_criteria_set(name="Bộ khác")

    with pytest.raises(ValidationError):
        update_criteria_set(other, by=home_affairs_officer, name=small_set.name)

    other.refresh_from_db()
    assert other.name == "Bộ khác"
