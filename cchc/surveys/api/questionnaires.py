"""Surveys API: questionnaires (being written)."""

from ._common import router  # noqa: F401
