from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cchc.accounts import services
from cchc.accounts.models import ApiToken, RoleAssignment, User, hash_token
from cchc.accounts.roles import Role
from cchc.core.models import AuditEvent

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)


def events(verb: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb=verb))


# create_user / update_user / set_user_active --------------------------------------------


def test_create_user_with_password(home_affairs_officer):
    person = services.create_user(
        username="lan",
        email="Lan.Nguyen@AnGiang.gov.vn",
        full_name="  Nguyễn   Thị Lan ",
        position="Chuyên viên",
        phone="0296 3852 000",
        password="Mật-khẩu-mới-2026!",
        by=home_affairs_officer,
    )
    person = User.objects.get(username="lan")
    assert person.email == "lan.nguyen@angiang.gov.vn"
    assert person.full_name == "Nguyễn Thị Lan"
    assert person.check_password("Mật-khẩu-mới-2026!")
    [event] = events("user.created")
    assert (event.actor, event.object_id, event.data) == (
        home_affairs_officer,
        str(person.pk),
        {"password_set": True},
    )


def test_create_user_without_password_cannot_log_in(home_affairs_officer):
    person = services.create_user(
        username="lan", email="lan@example.vn", full_name="Lan", by=home_affairs_officer
    )
    assert not User.objects.get(pk=person.pk).has_usable_password()


def test_create_user_rejects_weak_password(home_affairs_officer):
    with pytest.raises(ValidationError) as error:
        services.create_user(
            username="lan",
            email="lan@example.vn",
            full_name="Lan",
            password="abc",
            by=home_affairs_officer,
        )
    assert "password" in error.value.message_dict
    assert not User.objects.filter(username="lan").exists()
    assert events("user.created") == []


def test_create_user_rejects_taken_email(home_affairs_officer, focal_point):
    with pytest.raises(ValidationError) as error:
        services.create_user(
            username="lan", email="FOCAL@example.gov.vn", full_name="Lan", by=home_affairs_officer
        )
    assert list(error.value.message_dict) == ["email"]
    assert not User.objects.filter(username="lan").exists()


def test_only_managers_create_users(focal_point):
    with pytest.raises(PermissionDenied):
        services.create_user(username="lan", email="lan@x.vn", full_name="Lan", by=focal_point)
    assert not User.objects.filter(username="lan").exists()


def test_update_user_saves_changed_fields(home_affairs_officer, focal_point):
    services.update_user(
        focal_point, by=home_affairs_officer, full_name="Lê Văn Tám", position="Phó phòng"
    )
    person = User.objects.get(pk=focal_point.pk)
    assert (person.full_name, person.position, person.username) == (
        "Lê Văn Tám",
        "Phó phòng",
        "focal",
    )
    assert person.search_text == "le van tam focal focal@example.gov.vn"
    [event] = events("user.updated")
    assert event.data == {"fields": ["full_name", "position"]}


def test_update_user_without_changes_records_nothing(home_affairs_officer, focal_point):
    services.update_user(focal_point, by=home_affairs_officer, username="focal")
    assert events("user.updated") == []


def test_update_user_rejects_clash_and_keeps_row(home_affairs_officer, focal_point, outsider):
    with pytest.raises(ValidationError):
        services.update_user(focal_point, by=home_affairs_officer, username="OUTSIDER")
    assert focal_point.username == "focal"
    assert User.objects.get(pk=focal_point.pk).username == "focal"


def test_update_user_refuses_unknown_fields(home_affairs_officer, focal_point):
    with pytest.raises(TypeError):
        services.update_user(focal_point, by=home_affairs_officer, is_superuser=True)


def test_secretariat_cannot_edit_an_administrator(home_affairs_officer, admin_user):
    with pytest.raises(PermissionDenied):
        services.update_user(admin_user, by=home_affairs_officer, full_name="Hacked")
    with pytest.raises(PermissionDenied):
        services.set_user_active(admin_user, active=False, by=home_affairs_officer)
    assert User.objects.get(pk=admin_user.pk).full_name != "Hacked"
    assert User.objects.get(pk=admin_user.pk).is_active


def test_deactivate_and_reactivate(home_affairs_officer, focal_point):
    services.set_user_active(focal_point, active=False, by=home_affairs_officer)
    assert not User.objects.get(pk=focal_point.pk).is_active
    services.set_user_active(focal_point, active=True, by=home_affairs_officer)
    assert User.objects.get(pk=focal_point.pk).is_active
    assert [e.verb for e in AuditEvent.objects.filter(verb__startswith="user.").order_by("id")] == [
        "user.deactivated",
        "user.activated",
    ]


def test_cannot_deactivate_oneself(home_affairs_officer):
    with pytest.raises(ValidationError):
        services.set_user_active(home_affairs_officer, active=False, by=home_affairs_officer)
    assert User.objects.get(pk=home_affairs_officer.pk).is_active


