"""The profile page: my details, roles and API tokens; password change."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cchc.accounts import services
from cchc.accounts.models import ApiToken, RoleAssignment, User, hash_token
from cchc.accounts.roles import Role
from cchc.core.models import AuditEvent

pytestmark = pytest.mark.django_db


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
