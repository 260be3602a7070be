from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from cchc.accounts import services
from cchc.accounts.models import ApiToken, RoleAssignment, User, hash_token
from cchc.accounts.roles import Role
from cchc.accounts.tests.factories import make_user
from cchc.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client, home_affairs_officer):
    client.force_login(home_affairs_officer)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# Profile and tokens ---------------------------------------------------------------------


def test_profile_shows_my_details_roles_and_tokens(client, focal_point, unit_a, admin_user):
    services.create_api_token(focal_point, name="Hệ thống một cửa")
    ended = RoleAssignment.objects.create(
        user=focal_point,
        role=Role.APPRAISER,
        unit=unit_a,
        valid_from=datetime.date(2024, 1, 1),
        valid_to=datetime.date(2024, 12, 31),
    )
    client.force_login(focal_point)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    assert [r.role for r in response.context["current_roles"]] == [Role.FOCAL_POINT]
    assert response.context["past_roles"] == [ended]
    content = response.content.decode()
    assert "Sở Tư pháp tỉnh An Giang" in content
    assert "31/12/2024" in content
    assert "Hệ thống một cửa" in content
    assert reverse("core:record-history", args=["accounts", "user", focal_point.pk]) in content


def test_profile_needs_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_token_created_and_shown_once(client, focal_point):
    client.force_login(focal_point)
    response = client.post(
        reverse("accounts:token-create"), {"name": "Một cửa", "expires_on": "31/12/2099"}
    )
    assert response.status_code == 200
    raw = response.context["new_token_value"]
    assert raw.startswith("cchc_")
    assert raw in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=focal_point)
    assert token.token_hash == hash_token(raw)
    local = timezone.localtime(token.expires_at)
    assert (local.date(), local.time()) == (datetime.date(2100, 1, 1), datetime.time())
    again = client.get(reverse("accounts:profile"))
    assert raw not in again.content.decode()
    assert token.hint in again.content.decode()


def test_token_with_bad_input_is_not_created(client, focal_point):
    client.force_login(focal_point)
    response = client.post(
        reverse("accounts:token-create"), {"name": "", "expires_on": "01/01/2000"}
    )
    assert response.status_code == 400
    assert set(response.context["token_form"].errors) == {"name", "expires_on"}
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(verb="token.created").exists()


def test_token_create_is_post_only(client, focal_point):
    client.force_login(focal_point)
    assert client.get(reverse("accounts:token-create")).status_code == 405


def test_revoke_my_token(client, focal_point):
    token, _raw = services.create_api_token(focal_point, name="x")
    client.force_login(focal_point)
    response = client.post(reverse("accounts:token-revoke", args=[token.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_cannot_revoke_someone_elses_token(client, focal_point, outsider):
    token, _raw = services.create_api_token(focal_point, name="x")
    client.force_login(outsider)
    response = client.post(reverse("accounts:token-revoke", args=[token.pk]))
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert not AuditEvent.objects.filter(verb="token.revoked").exists()


def test_manager_revokes_someone_elses_token(manager_client, focal_point):
    token, _raw = services.create_api_token(focal_point, name="x")
    response = manager_client.post(reverse("accounts:token-revoke", args=[token.pk]))
    assert response["Location"] == reverse("accounts:user-detail", args=[focal_point.pk])
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


# Password change ------------------------------------------------------------------------


def test_password_change(client, focal_point, password):
    client.force_login(focal_point)
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": password,
            "new_password1": "Cải-cách-hành-chính-2026",
            "new_password2": "Cải-cách-hành-chính-2026",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    assert User.objects.get(pk=focal_point.pk).check_password("Cải-cách-hành-chính-2026")


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("short-1!", "at least 12 characters"),
        ("onlylettersandlonger", "letters, digits and at least one other character"),
        ("lettersanddigits2026", "letters, digits and at least one other character"),
        ("1234567890123!!!", "letters, digits and at least one other character"),
    ],
)
def test_weak_password_is_refused(client, focal_point, password, new_password, message):
    client.force_login(focal_point)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": password, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["new_password2"])
    assert message in errors
    assert User.objects.get(pk=focal_point.pk).check_password(password)


def test_password_change_needs_login(client):
    response = client.get(reverse("accounts:password-change"))
    assert response["Location"].startswith(reverse("accounts:login"))


def test_wrong_old_password_is_refused(client, focal_point, password):
    client.force_login(focal_point)
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": "wrong",
            "new_password1": "Abc-12345678x",
            "new_password2": "Abc-12345678x",
        },
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    assert User.objects.get(pk=focal_point.pk).check_password(password)


