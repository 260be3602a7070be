"""Granting and revoking roles, and the login lockouts page."""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from cchc.accounts.models import RoleAssignment
from cchc.accounts.roles import Role
from cchc.core.models import AuditEvent

from .helpers import messages_of

pytestmark = pytest.mark.django_db


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
