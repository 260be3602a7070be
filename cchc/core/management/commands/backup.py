"""`manage.py backup [--output PATH]`: one archive with every row and stored file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cchc.core.backup import BackupError, create_backup, default_backup_path, describe


class Command(BaseCommand):
    help = "Write a backup archive (.tar.gz) with every database row and stored file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            help="Archive to write (default: var/backups/cchc-backup-<time>.tar.gz).",
        )
        parser.add_argument("--database", default="default", help="Database alias to back up.")

    def handle(self, *args: Any, output: Path | None, database: str, **options: Any) -> None:
        path = output or default_backup_path()
        try:
            manifest = create_backup(path, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["counts"].values())
        files = sum(1 for name in manifest["files"] if name.startswith("media/"))
        summary = _("%(archive)s: %(backup)s; %(rows)s rows, %(files)s files.") % {
            "archive": path,
            "backup": describe(manifest),
            "rows": rows,
            "files": files,
        }
        self.stdout.write(self.style.SUCCESS(summary))
