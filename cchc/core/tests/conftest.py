"""Fixtures for the core tests (requested explicitly; nothing here is autouse)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture
def english(settings) -> Iterator[None]:
    """Pages and messages in English, the language of the msgids, whatever the default is."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
