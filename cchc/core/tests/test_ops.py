"""Operations: health check, production settings, security headers and logs.

The production checks run `manage.py` or Python in a subprocess with a complete,
explicit environment: manage.py reads `.env`, but values already in the environment win,
so every variable `.env` might hold is set here to its production value.
"""

from __future__ import annotations

import json
import os
import secrets
import string
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError, connections
from django.urls import reverse

BASE_DIR = Path(django_settings.BASE_DIR)
DEV_SECRET_KEY = "dev-insecure-cchc-secret-key-change-me-in-production"


def random_secret() -> str:
    alphabet = string.ascii_letters + string.digits + "!#%&()*+,-./:;<=>?@[]^_{|}~"
    return "".join(secrets.choice(alphabet) for _ in range(60))


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """Every variable of .env.example, set as a production server would set it."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": random_secret(),
        "ALLOWED_HOSTS": "cchc.example.gov.vn",
        "CSRF_TRUSTED_ORIGINS": "https://cchc.example.gov.vn",
        "SITE_URL": "https://cchc.example.gov.vn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cchc.sqlite3'}",
        "DB_CONN_MAX_AGE": "60",
        "SECURE_COOKIES": "1",
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
        "SECURE_HSTS_PRELOAD": "0",
        "BEHIND_TLS_PROXY": "1",
        "PROXY_COUNT": "1",
        "LOGIN_FAILURE_LIMIT": "5",
        "LOGIN_COOLOFF_HOURS": "0.25",
        "PASSWORD_MIN_LENGTH": "12",
        "SESSION_COOKIE_AGE": "28800",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "UPLOAD_MAX_BYTES": "20971520",
        "IMPORT_MAX_BYTES": "5242880",
        "SURVEY_RATE_LIMIT": "20/600",
        "SURVEY_MAX_BODY": "32768",
        "FILE_STORAGE_BACKEND": "django.core.files.storage.FileSystemStorage",
        "S3_BUCKET": "",
        "S3_ENDPOINT_URL": "",
        "S3_ACCESS_KEY_ID": "",
        "S3_SECRET_ACCESS_KEY": "",
        "S3_REGION": "",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.gov.vn",
        "EMAIL_PORT": "587",
        "EMAIL_HOST_USER": "cchc",
        "EMAIL_HOST_PASSWORD": "not-a-real-password",
        "EMAIL_USE_TLS": "1",
        "EMAIL_USE_SSL": "0",
        "EMAIL_TIMEOUT": "20",
        "DEFAULT_FROM_EMAIL": "cchc@example.gov.vn",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "CELERY_RESULT_BACKEND": "",
        "CACHE_URL": "",
        "PROVINCE_NAME": "An Giang",
        "DOMAIN_REFERENCE_DIR": "cchc/units/reference",
        "LOG_LEVEL": "INFO",
        "LOG_FORMAT": "json",
    }
    env.update(overrides)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def settings_in(env: dict[str, str], *names: str) -> dict[str, object]:
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    done = run(["-c", code], env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- health -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_reports_ok(client):
    response = client.get(reverse("core:healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_reports_an_unreachable_database(client):
    failing = OperationalError("could not connect to server")
    with mock.patch.object(connections["default"], "cursor", side_effect=failing):
        response = client.get(reverse("core:healthz"))

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}


# --- production settings ---------------------------------------------------------------------


def test_production_environment_covers_every_documented_variable(tmp_path):
    example = BASE_DIR / ".env.example"
    if not example.exists():
        pytest.skip(".env.example is not in this checkout")
    documented = {
        line.split("=", 1)[0].strip()
        for line in example.read_text(encoding="utf-8").splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    }

    assert documented - production_env(tmp_path).keys() == set()


def test_deploy_check_passes_without_warnings(tmp_path):
    done = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path)
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout
    assert "WARNING" not in done.stdout + done.stderr
    assert "security." not in done.stdout + done.stderr


def test_deploy_check_passes_with_the_defaults_of_a_minimal_environment(tmp_path):
    """DEBUG off, a real secret and a host name are enough for secure defaults."""
    minimal = production_env(tmp_path)
    for name in list(minimal):
        if name.startswith(("SECURE_", "BEHIND_", "SESSION_")):
            del minimal[name]
    # manage.py would fill the removed names from .env; settings alone use the defaults.
    code = (
        "import sys, django; django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')"
    )

    done = run(["-c", code], minimal)

    assert done.returncode == 0, done.stdout + done.stderr


def test_the_app_refuses_to_start_with_the_development_secret(tmp_path):
    env = production_env(tmp_path, SECRET_KEY=DEV_SECRET_KEY)

    done = run(["manage.py", "check"], env)

    assert done.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set when DEBUG is off." in done.stderr


def test_cookies_are_secure_in_production(tmp_path):
    names = (
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "LANGUAGE_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "X_FRAME_OPTIONS",
    )
    env = production_env(tmp_path)
    for name in ("SECURE_COOKIES", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"):
        del env[name]  # the defaults with DEBUG off, not values set by hand

    values = settings_in(env, *names)

    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "LANGUAGE_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "X_FRAME_OPTIONS": "DENY",
    }


def test_media_and_static_roots_are_apart_in_production(tmp_path):
    values = settings_in(production_env(tmp_path), "MEDIA_ROOT", "STATIC_ROOT", "MEDIA_URL")

    media, static = Path(str(values["MEDIA_ROOT"])), Path(str(values["STATIC_ROOT"]))
    assert not media.is_relative_to(static)
    assert not static.is_relative_to(media)


def test_log_lines_are_json(tmp_path):
    code = (
        "import django, logging; django.setup(); log = logging.getLogger('cchc.ops'); "
        "log.warning('Xin chào %s', 'An Giang', extra={'unit': 'STP'}); "
        "exec('try:\\n 1/0\\nexcept ZeroDivisionError:\\n log.exception(\"failed\")')"
    )

    done = run(["-c", code], production_env(tmp_path, LOG_FORMAT="json"))

    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.strip()]
    assert [(e["level"], e["logger"], e["message"]) for e in lines] == [
        ("WARNING", "cchc.ops", "Xin chào An Giang"),
        ("ERROR", "cchc.ops", "failed"),
    ]
    assert lines[0]["unit"] == "STP"
    assert "time" in lines[0]
    assert "ZeroDivisionError" in lines[1]["exc_info"]


# --- headers ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy(client):
    response = client.get(reverse("admin:login"))

    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_setup_demo_is_idempotent_and_ends_with_the_logins(settings):
    import io

    from django.core.management import call_command

    from cchc.accounts.models import User
    from cchc.plans.models import Assignment

    settings.DEBUG = True
    first = io.StringIO()
    call_command("setup_demo", stdout=first)
    counts = (User.objects.count(), Assignment.objects.count())
    second = io.StringIO()
    call_command("setup_demo", stdout=second)
    assert (User.objects.count(), Assignment.objects.count()) == counts
    assert "Demo people: 0 created" in second.getvalue()
    last_lines = second.getvalue().strip().splitlines()[-8:]
    assert [line.split()[0] for line in last_lines] == [
        "admin",
        "secretariat",
        "focal_point",
        "unit_leader",
        "appraiser",
        "council_member",
        "leader",
        "focal_chaudoc",
    ]
