"""Back up and restore a whole cchc installation: every database row and every stored file.

One archive (``.tar.gz``) holds:

``manifest.json``
    format version, cchc version, creation time, database vendor, the migrations applied
    per app, the number of rows per model, and the SHA-256 of every other member;
``data.json``
    every row of every backed-up model, in Django's JSON serialisation (the format
    ``loaddata`` reads), primary keys included, so links between rows survive;
``media/<name>``
    every file a row points to (attachments and any other ``FileField``), read through the
    configured storage (file system or S3) under the same name it is stored with.

Left out on purpose:

- ``contenttypes.ContentType`` and ``auth.Permission``: ``migrate`` creates them in the
  target database, possibly with other ids. Rows pointing to them are written with natural
  keys (``["units", "unit"]``, ``["view_unit", "units", "unit"]``) and find the target's rows.
- ``sessions.Session``: restoring sessions would log people back in on another server.
- django-axes (lockout counters and access logs): short-lived security state; the audit trail
  keeps logins, logouts and failed logins for good.

The manifest's checksums detect damage and tampering with the members; the archive holds
password hashes and personal data, so it is written readable by its owner only and must be
kept like the database itself.

Restoring needs an empty, fully migrated database at the very migrations of the backup. It
loads all rows in one transaction (``loaddata`` inserts only, so the audit trail's
append-only trigger does not object) and writes the files back; any failure leaves the
database unchanged and removes the files it wrote.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import tarfile
import tempfile
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.serializers.json import Serializer as JsonSerializer
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA = "data.json"
MEDIA_PREFIX = "media/"

EXCLUDED_APPS = frozenset({"contenttypes", "sessions", "axes"})
EXCLUDED_MODELS = frozenset({"auth.permission"})
# Rows of these models are recreated by `migrate`; references to them use natural keys.
NATURAL_KEY_MODELS = (ContentType, Permission)

CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why."""


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    rows: int
    files: int


def cchc_version() -> str:
    """The installed cchc version, or the one in pyproject.toml when run from a checkout."""
    try:
        return metadata.version("cchc")
    except metadata.PackageNotFoundError:
        pyproject = Path(settings.BASE_DIR) / "pyproject.toml"
        with pyproject.open("rb") as f:
            return str(tomllib.load(f)["project"]["version"])


def backed_up_models() -> list[type[models.Model]]:
    """Every concrete, managed model whose rows a backup holds, in app order."""
    chosen = []
    for app_config in apps.get_app_configs():
        if app_config.label in EXCLUDED_APPS:
            continue
        for model in app_config.get_models():
            meta = model._meta
            if meta.proxy or not meta.managed or meta.label_lower in EXCLUDED_MODELS:
                continue
            chosen.append(model)
    return chosen


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    """The migrations recorded as applied in the database, per app, sorted."""
    applied: dict[str, list[str]] = {}
    for app_label, name in MigrationRecorder(connections[using]).applied_migrations():
        applied.setdefault(app_label, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def row_counts(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.using(using).count() for model in backed_up_models()
    }


def _file_names(using: str) -> list[str]:
    """The storage names of every file a backed-up row points to."""
    names: set[str] = set()
    for model in backed_up_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                values = (
                    model._base_manager.using(using)
                    .exclude(**{field.attname: ""})
                    .exclude(**{f"{field.attname}__isnull": True})
                    .values_list(field.attname, flat=True)
                )
                names.update(values)
    return sorted(names)


class _Serializer(JsonSerializer):
    """Django's JSON serialiser, exact to the microsecond, with natural keys only for rows
    `migrate` recreates."""

    def _value_from_field(self, obj: models.Model, field: models.Field) -> Any:
        value = field.value_from_object(obj)
        # DjangoJSONEncoder rounds times to milliseconds (as JavaScript does); keep them whole.
        if isinstance(value, datetime.datetime | datetime.time):
            return value.isoformat()
        return super()._value_from_field(obj, field)

    def handle_fk_field(self, obj: models.Model, field: models.Field) -> None:
        if field.remote_field.model is ContentType:
            # Served from the content type cache: no query per row of a long audit trail.
            pk = getattr(obj, field.attname)
            self._current[field.name] = (
                ContentType.objects.get_for_id(pk).natural_key() if pk is not None else None
            )
            return
        self.use_natural_foreign_keys = issubclass(field.remote_field.model, NATURAL_KEY_MODELS)
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj: models.Model, field: models.Field) -> None:
        self.use_natural_foreign_keys = issubclass(field.remote_field.model, NATURAL_KEY_MODELS)
        super().handle_m2m_field(obj, field)


