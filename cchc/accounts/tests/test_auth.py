from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cchc.accounts import services
from cchc.accounts.models import ApiToken
from cchc.core.models import AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ME = "/api/accounts/me"


def log_in(client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def logged_in_as(client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


# Logging in ------------------------------------------------------------------------------


def test_login_page_says_username_or_email(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert "Username or e-mail" in response.content.decode()


def test_login_with_username(client, focal_point, password):
    response = log_in(client, "focal", password)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert logged_in_as(client) == focal_point.pk
    assert AuditEvent.objects.get(verb="auth.login").actor == focal_point


@pytest.mark.parametrize("login", ["focal@example.gov.vn", "FOCAL@Example.GOV.vn", " focal "])
def test_login_with_email_ignores_case(client, focal_point, password, login):
    assert log_in(client, login, password).status_code == 302
    assert logged_in_as(client) == focal_point.pk


def test_wrong_password_is_refused(client, focal_point):
    response = log_in(client, "focal", "not-the-password")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert logged_in_as(client) is None


def test_inactive_user_cannot_log_in(client, focal_point, home_affairs_officer, password):
    services.set_user_active(focal_point, active=False, by=home_affairs_officer)
    response = log_in(client, "focal", password)
    assert response.status_code == 200
    assert logged_in_as(client) is None
    assert not AuditEvent.objects.filter(verb="auth.login").exists()


def test_account_without_password_cannot_log_in(client, home_affairs_officer):
    services.create_user(username="lan", email="lan@x.vn", full_name="Lan", by=home_affairs_officer)
    assert log_in(client, "lan", "").status_code == 200
    assert logged_in_as(client) is None


def test_lockout_after_five_failures(client, focal_point, password):
    statuses = [log_in(client, "focal", "wrong-password").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks the login
    failures = AuditEvent.objects.filter(verb="auth.login_failed")
    assert failures.count() == 5
    assert {e.actor_label for e in failures} == {"focal"}
    assert {e.object_id for e in failures} == {str(focal_point.pk)}

    response = log_in(client, "focal", password)

    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert "Try again after 15 minutes." in response.content.decode()
    assert logged_in_as(client) is None
    assert not AuditEvent.objects.filter(verb="auth.login").exists()


def test_lockout_ends_after_cool_off(client, focal_point, password):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            log_in(client, "focal", "wrong-password")
        assert log_in(client, "focal", password).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=16), tick=False):
        assert log_in(client, "focal", password).status_code == 302
    assert logged_in_as(client) == focal_point.pk


def test_unlocked_login_works_at_once(client, focal_point, home_affairs_officer, password):
    for _ in range(5):
        log_in(client, "focal", "wrong-password")
    services.unlock_user("focal", by=home_affairs_officer)
    assert log_in(client, "focal", password).status_code == 302


def test_logout_is_post_only(client, focal_point):
    client.force_login(focal_point)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response["Location"] == reverse("accounts:login")
    assert logged_in_as(client) is None
    assert AuditEvent.objects.get(verb="auth.logout").actor == focal_point


# API tokens -------------------------------------------------------------------------------


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def assert_unauthenticated(response) -> None:
    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": "unauthenticated",
            "message": "Log in or send an API token.",
            "details": [],
        }
    }


def test_valid_token_authenticates(client, focal_point):
    token, raw = services.create_api_token(focal_point, name="x")
    response = client.get(ME, **bearer(raw))
    assert response.status_code == 200
    assert response.json()["username"] == "focal"
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_revoked_token_is_refused(client, focal_point):
    token, raw = services.create_api_token(focal_point, name="x")
    services.revoke_api_token(token, by=focal_point)
    assert_unauthenticated(client.get(ME, **bearer(raw)))


def test_expired_token_is_refused(client, focal_point):
    expires = timezone.now() + datetime.timedelta(days=1)
    _token, raw = services.create_api_token(focal_point, name="x", expires_at=expires)
    assert client.get(ME, **bearer(raw)).status_code == 200
    with time_machine.travel(expires + datetime.timedelta(seconds=1), tick=False):
        assert_unauthenticated(client.get(ME, **bearer(raw)))


@pytest.mark.parametrize("raw", ["garbage", "cchc_not-a-real-token", ""])
def test_garbage_token_is_refused(client, focal_point, raw):
    assert_unauthenticated(client.get(ME, **bearer(raw)))


def test_no_credentials_is_refused(client):
    assert_unauthenticated(client.get(ME))


def test_token_of_deactivated_person_is_refused(client, focal_point, home_affairs_officer):
    _token, raw = services.create_api_token(focal_point, name="x")
    services.set_user_active(focal_point, active=False, by=home_affairs_officer)
    assert_unauthenticated(client.get(ME, **bearer(raw)))


def test_only_the_hash_is_stored(client, focal_point):
    client.force_login(focal_point)
    response = client.post(reverse("accounts:token-create"), {"name": "Một cửa"})
    raw = response.context["new_token_value"]
    with connection.cursor() as cursor:
        stored = []
        for table in ("accounts_apitoken", "accounts_historicalapitoken", "core_auditevent"):
            cursor.execute(f"SELECT * FROM {table}")
            stored.extend(cursor.fetchall())
    assert stored
    assert raw not in repr(stored)
    assert raw[len("cchc_") :] not in repr(stored)
