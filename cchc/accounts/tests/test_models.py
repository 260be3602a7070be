from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from cchc.accounts.models import RoleAssignment, User
from cchc.accounts.roles import Role
from cchc.accounts.tests.factories import make_user
from cchc.units.models import Unit
from cchc.units.tests.factories import make_unit

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 10)


def fresh(user: User) -> User:
    """The same person loaded again, so `access` is computed anew."""
    return User.objects.get(pk=user.pk)


def test_role_held_in_unit_reaches_only_that_unit(focal_point, unit_a, district, commune):
    assert focal_point.access.own_unit_ids == {unit_a.pk}
    assert focal_point.access.roles == {Role.FOCAL_POINT}
    assert not focal_point.access.sees_all_units


def test_role_with_subtree_reaches_units_below(district, commune):
    other_commune = make_unit("Xã Vĩnh Tế", kind=Unit.Kind.COMMUNE, parent=district)
    head = make_user(roles=[(Role.UNIT_LEADER, district)], subtree=True)
    assert head.access.own_unit_ids == {district.pk, commune.pk, other_commune.pk}


def test_role_without_subtree_does_not_reach_units_below(district, commune):
    head = make_user(roles=[(Role.UNIT_LEADER, district)])
    assert head.access.own_unit_ids == {district.pk}


@time_machine.travel(datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC), tick=False)
def test_future_and_expired_assignments_give_no_access(unit_a, unit_b, district):
    person = make_user()
    RoleAssignment.objects.create(
        user=person, role=Role.FOCAL_POINT, unit=unit_a, valid_from=DAY + datetime.timedelta(1)
    )
    RoleAssignment.objects.create(
        user=person,
        role=Role.FOCAL_POINT,
        unit=unit_b,
        valid_from=DAY - datetime.timedelta(30),
        valid_to=DAY - datetime.timedelta(1),
    )
    RoleAssignment.objects.create(
        user=person, role=Role.UNIT_LEADER, unit=district, valid_from=DAY, valid_to=DAY
    )
    assert fresh(person).access.own_unit_ids == {district.pk}
    assert fresh(person).access.roles == {Role.UNIT_LEADER}


@time_machine.travel(datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC), tick=False)
def test_assignment_starts_on_its_first_day(unit_a):
    person = make_user()
    RoleAssignment.objects.create(
        user=person, role=Role.FOCAL_POINT, unit=unit_a, valid_from=DAY + datetime.timedelta(1)
    )
    assert fresh(person).access.roles == frozenset()
    with time_machine.travel(datetime.datetime(2026, 3, 11, 9, tzinfo=datetime.UTC), tick=False):
        assert fresh(person).access.roles == {Role.FOCAL_POINT}


def test_revoked_assignment_gives_no_access(focal_point, admin_user):
    focal_point.role_assignments.get().revoke(by=admin_user, reason="moved")
    assert fresh(focal_point).access.roles == frozenset()
    assert fresh(focal_point).access.own_unit_ids == frozenset()


def test_deactivated_person_has_no_access(focal_point):
    focal_point.is_active = False
    focal_point.save(update_fields=["is_active"])
    assert fresh(focal_point).access.roles == frozenset()


def test_superuser_counts_as_administrator(db):
    root = make_user("root", is_superuser=True)
    assert root.access.is_admin
    assert root.access.can_manage_users


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("admin_user", list(Role.values)),
        ("home_affairs_officer", [r for r in Role.values if r != Role.ADMIN]),
        ("focal_point", []),
        ("leader", []),
    ],
)
def test_grantable_roles(request, person, expected):
    assert request.getfixturevalue(person).access.grantable_roles() == expected


def test_managers_see_everyone(admin_user, home_affairs_officer, focal_point, outsider):
    everyone = {admin_user.pk, home_affairs_officer.pk, focal_point.pk, outsider.pk}
    assert set(User.objects.visible_to(home_affairs_officer).values_list("pk", flat=True)) == (
        everyone
    )


def test_others_see_only_themselves(focal_point, outsider, leader):
    assert list(User.objects.visible_to(focal_point)) == [focal_point]
    assert list(User.objects.visible_to(leader)) == [leader]


def test_anonymous_sees_nobody(focal_point):
    from django.contrib.auth.models import AnonymousUser

    assert list(User.objects.visible_to(AnonymousUser())) == []


def test_role_assignments_visible_to(focal_point, outsider, home_affairs_officer):
    assert list(RoleAssignment.objects.visible_to(focal_point)) == list(
        focal_point.role_assignments.all()
    )
    assert RoleAssignment.objects.visible_to(home_affairs_officer).count() == 3


def test_search_ignores_diacritics_and_case(db):
    make_user("nva", full_name="Nguyễn Văn Ánh")
    make_user("ttb", full_name="Trần Thị Bích")
    assert [u.username for u in User.objects.search("nguyen van anh")] == ["nva"]
    assert [u.username for u in User.objects.search("BÍCH")] == ["ttb"]
    assert [u.username for u in User.objects.search("ttb@example")] == ["ttb"]


def test_only_administrators_edit_administrators(admin_user, home_affairs_officer, focal_point):
    assert not admin_user.can_edit(home_affairs_officer)
    assert admin_user.can_edit(admin_user)
    assert focal_point.can_edit(home_affairs_officer)
    assert not focal_point.can_edit(focal_point)


def test_deactivated_administrator_stays_protected(admin_user, home_affairs_officer):
    User.objects.filter(pk=admin_user.pk).update(is_active=False)
    assert not fresh(admin_user).can_edit(home_affairs_officer)


def test_end_before_start_is_rejected(focal_point, unit_b):
    assignment = RoleAssignment(
        user=focal_point,
        role=Role.FOCAL_POINT,
        unit=unit_b,
        valid_from=DAY,
        valid_to=DAY - datetime.timedelta(1),
    )
    with pytest.raises(ValidationError) as error:
        assignment.full_clean()
    assert error.value.message_dict == {"valid_to": ["The end date is before the start date."]}


def test_overlapping_assignment_is_rejected(focal_point, unit_a):
    duplicate = RoleAssignment(user=focal_point, role=Role.FOCAL_POINT, unit=unit_a)
    with pytest.raises(ValidationError, match="already holds this role"):
        duplicate.full_clean()


def test_email_may_not_equal_another_username(focal_point):
    person = User(username="x", email="FOCAL", full_name="X")
    person.set_unusable_password()
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert "email" in error.value.message_dict


def test_role_assignment_status(focal_point, admin_user, unit_b):
    today = timezone.localdate()
    future = RoleAssignment(unit=unit_b, valid_from=today + datetime.timedelta(days=1))
    ended = RoleAssignment(
        unit=unit_b,
        valid_from=today - datetime.timedelta(days=9),
        valid_to=today - datetime.timedelta(days=1),
    )
    assert focal_point.role_assignments.get().status == "active"
    assert future.status == "future"
    assert ended.status == "ended"


def test_users_with_roles_ending_within_30_days(focal_point, outsider, leader):
    today = timezone.localdate()
    focal_point.role_assignments.update(valid_to=today + datetime.timedelta(days=30))
    outsider.role_assignments.update(valid_to=today + datetime.timedelta(days=31))
    assert list(User.objects.with_roles_ending(days=30)) == [focal_point]
