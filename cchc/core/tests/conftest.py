"""Fixtures shared by the core tests."""

from .matrix_world import world  # noqa: F401 - the permission matrix's world, as a fixture
