"""Every test of this app asserts the English msgids (see the root `english` fixture)."""

import pytest


@pytest.fixture(autouse=True)
def _in_english(english):
    """Run each test with the interface in English."""