# grant_role / revoke_role ------------------------------------------------------------


def test_grant_role(home_affairs_officer, no_role_user, unit_a):
    assignment = services.grant_role(
        no_role_user,
        role=Role.FOCAL_POINT,
        unit=unit_a,
        includes_subtree=True,
        valid_from=TODAY,
        valid_to=datetime.date(2026, 12, 31),
        by=home_affairs_officer,
    )
    saved = RoleAssignment.objects.get(user=no_role_user)
    assert (saved.pk, saved.role, saved.unit, saved.includes_subtree) == (
        assignment.pk,
        Role.FOCAL_POINT,
        unit_a,
        True,
    )
    assert (saved.valid_from, saved.valid_to, saved.granted_by) == (
        TODAY,
        datetime.date(2026, 12, 31),
        home_affairs_officer,
    )
    [event] = events("role.granted")
    assert event.actor == home_affairs_officer
    assert event.object_id == str(saved.pk)
    assert event.data == {
        "user": no_role_user.pk,
        "role": "focal_point",
        "unit": unit_a.pk,
        "includes_subtree": True,
        "valid_from": "2026-03-10",
        "valid_to": "2026-12-31",
    }
    assert saved.history.get().history_user == home_affairs_officer


def test_grant_role_starts_today_by_default(home_affairs_officer, no_role_user, unit_a):
    assignment = services.grant_role(
        no_role_user, role=Role.APPRAISER, unit=unit_a, by=home_affairs_officer
    )
    assert assignment.valid_from == timezone.localdate()
    assert User.objects.get(pk=no_role_user.pk).access.roles == {Role.APPRAISER}


def test_secretariat_cannot_grant_admin(home_affairs_officer, no_role_user, province):
    with pytest.raises(PermissionDenied):
        services.grant_role(no_role_user, role=Role.ADMIN, unit=province, by=home_affairs_officer)
    assert not RoleAssignment.objects.filter(user=no_role_user).exists()
    assert events("role.granted") == []


def test_admin_can_grant_admin(admin_user, no_role_user, province):
    services.grant_role(no_role_user, role=Role.ADMIN, unit=province, by=admin_user)
    assert User.objects.get(pk=no_role_user.pk).access.is_admin


def test_secretariat_cannot_grant_roles_to_an_administrator(
    home_affairs_officer, admin_user, unit_a
):
    with pytest.raises(PermissionDenied):
        services.grant_role(admin_user, role=Role.LEADER, unit=unit_a, by=home_affairs_officer)
    assert admin_user.role_assignments.count() == 1


@pytest.mark.parametrize("person", ["focal_point", "unit_leader", "leader", "appraiser"])
def test_non_managers_cannot_grant(request, person, no_role_user, unit_a):
    with pytest.raises(PermissionDenied):
        services.grant_role(
            no_role_user, role=Role.FOCAL_POINT, unit=unit_a, by=request.getfixturevalue(person)
        )
    assert not RoleAssignment.objects.filter(user=no_role_user).exists()


def test_invalid_dates_rejected_with_nothing_saved(home_affairs_officer, no_role_user, unit_a):
    with pytest.raises(ValidationError) as error:
        services.grant_role(
            no_role_user,
            role=Role.FOCAL_POINT,
            unit=unit_a,
            valid_from=TODAY,
            valid_to=TODAY - datetime.timedelta(days=1),
            by=home_affairs_officer,
        )
    assert error.value.message_dict == {"valid_to": ["The end date is before the start date."]}
    assert not RoleAssignment.objects.filter(user=no_role_user).exists()
    assert events("role.granted") == []


def test_unknown_role_rejected(home_affairs_officer, no_role_user, unit_a):
    with pytest.raises(ValidationError):
        services.grant_role(no_role_user, role="king", unit=unit_a, by=home_affairs_officer)
    assert not no_role_user.role_assignments.exists()


def test_duplicate_role_rejected(home_affairs_officer, focal_point, unit_a):
    with pytest.raises(ValidationError):
        services.grant_role(
            focal_point, role=Role.FOCAL_POINT, unit=unit_a, by=home_affairs_officer
        )
    assert focal_point.role_assignments.count() == 1


def test_cannot_grant_to_deactivated_account(home_affairs_officer, no_role_user, unit_a):
    services.set_user_active(no_role_user, active=False, by=home_affairs_officer)
    with pytest.raises(ValidationError):
        services.grant_role(
            no_role_user, role=Role.FOCAL_POINT, unit=unit_a, by=home_affairs_officer
        )
    assert not no_role_user.role_assignments.exists()


