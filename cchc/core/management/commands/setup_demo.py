"""Prepare the demo database in one process: migrate, reference data, demo people, plans,
the satisfaction surveys, the PAR Index.

`make demo` runs this before serving; each step is idempotent, so a second run changes
nothing. One process instead of four keeps a repeated `make demo` quick.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate and load the reference and demo data (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_reference_data", stdout=self.stdout, stderr=self.stderr)
        people = io.StringIO()  # ends with the logins table: print it last, where it is seen
        call_command("load_demo_data", stdout=people, stderr=self.stderr)
        call_command("load_demo_plans", stdout=self.stdout, stderr=self.stderr)
        # Surveys first: the PAR Index rounds read the units' satisfaction index when they open.
        call_command("load_demo_surveys", stdout=self.stdout, stderr=self.stderr)
        call_command("load_demo_scoring", stdout=self.stdout, stderr=self.stderr)
        self.stdout.write(people.getvalue())