# User list ------------------------------------------------------------------------------


def test_user_list_for_managers(manager_client, focal_point, outsider, admin_user):
    response = manager_client.get(reverse("accounts:user-list"))
    assert response.status_code == 200
    assert [u.username for u in response.context["page"]] == [
        "admin",
        "focal",
        "outsider",
        "secretariat",
    ]
    assert response.templates[0].name == "accounts/user_list.html"
    content = response.content.decode()
    assert reverse("core:record-history", args=["accounts", "user", focal_point.pk]) in content


def test_user_list_search_ignores_diacritics(manager_client):
    make_user("nva", full_name="Nguyễn Văn Ánh")
    make_user("ttb", full_name="Trần Thị Bích")
    response = manager_client.get(reverse("accounts:user-list"), {"q": "nguyen van anh"})
    assert [u.username for u in response.context["page"]] == ["nva"]


def test_user_list_htmx_returns_rows_only(manager_client, focal_point):
    response = manager_client.get(
        reverse("accounts:user-list"), {"q": "focal"}, HTTP_HX_REQUEST="true"
    )
    assert [t.name for t in response.templates] == [
        "accounts/partials/user_rows.html",
        "core/partials/pagination.html",
    ]
    assert "<html" not in response.content.decode()
    assert [u.username for u in response.context["page"]] == ["focal"]


def test_user_list_filters_by_role_unit_and_status(manager_client, focal_point, outsider, unit_b):
    url = reverse("accounts:user-list")
    by_role = manager_client.get(url, {"role": Role.FOCAL_POINT})
    assert [u.username for u in by_role.context["page"]] == ["focal", "outsider"]
    by_unit = manager_client.get(url, {"unit": unit_b.pk})
    assert [u.username for u in by_unit.context["page"]] == ["outsider"]
    services.set_user_active(outsider, active=False, by=User.objects.get(username="secretariat"))
    inactive = manager_client.get(url, {"active": "0"})
    assert [u.username for u in inactive.context["page"]] == ["outsider"]


def test_user_list_roles_ending_soon(manager_client, focal_point, outsider):
    today = timezone.localdate()
    RoleAssignment.objects.filter(user=focal_point).update(
        valid_to=today + datetime.timedelta(days=10)
    )
    response = manager_client.get(reverse("accounts:user-list"), {"ending": "1"})
    assert [u.username for u in response.context["page"]] == ["focal"]


def test_user_list_paginates(manager_client):
    for n in range(30):
        make_user(f"p{n:02d}")
    first = manager_client.get(reverse("accounts:user-list"))
    second = manager_client.get(reverse("accounts:user-list"), {"page": 2})
    assert first.context["page"].paginator.count == 31
    assert len(first.context["page"]) == 25
    assert len(second.context["page"]) == 6
    assert "?page=2" in first.content.decode()


def test_user_list_bad_filter_is_ignored(manager_client, focal_point):
    response = manager_client.get(reverse("accounts:user-list"), {"unit": "999999"})
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors


@pytest.mark.parametrize("person", ["focal_point", "leader", "appraiser", "no_role_user"])
def test_user_list_forbidden_for_non_managers(client, request, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse("accounts:user-list")).status_code == 403


