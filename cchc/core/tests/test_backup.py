"""Backup and restore: every row of every model and every stored file come back exactly."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models

from cchc.accounts.roles import Role
from cchc.accounts.tests.factories import make_user
from cchc.core.audit import record_event
from cchc.core.backup import backed_up_models, row_counts
from cchc.core.models import Attachment, AuditEvent
from cchc.core.services import store_attachment
from cchc.core.tests.files import make_pdf
from cchc.units.models import Unit
from cchc.units.tests.factories import make_unit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("english")]


def _value(obj: models.Model, field: models.Field) -> Any:
    """A field's value, with references to migrate-made rows (content types) by natural key."""
    if field.is_relation and field.related_model is ContentType:
        ct = getattr(obj, field.name)
        return ct.natural_key() if ct is not None else None
    return getattr(obj, field.attname)


def _everything() -> dict[str, list[tuple]]:
    """Every row of every backed-up model, field by field, many-to-many links included."""
    snapshot = {}
    for model in backed_up_models():
        fields = model._meta.concrete_fields
        m2m = model._meta.many_to_many
        rows = []
        for obj in model._base_manager.order_by("pk"):
            row = [(f.name, _value(obj, f)) for f in fields]
            for f in m2m:
                related = getattr(obj, f.name).all()
                if f.related_model is Permission:
                    row.append((f.name, sorted(p.natural_key() for p in related)))
                else:
                    row.append((f.name, sorted(r.pk for r in related)))
            rows.append(tuple(row))
        snapshot[model._meta.label] = rows
    return snapshot


@pytest.fixture
def installation() -> dict[str, Any]:
    """A small but complete installation: a tree, people with roles, history, a file."""
    province = make_unit("Tỉnh An Giang", kind=Unit.Kind.PROVINCE, code="AG")
    department = make_unit("Sở Tư pháp", parent=province, code="STP")
    make_unit("Thành phố Long Xuyên", kind=Unit.Kind.DISTRICT, parent=province, code="883")
    department.notes = "Đã kiểm tra"
    department.save(update_fields=["notes"])
    admin = make_user("admin", roles=[(Role.ADMIN, province)], is_staff=True)
    focal = make_user("focal", roles=[(Role.FOCAL_POINT, department)])
    group = Group.objects.create(name="Thư ký")
    group.permissions.add(Permission.objects.get(codename="view_unit"))
    focal.groups.add(group)
    focal.user_permissions.add(Permission.objects.get(codename="change_unit"))
    content = make_pdf()
    attachment = store_attachment(
        department,
        SimpleUploadedFile("kế-hoạch.pdf", content, content_type="application/pdf"),
        by=admin,
    )
    record_event(department, "unit.checked", by=admin, data={"note": "ổn"})
    return {"attachment": attachment, "content": content}


def test_restore_brings_back_every_row_and_file(installation, tmp_path, settings):
    archive = tmp_path / "cchc.tar.gz"
    before = _everything()
    assert AuditEvent.objects.count() > 5
    assert all(before[label] for label in ("units.HistoricalUnit", "accounts.HistoricalUser"))

    call_command("backup", output=archive)
    name = installation["attachment"].file.name
    call_command("flush", interactive=False)
    assert not any(row_counts().values())
    settings.MEDIA_ROOT = str(tmp_path / "new-server-media")  # a fresh, empty file store
    assert not default_storage.exists(name)

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)

    assert "Restored" in out.getvalue()
    assert _everything() == before
    with default_storage.open(name, "rb") as f:
        assert f.read() == installation["content"]
    assert Path(default_storage.path(name)).is_relative_to(tmp_path / "new-server-media")


def test_archive_holds_a_manifest_data_and_files(installation, tmp_path):
    archive = tmp_path / "cchc.tar.gz"

    call_command("backup", "--output", str(archive), stdout=io.StringIO())

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
        data = json.load(tar.extractfile("data.json"))
    attachment = installation["attachment"]
    assert names[0] == "manifest.json"
    assert set(names) == {"manifest.json", "data.json", f"media/{attachment.file.name}"}
    assert set(manifest["files"]) == set(names) - {"manifest.json"}
    assert manifest["format_version"] == 1
    assert manifest["database_vendor"] == connection.vendor
    assert "0002_auditevent_append_only" in manifest["migrations"]["core"]
    assert manifest["counts"]["units.Unit"] == 3
    assert manifest["counts"]["core.Attachment"] == 1
    labels = {row["model"] for row in data}
    assert "contenttypes.contenttype" not in labels
    assert "auth.permission" not in labels
    assert "sessions.session" not in labels
    stored = next(row for row in data if row["model"] == "core.attachment")
    assert stored["fields"]["owner_type"] == ["units", "unit"]
    assert archive.stat().st_mode & 0o077 == 0


def test_restore_refuses_a_database_that_holds_data(installation, tmp_path):
    archive = tmp_path / "cchc.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    before = _everything()

    with pytest.raises(CommandError, match="already holds cchc data"):
        call_command("restore", str(archive))

    assert _everything() == before


def _rewrite(archive: Path, target: Path, change: dict[str, Any]) -> None:
    """Copy an archive, replacing some members' bytes (the manifest is kept unless replaced)."""
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read()
            data = change[member.name](data) if member.name in change else data
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))


def test_restore_refuses_a_tampered_archive(installation, tmp_path):
    archive, tampered = tmp_path / "cchc.tar.gz", tmp_path / "tampered.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    _rewrite(archive, tampered, {"data.json": lambda b: b.replace(b'"STP"', b'"STX"')})
    call_command("flush", interactive=False)

    with pytest.raises(CommandError, match=r"checksum mismatch: data\.json"):
        call_command("restore", str(tampered))

    assert not any(row_counts().values())


def test_restore_refuses_other_migrations_and_format_versions(installation, tmp_path):
    archive = tmp_path / "cchc.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    call_command("flush", interactive=False)

    def older(data: bytes) -> bytes:
        manifest = json.loads(data)
        manifest["migrations"]["core"].remove("0002_auditevent_append_only")
        return json.dumps(manifest).encode()

    def future(data: bytes) -> bytes:
        return json.dumps({**json.loads(data), "format_version": 99}).encode()

    _rewrite(archive, tmp_path / "older.tar.gz", {"manifest.json": older})
    _rewrite(archive, tmp_path / "future.tar.gz", {"manifest.json": future})

    with pytest.raises(CommandError, match=r"other migrations \(apps: core\)"):
        call_command("restore", str(tmp_path / "older.tar.gz"))
    with pytest.raises(CommandError, match="format version 99"):
        call_command("restore", str(tmp_path / "future.tar.gz"))
    assert not any(row_counts().values())


def test_restore_refuses_an_unmigrated_database(installation, tmp_path):
    archive = tmp_path / "cchc.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    call_command("flush", interactive=False)
    call_command("migrate", "core", "0001", verbosity=0, interactive=False)
    try:
        with pytest.raises(CommandError, match="not fully migrated"):
            call_command("restore", str(archive))
    finally:
        call_command("migrate", verbosity=0, interactive=False)


def test_attachment_rows_and_files_agree_after_restore(installation, tmp_path, settings):
    archive = tmp_path / "cchc.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    call_command("flush", interactive=False)
    settings.MEDIA_ROOT = str(tmp_path / "elsewhere")

    call_command("restore", str(archive), stdout=io.StringIO())

    attachment = Attachment.objects.get()
    assert attachment.owner == Unit.objects.get(code="STP")
    with attachment.file.open("rb") as f:
        assert f.read() == installation["content"]
