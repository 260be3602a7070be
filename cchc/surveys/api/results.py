"""Surveys API: results (being written)."""

from ._common import router  # noqa: F401
