"""Vietnamese by default, English complete, dates dd/mm/yyyy in both."""

from __future__ import annotations

import datetime
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template import engines
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def test_vietnamese_catalogue_is_complete():
    catalogue = polib.pofile(str(CATALOGUE))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []
    assert len(catalogue.translated_entries()) > 100


def test_placeholders_survive_translation():
    catalogue = polib.pofile(str(CATALOGUE))
    broken = []
    for entry in catalogue.translated_entries():
        for token in ("%(name)s", "%(row)s", "%(column)s", "%(count)s", "%(limit)s"):
            if token in entry.msgid and token not in (
                entry.msgstr or entry.msgstr_plural.get(0, "")
            ):
                broken.append(entry.msgid)
    assert broken == []


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_are_written_day_month_year(language):
    template = engines["django"].from_string("{{ d|date:'SHORT_DATE_FORMAT' }} {{ d }}")
    with translation.override(language):
        rendered = template.render({"d": datetime.date(2025, 7, 1)})
    assert rendered == "01/07/2025 01/07/2025"


def test_default_language_is_vietnamese(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    assert "Đăng nhập" in response.content.decode()


def test_english_is_selectable(client):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/accounts/login/"}, follow=True
    )
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert "Log in" in response.content.decode()


def test_pages_stay_vietnamese_for_an_english_browser(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "vi"
    assert "Đăng nhập" in response.content.decode()


def test_api_clients_may_ask_for_english_errors(client):
    english = client.get("/api/accounts/me", HTTP_ACCEPT_LANGUAGE="en")
    vietnamese = client.get("/api/accounts/me")
    assert english.status_code == vietnamese.status_code == 401
    assert english.json()["error"]["message"] == "Log in or send an API token."
    assert vietnamese.json()["error"]["message"] != english.json()["error"]["message"]