def _rows(using: str) -> Iterator[models.Model]:
    for model in backed_up_models():
        yield from model._base_manager.using(using).order_by("pk").iterator(chunk_size=2000)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_hashing(src: IO[bytes], dst: IO[bytes] | None = None) -> str:
    """Read `src` to the end (copying it to `dst` if given) and return its SHA-256."""
    digest = hashlib.sha256()
    for chunk in iter(lambda: src.read(CHUNK), b""):
        digest.update(chunk)
        if dst is not None:
            dst.write(chunk)
    return digest.hexdigest()


def _safe_name(name: str) -> str:
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or "\\" in name:
        raise BackupError(_("Unsafe file name in the archive: %(name)s") % {"name": name})
    return str(path)


def _snapshot(staging: Path, using: str) -> dict[str, Any]:
    """Write data.json and media/ into `staging` from one consistent read of the database."""
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            # One snapshot for every table, so rows written meanwhile cannot half-appear.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        with (staging / DATA).open("w", encoding="utf-8") as out:
            _Serializer().serialize(_rows(using), stream=out, use_natural_foreign_keys=True)
        checksums = {DATA: _sha256_file(staging / DATA)}
        missing = []
        for name in _file_names(using):
            target = staging / MEDIA_PREFIX / _safe_name(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with default_storage.open(name, "rb") as src, target.open("wb") as dst:
                    checksums[MEDIA_PREFIX + name] = _copy_hashing(src, dst)
            except FileNotFoundError:
                missing.append(name)
        if missing:
            raise BackupError(
                _("Stored files are missing, the backup would be incomplete: %(names)s")
                % {"names": ", ".join(missing)}
            )
        return {
            "format_version": FORMAT_VERSION,
            "cchc_version": cchc_version(),
            "created_at": timezone.now().isoformat(),
            "database_vendor": connection.vendor,
            "migrations": applied_migrations(using),
            "counts": row_counts(using),
            "files": checksums,
        }


def default_backup_path() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.BASE_DIR) / "var" / "backups" / f"cchc-backup-{stamp}.tar.gz"


def create_backup(path: Path, *, using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Write one archive with every row and file to `path`; return its manifest."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="cchc-backup-") as tmp:
        staging = Path(tmp)
        manifest = _snapshot(staging, using)
        body = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False).encode()
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(body), int(timezone.now().timestamp()), 0o600
                tar.addfile(info, io.BytesIO(body))
                for member in sorted(manifest["files"]):
                    tar.add(staging / member, arcname=member, recursive=False)
            os.replace(partial, path)
        finally:
            if partial.exists():
                partial.unlink()
    return manifest


