"""Read `.env` at the project root into the environment (values already set win)."""

from pathlib import Path

import environ

DOTENV = Path(__file__).resolve().parent.parent / ".env"


def read_dotenv() -> None:
    """Load `.env` if it exists; the real environment always takes precedence."""
    if DOTENV.exists():
        environ.Env.read_env(str(DOTENV), overwrite=False)
