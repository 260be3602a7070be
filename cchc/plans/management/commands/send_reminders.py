"""`manage.py send_reminders [--date dd/mm/yyyy]`: the daily reminder job, for cron."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cchc.plans.reminders import send_reminders


def _date(text: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text, "%d/%m/%Y").date()  # noqa: DTZ007
    except ValueError as exc:
        raise CommandError(_("Enter the date as dd/mm/yyyy, e.g. 31/03/2024.")) from exc


class Command(BaseCommand):
    help = "Send today's deadline reminders (idempotent: a second run sends nothing again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Run as if today were this day (dd/mm/yyyy).")

    def handle(self, *args: Any, date: str | None, **options: Any) -> None:
        run = send_reminders(today=_date(date) if date else None)
        summary = _(
            "Reminders sent: %(sent)s (escalated to heads of unit: %(escalated)s); "
            "e-mails failed: %(failed)s; skipped: %(skipped)s."
        ) % {
            "sent": run.sent,
            "escalated": run.escalated,
            "failed": run.failed,
            "skipped": run.skipped,
        }
        self.stdout.write(self.style.SUCCESS(summary))
