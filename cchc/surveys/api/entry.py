"""Surveys API: entry (being written)."""

from ._common import router  # noqa: F401
