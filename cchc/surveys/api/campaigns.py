"""Surveys API: campaigns (being written)."""

from ._common import router  # noqa: F401
