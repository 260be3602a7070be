"""PAR Index API: sheets."""

from ._common import router  # noqa: F401
