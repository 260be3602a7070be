"""Load An Giang's units and their 2025 mergers from the versioned reference file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from cchc.units.reference_data import Counts, load_reference_data

REFERENCE_FILE = "an_giang_units.json"


class Command(BaseCommand):
    help = "Create or update An Giang's units and succession links (safe to re-run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file",
            type=Path,
            default=None,
            help=f"Reference file (default: DOMAIN_REFERENCE_DIR/{REFERENCE_FILE}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"] or Path(settings.DOMAIN_REFERENCE_DIR) / REFERENCE_FILE
        result = load_reference_data(path)
        self.stdout.write(self._line("Units", result.units))
        self.stdout.write(self._line("Succession links", result.links))

    @staticmethod
    def _line(label: str, counts: Counts) -> str:
        return (
            f"{label}: {counts.created} created, {counts.updated} updated, "
            f"{counts.unchanged} unchanged"
        )
