"""`manage.py restore PATH`: load a backup archive into an empty, migrated database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cchc.core.backup import BackupError, describe, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup archive made by `manage.py backup` into an empty database migrated "
        "to the same migrations; rows load in one transaction, files are written back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup archive (.tar.gz).")
        parser.add_argument("--database", default="default", help="Database alias to restore into.")

    def handle(self, *args: Any, path: Path, database: str, **options: Any) -> None:
        if not path.is_file():
            raise CommandError(_("%(path)s: no such file.") % {"path": path})
        try:
            result = restore_backup(path, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        summary = _("Restored the %(backup)s: %(rows)s rows, %(files)s files.") % {
            "backup": describe(result.manifest),
            "rows": result.rows,
            "files": result.files,
        }
        self.stdout.write(self.style.SUCCESS(summary))
