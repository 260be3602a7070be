"""PAR Index API: results."""

from ._common import router  # noqa: F401
