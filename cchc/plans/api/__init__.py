"""The plans API: the same services, querysets and permission rules as the HTML pages.

One router; `plans` (plans, areas, tasks) registers its endpoints before `work`
(assignments, reports, extensions, obstacles, urging), so the order of the schema is the
order of the old single module. The schemas are in `schemas`.
"""

from . import plans, work  # noqa: F401  (register the endpoints on the router, in this order)
from ._common import PAGE, router

__all__ = ["PAGE", "router"]
