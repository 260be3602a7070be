"""Load the An Giang demo satisfaction surveys (questionnaires, two closed campaigns, one open).

Run after `load_reference_data`; a second run changes nothing. Refuses when DEBUG is off
unless --force is given.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cchc.surveys.demo import DemoError, load_demo_surveys


class Command(BaseCommand):
    help = "Create the demo satisfaction surveys for An Giang; safe to run again."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Demo data is for development databases (DEBUG=1) only.")
        started = time.monotonic()
        try:
            result = load_demo_surveys()
        except DemoError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Demo surveys: {len(result.created)} created, {len(result.skipped)} already "
            f"there ({time.monotonic() - started:.1f} s)."
        )
        for line in result.created:
            self.stdout.write(f"  + {line}")
