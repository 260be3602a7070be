"""Load the An Giang demo plans (Plan 664, the 2024 plan, a current-year plan), idempotently.

Run after `load_reference_data` and `load_demo_data`. A second run changes nothing.
Refuses when DEBUG is off unless --force is given: never run it on a production database.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cchc.plans.demo import DemoError, load_demo_plans


class Command(BaseCommand):
    help = "Create the demo reform plans, tasks and progress for An Giang; safe to run again."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Demo data is for development databases (DEBUG=1) only.")
        started = time.monotonic()
        try:
            result = load_demo_plans()
        except DemoError as error:
            raise CommandError(str(error)) from error
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Demo plans: {len(result.created)} created, {len(result.skipped)} already there "
            f"({elapsed:.1f} s)."
        )
        for line in result.lines:
            self.stdout.write(f"  {line}")
