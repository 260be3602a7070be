"""PAR Index API: sets."""

from ._common import router  # noqa: F401