def test_revoke_role(home_affairs_officer, focal_point):
    assignment = focal_point.role_assignments.get()
    services.revoke_role(assignment, by=home_affairs_officer, reason="Chuyển công tác")
    saved = RoleAssignment.objects.get(pk=assignment.pk)
    assert saved.revoked_by == home_affairs_officer
    assert saved.revoke_reason == "Chuyển công tác"
    assert saved.revoked_at is not None
    assert User.objects.get(pk=focal_point.pk).access.roles == frozenset()
    [event] = events("role.revoked")
    assert event.data == {
        "user": focal_point.pk,
        "role": "focal_point",
        "reason": "Chuyển công tác",
    }


def test_revoke_needs_a_reason(home_affairs_officer, focal_point):
    assignment = focal_point.role_assignments.get()
    with pytest.raises(ValidationError):
        services.revoke_role(assignment, by=home_affairs_officer, reason="   ")
    assert RoleAssignment.objects.get(pk=assignment.pk).revoked_at is None
    assert events("role.revoked") == []


def test_revoke_twice_is_refused(home_affairs_officer, focal_point):
    assignment = focal_point.role_assignments.get()
    services.revoke_role(assignment, by=home_affairs_officer, reason="moved")
    with pytest.raises(ValidationError):
        services.revoke_role(assignment, by=home_affairs_officer, reason="again")
    assert RoleAssignment.objects.get(pk=assignment.pk).revoke_reason == "moved"
    assert len(events("role.revoked")) == 1


def test_secretariat_cannot_revoke_admin_role(home_affairs_officer, admin_user):
    assignment = admin_user.role_assignments.get()
    with pytest.raises(PermissionDenied):
        services.revoke_role(assignment, by=home_affairs_officer, reason="coup")
    assert RoleAssignment.objects.get(pk=assignment.pk).revoked_at is None


def test_focal_point_cannot_revoke_own_role(focal_point):
    with pytest.raises(PermissionDenied):
        services.revoke_role(focal_point.role_assignments.get(), by=focal_point, reason="bye")


# API tokens ---------------------------------------------------------------------------


def test_create_api_token_stores_only_the_hash(focal_point):
    token, raw = services.create_api_token(focal_point, name="Một cửa")
    assert raw.startswith("cchc_")
    saved = ApiToken.objects.get(pk=token.pk)
    assert saved.token_hash == hash_token(raw)
    assert saved.hint == raw[:9]
    assert not ApiToken.objects.filter(token_hash=raw).exists()
    [event] = events("token.created")
    assert (event.actor, event.object_id) == (focal_point, str(token.pk))
    assert raw not in str(event.data)
    assert raw not in str(event.changes)


def test_api_token_expiry_must_be_in_future(focal_point):
    with pytest.raises(ValidationError):
        services.create_api_token(
            focal_point, name="x", expires_at=timezone.now() - datetime.timedelta(minutes=1)
        )
    assert not ApiToken.objects.exists()


def test_api_token_needs_a_name(focal_point):
    with pytest.raises(ValidationError):
        services.create_api_token(focal_point, name="  ")
    assert not ApiToken.objects.exists()


def test_revoke_own_api_token(focal_point):
    token, _raw = services.create_api_token(focal_point, name="x")
    services.revoke_api_token(token, by=focal_point)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert len(events("token.revoked")) == 1


def test_manager_may_revoke_someone_elses_token(home_affairs_officer, focal_point):
    token, _raw = services.create_api_token(focal_point, name="x")
    services.revoke_api_token(token, by=home_affairs_officer)
    assert not ApiToken.objects.get(pk=token.pk).is_usable


def test_others_cannot_revoke_a_token(focal_point, outsider):
    token, _raw = services.create_api_token(focal_point, name="x")
    with pytest.raises(PermissionDenied):
        services.revoke_api_token(token, by=outsider)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert events("token.revoked") == []


# unlock_user ---------------------------------------------------------------------------


def lock(username: str) -> None:
    AccessAttempt.objects.create(
        username=username,
        ip_address="10.0.0.1",
        user_agent="pytest",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=5,
    )


def test_unlock_user(home_affairs_officer, focal_point):
    lock("focal")
    assert services.unlock_user("focal", by=home_affairs_officer) == 1
    assert not AccessAttempt.objects.exists()
    [event] = events("auth.unlocked")
    assert (event.actor, event.object_id, event.data) == (
        home_affairs_officer,
        str(focal_point.pk),
        {"username": "focal"},
    )


def test_unlock_nothing_records_nothing(home_affairs_officer):
    assert services.unlock_user("nobody", by=home_affairs_officer) == 0
    assert events("auth.unlocked") == []


def test_only_managers_unlock(focal_point):
    lock("outsider")
    with pytest.raises(PermissionDenied):
        services.unlock_user("outsider", by=focal_point)
    assert AccessAttempt.objects.count() == 1


def test_verbs_have_labels():
    from django.utils import translation

    from cchc.core.audit import verb_label

    with translation.override("en"):
        assert verb_label("role.granted") == "granted a role"
        assert verb_label("auth.unlocked") == "unlocked a locked-out login"