def _unpack(path: Path, into: Path) -> dict[str, Any]:
    """Extract the archive's regular files into `into`, checking every checksum."""
    seen: dict[str, str] = {}
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            for member in tar:
                name = _safe_name(member.name)
                if not member.isfile() or name in seen:
                    raise BackupError(
                        _("Unexpected entry in the archive: %(name)s") % {"name": name}
                    )
                target = into / name
                target.parent.mkdir(parents=True, exist_ok=True)
                src = tar.extractfile(member)
                if src is None:
                    raise BackupError(
                        _("Unexpected entry in the archive: %(name)s") % {"name": name}
                    )
                with src, target.open("wb") as dst:
                    seen[name] = _copy_hashing(src, dst)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(_("The archive cannot be read: %(error)s") % {"error": exc}) from exc
    if MANIFEST not in seen:
        raise BackupError(_("The archive has no manifest.json; it is not a cchc backup."))
    try:
        manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
        version, expected = manifest["format_version"], manifest["files"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(_("The archive's manifest.json cannot be read.")) from exc
    if version != FORMAT_VERSION:
        raise BackupError(
            _("This archive has format version %(found)s; this cchc reads version %(ours)s.")
            % {"found": version, "ours": FORMAT_VERSION}
        )
    del seen[MANIFEST]
    damaged = sorted(
        name for name in expected.keys() | seen.keys() if seen.get(name) != expected.get(name)
    )
    if damaged or DATA not in expected:
        raise BackupError(
            _("The archive is damaged or was changed (checksum mismatch: %(names)s).")
            % {"names": ", ".join(damaged) or DATA}
        )
    return manifest


def _check_target(manifest: dict[str, Any], using: str) -> None:
    connection = connections[using]
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise BackupError(
            _("The database is not fully migrated. Run `manage.py migrate` first, then restore.")
        )
    ours = applied_migrations(using)
    if ours != manifest.get("migrations"):
        theirs = manifest.get("migrations") or {}
        differ = sorted(
            app for app in ours.keys() | theirs.keys() if ours.get(app) != theirs.get(app)
        )
        raise BackupError(
            _(
                "The backup was made at other migrations (apps: %(apps)s). Restore it with the "
                "cchc version that made it (%(version)s), then upgrade."
            )
            % {"apps": ", ".join(differ), "version": manifest.get("cchc_version", "?")}
        )
    filled = [label for label, count in row_counts(using).items() if count]
    if filled:
        raise BackupError(
            _("The database already holds cchc data (%(models)s). Restore only into an empty one.")
            % {"models": ", ".join(filled)}
        )


def _check_file_targets(names: list[str], unpacked: Path) -> list[str]:
    """Return the names still to write; refuse when storage holds a different file there."""
    to_write = []
    for name in names:
        if not default_storage.exists(name):
            to_write.append(name)
            continue
        with default_storage.open(name, "rb") as existing:
            if _copy_hashing(existing) != _sha256_file(unpacked / MEDIA_PREFIX / name):
                raise BackupError(
                    _("A different file is already stored as %(name)s.") % {"name": name}
                )
    return to_write


def restore_backup(path: Path, *, using: str = DEFAULT_DB_ALIAS) -> RestoreResult:
    """Load a backup archive into an empty database and write its files back."""
    with tempfile.TemporaryDirectory(prefix="cchc-restore-") as tmp:
        unpacked = Path(tmp)
        manifest = _unpack(Path(path), unpacked)
        _check_target(manifest, using)
        names = [
            member.removeprefix(MEDIA_PREFIX)
            for member in manifest["files"]
            if member.startswith(MEDIA_PREFIX)
        ]
        to_write = _check_file_targets(names, unpacked)
        written: list[str] = []
        try:
            with transaction.atomic(using=using):
                call_command("loaddata", str(unpacked / DATA), database=using, verbosity=0)
                counts = row_counts(using)
                if counts != manifest["counts"]:
                    raise BackupError(_("The restored row counts differ from the manifest."))
                for name in to_write:
                    with (unpacked / MEDIA_PREFIX / name).open("rb") as f:
                        stored = default_storage.save(name, File(f, name=name))
                    written.append(stored)
                    if stored != name:
                        raise BackupError(
                            _("The storage renamed %(name)s; it cannot be restored in place.")
                            % {"name": name}
                        )
        except BaseException:
            for name in written:
                default_storage.delete(name)
            raise
        return RestoreResult(manifest=manifest, rows=sum(counts.values()), files=len(names))


def describe(manifest: dict[str, Any]) -> str:
    created = datetime.datetime.fromisoformat(manifest["created_at"])
    return _("cchc %(version)s backup of %(created)s from %(vendor)s") % {
        "version": manifest["cchc_version"],
        "created": timezone.localtime(created).strftime("%d/%m/%Y %H:%M"),
        "vendor": manifest["database_vendor"],
    }


__all__ = [
    "BackupError",
    "RestoreResult",
    "backed_up_models",
    "create_backup",
    "default_backup_path",
    "describe",
    "restore_backup",
]