def test_manager_pages_need_login(client, focal_point):
    for url in [reverse("accounts:user-list"), reverse("accounts:lockouts")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


# User detail, create, edit, (de)activate --------------------------------------------------


def test_user_detail(manager_client, focal_point):
    response = manager_client.get(reverse("accounts:user-detail", args=[focal_point.pk]))
    assert response.status_code == 200
    assert response.context["can_edit"] is True
    assert response.context["revocable"] == {focal_point.role_assignments.get().pk}
    roles = [c for c, _label in response.context["grant_form"].fields["role"].choices]
    assert Role.ADMIN not in roles
    content = response.content.decode()
    assert reverse("accounts:role-grant", args=[focal_point.pk]) in content
    role_pk = focal_point.role_assignments.get().pk
    assert reverse("core:record-history", args=["accounts", "roleassignment", role_pk]) in content


def test_user_detail_of_admin_is_read_only_for_secretariat(manager_client, admin_user):
    response = manager_client.get(reverse("accounts:user-detail", args=[admin_user.pk]))
    assert response.status_code == 200
    assert response.context["can_edit"] is False
    assert response.context["grant_form"] is False
    assert response.context["revocable"] == set()


def test_user_detail_of_someone_else_is_404_for_non_managers(client, focal_point, outsider):
    client.force_login(outsider)
    assert client.get(reverse("accounts:user-detail", args=[focal_point.pk])).status_code == 404


def test_user_detail_of_oneself_leads_to_profile(client, focal_point):
    client.force_login(focal_point)
    response = client.get(reverse("accounts:user-detail", args=[focal_point.pk]))
    assert response["Location"] == reverse("accounts:profile")


def test_user_create(manager_client, home_affairs_officer):
    response = manager_client.post(
        reverse("accounts:user-create"),
        {
            "username": "lan",
            "email": "lan@angiang.gov.vn",
            "full_name": "Nguyễn Thị Lan",
            "position": "Chuyên viên",
            "phone": "",
            "password": "",
            "password_again": "",
        },
    )
    person = User.objects.get(username="lan")
    assert response["Location"] == reverse("accounts:user-detail", args=[person.pk])
    assert person.full_name == "Nguyễn Thị Lan"
    assert not person.has_usable_password()


def test_user_create_bad_input(manager_client, focal_point):
    response = manager_client.post(
        reverse("accounts:user-create"),
        {
            "username": "lan",
            "email": "focal@example.gov.vn",
            "full_name": "Lan",
            "password": "Mat-khau-2026!x",
            "password_again": "different",
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"password_again"}
    response = manager_client.post(
        reverse("accounts:user-create"),
        {"username": "lan", "email": "FOCAL@example.gov.vn", "full_name": "Lan"},
    )
    assert set(response.context["form"].errors) == {"email"}
    assert not User.objects.filter(username="lan").exists()


def test_user_create_forbidden_for_non_managers(client, focal_point):
    client.force_login(focal_point)
    response = client.post(
        reverse("accounts:user-create"),
        {"username": "lan", "email": "lan@x.vn", "full_name": "Lan"},
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="lan").exists()


def test_user_edit(manager_client, focal_point):
    url = reverse("accounts:user-edit", args=[focal_point.pk])
    assert manager_client.get(url).context["form"].initial["username"] == "focal"
    response = manager_client.post(
        url,
        {
            "username": "focal",
            "email": "focal@example.gov.vn",
            "full_name": "Lê Thị Hoa",
            "position": "Trưởng phòng",
            "phone": "0912345678",
        },
    )
    assert response.status_code == 302
    person = User.objects.get(pk=focal_point.pk)
    assert (person.full_name, person.position, person.phone) == (
        "Lê Thị Hoa",
        "Trưởng phòng",
        "0912345678",
    )


def test_user_edit_bad_input(manager_client, focal_point, outsider):
    response = manager_client.post(
        reverse("accounts:user-edit", args=[focal_point.pk]),
        {"username": "outsider", "email": "focal@example.gov.vn", "full_name": "X"},
    )
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    person = User.objects.get(pk=focal_point.pk)
    assert (person.username, person.full_name) == ("focal", focal_point.full_name)


def test_secretariat_cannot_edit_admin(manager_client, admin_user):
    url = reverse("accounts:user-edit", args=[admin_user.pk])
    assert manager_client.get(url).status_code == 403
    response = manager_client.post(
        url, {"username": "admin", "email": "admin@example.gov.vn", "full_name": "Hacked"}
    )
    assert response.status_code == 403
    assert User.objects.get(pk=admin_user.pk).full_name == admin_user.full_name


def test_admin_can_edit_admin(client, admin_user):
    other = make_user("admin2")
    RoleAssignment.objects.create(
        user=other, role=Role.ADMIN, unit=admin_user.role_assignments.get().unit
    )
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:user-edit", args=[other.pk]),
        {"username": "admin2", "email": "admin2@example.gov.vn", "full_name": "Quản trị 2"},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=other.pk).full_name == "Quản trị 2"


def test_non_manager_cannot_edit(client, focal_point, outsider):
    client.force_login(focal_point)
    assert client.get(reverse("accounts:user-edit", args=[focal_point.pk])).status_code == 403


def test_deactivate_and_activate(manager_client, focal_point):
    response = manager_client.post(reverse("accounts:user-deactivate", args=[focal_point.pk]))
    assert response["Location"] == reverse("accounts:user-detail", args=[focal_point.pk])
    assert not User.objects.get(pk=focal_point.pk).is_active
    manager_client.post(reverse("accounts:user-activate", args=[focal_point.pk]))
    assert User.objects.get(pk=focal_point.pk).is_active


def test_deactivate_is_post_only(manager_client, focal_point):
    response = manager_client.get(reverse("accounts:user-deactivate", args=[focal_point.pk]))
    assert response.status_code == 405
    assert User.objects.get(pk=focal_point.pk).is_active


def test_cannot_deactivate_oneself(manager_client, home_affairs_officer):
    response = manager_client.post(
        reverse("accounts:user-deactivate", args=[home_affairs_officer.pk]), follow=True
    )
    assert messages_of(response) == ["You cannot deactivate your own account."]
    assert User.objects.get(pk=home_affairs_officer.pk).is_active


def test_secretariat_cannot_deactivate_admin(manager_client, admin_user):
    response = manager_client.post(reverse("accounts:user-deactivate", args=[admin_user.pk]))
    assert response.status_code == 403
    assert User.objects.get(pk=admin_user.pk).is_active
    assert not AuditEvent.objects.filter(verb="user.deactivated").exists()


def test_non_manager_cannot_deactivate(client, focal_point, outsider):
    client.force_login(outsider)
    response = client.post(reverse("accounts:user-deactivate", args=[focal_point.pk]))
    assert response.status_code == 403
    assert User.objects.get(pk=focal_point.pk).is_active


# Roles ----------------------------------------------------------------------------------


def test_grant_role(manager_client, no_role_user, unit_a, home_affairs_officer):
    response = manager_client.post(
        reverse("accounts:role-grant", args=[no_role_user.pk]),
        {
            "role": Role.UNIT_LEADER,
            "unit": unit_a.pk,
            "includes_subtree": "on",
            "valid_from": "01/03/2026",
            "valid_to": "31/12/2030",
        },
    )
    assert response["Location"] == reverse("accounts:user-detail", args=[no_role_user.pk])
    assignment = RoleAssignment.objects.get(user=no_role_user)
    assert (assignment.role, assignment.unit, assignment.includes_subtree) == (
        Role.UNIT_LEADER,
        unit_a,
        True,
    )
    assert (assignment.valid_from, assignment.valid_to) == (
        datetime.date(2026, 3, 1),
        datetime.date(2030, 12, 31),
    )
    assert AuditEvent.objects.get(verb="role.granted").actor == home_affairs_officer


def test_grant_role_bad_dates(manager_client, no_role_user, unit_a):
    response = manager_client.post(
        reverse("accounts:role-grant", args=[no_role_user.pk]),
        {
            "role": Role.FOCAL_POINT,
            "unit": unit_a.pk,
            "valid_from": "31/12/2026",
            "valid_to": "01/01/2026",
        },
    )
    assert response.status_code == 400
    assert response.context["grant_form"].errors == {
        "valid_to": ["The end date is before the start date."]
    }
    assert not RoleAssignment.objects.filter(user=no_role_user).exists()


def test_grant_role_unparseable_date(manager_client, no_role_user, unit_a):
    response = manager_client.post(
        reverse("accounts:role-grant", args=[no_role_user.pk]),
        {"role": Role.FOCAL_POINT, "unit": unit_a.pk, "valid_from": "2026/31/12"},
    )
    assert response.status_code == 400
    assert "valid_from" in response.context["grant_form"].errors
    assert not RoleAssignment.objects.filter(user=no_role_user).exists()


def test_secretariat_cannot_grant_admin_role(manager_client, no_role_user, province):
    response = manager_client.post(
        reverse("accounts:role-grant", args=[no_role_user.pk]),
        {"role": Role.ADMIN, "unit": province.pk, "valid_from": "01/03/2026"},
    )
    assert response.status_code == 400
    assert "role" in response.context["grant_form"].errors
    assert not RoleAssignment.objects.filter(user=no_role_user).exists()


def test_non_manager_cannot_grant(client, focal_point, no_role_user, unit_a):
    client.force_login(focal_point)
    response = client.post(
        reverse("accounts:role-grant", args=[no_role_user.pk]),
        {"role": Role.FOCAL_POINT, "unit": unit_a.pk, "valid_from": "01/03/2026"},
    )
    assert response.status_code == 403
    assert not RoleAssignment.objects.filter(user=no_role_user).exists()


def test_revoke_role(manager_client, focal_point):
    assignment = focal_point.role_assignments.get()
    response = manager_client.post(
        reverse("accounts:role-revoke", args=[assignment.pk]), {"reason": "Nghỉ hưu"}
    )
    assert response["Location"] == reverse("accounts:user-detail", args=[focal_point.pk])
    saved = RoleAssignment.objects.get(pk=assignment.pk)
    assert (saved.revoke_reason, saved.revoked_at is not None) == ("Nghỉ hưu", True)


def test_revoke_role_without_reason(manager_client, focal_point):
    assignment = focal_point.role_assignments.get()
    response = manager_client.post(
        reverse("accounts:role-revoke", args=[assignment.pk]), {"reason": ""}, follow=True
    )
    assert len(messages_of(response)) == 1
    assert RoleAssignment.objects.get(pk=assignment.pk).revoked_at is None
    assert not AuditEvent.objects.filter(verb="role.revoked").exists()


def test_secretariat_cannot_revoke_admin_role(manager_client, admin_user):
    assignment = admin_user.role_assignments.get()
    response = manager_client.post(
        reverse("accounts:role-revoke", args=[assignment.pk]), {"reason": "x"}
    )
    assert response.status_code == 403
    assert RoleAssignment.objects.get(pk=assignment.pk).revoked_at is None


def test_non_manager_cannot_revoke(client, focal_point):
    client.force_login(focal_point)
    assignment = focal_point.role_assignments.get()
    response = client.post(reverse("accounts:role-revoke", args=[assignment.pk]), {"reason": "x"})
    assert response.status_code == 403
    assert RoleAssignment.objects.get(pk=assignment.pk).revoked_at is None


# Lockouts -------------------------------------------------------------------------------


def make_lockout(username: str) -> AccessAttempt:
    return AccessAttempt.objects.create(
        username=username,
        ip_address="10.0.0.7",
        user_agent="pytest",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=5,
    )


def test_lockouts_page_lists_locked_logins(manager_client):
    make_lockout("focal")
    AccessAttempt.objects.create(
        username="almost",
        ip_address="10.0.0.8",
        user_agent="pytest",
        failures_since_start=2,
    )
    response = manager_client.get(reverse("accounts:lockouts"))
    assert [lock.username for lock in response.context["lockouts"]] == ["focal"]
    assert "10.0.0.7" in response.content.decode()


def test_unlock(manager_client, focal_point, home_affairs_officer):
    make_lockout("focal")
    response = manager_client.post(reverse("accounts:lockout-unlock"), {"username": "focal"})
    assert response["Location"] == reverse("accounts:lockouts")
    assert not AccessAttempt.objects.exists()
    assert AuditEvent.objects.get(verb="auth.unlocked").actor == home_affairs_officer


def test_unlock_unknown_login_changes_nothing(manager_client):
    make_lockout("focal")
    response = manager_client.post(
        reverse("accounts:lockout-unlock"), {"username": "other"}, follow=True
    )
    assert messages_of(response) == ["That login was not locked."]
    assert AccessAttempt.objects.count() == 1


def test_lockouts_forbidden_for_non_managers(client, focal_point):
    make_lockout("outsider")
    client.force_login(focal_point)
    assert client.get(reverse("accounts:lockouts")).status_code == 403
    response = client.post(reverse("accounts:lockout-unlock"), {"username": "outsider"})
    assert response.status_code == 403
    assert AccessAttempt.objects.count() == 1
