"""The PAR Index API: the same services, querysets and permission rules as the pages."""

from . import results, rounds, sets, sheets  # noqa: F401  (register the endpoints)
from ._common import router

__all__ = ["router"]
