"""PAR Index API: rounds."""

from ._common import router  # noqa: F401
