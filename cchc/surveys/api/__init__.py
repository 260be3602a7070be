"""The surveys API: the same services, querysets and permission rules as the pages."""

from . import campaigns, entry, public, questionnaires, results  # noqa: F401  (endpoints)
from ._common import router

__all__ = ["router"]
