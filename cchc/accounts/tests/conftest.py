"""Every test of this app asserts the English msgids (see the root `english` fixture)."""

import pytest


@pytest.fixture(autouse=True)
def _in_english(english):
    """Run each test with the interface in English."""


@pytest.fixture
def manager_client(client, home_affairs_officer):
    """The client logged in as a manager of people (the secretariat)."""
    client.force_login(home_affairs_officer)
    return client
