"""Surveys API: public (being written)."""

from ._common import router  # noqa: F401
