"""Uploads are judged by their bytes and size; downloads only reach those allowed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.core.models import Attachment, AuditEvent
from cchc.core.services import store_attachment
from cchc.core.tests.files import (
    make_csv,
    make_docx,
    make_exe,
    make_pdf,
    make_png,
    make_xlsx,
    make_zip_bomb,
)
from cchc.core.uploads import (
    DOCUMENT_KINDS,
    SPREADSHEET_KINDS,
    UploadRejected,
    check_upload,
)

ALL_KINDS = DOCUMENT_KINDS | SPREADSHEET_KINDS

pytestmark = pytest.mark.usefixtures("english")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("name", "content", "kind", "content_type"),
    [
        ("ke-hoach.pdf", make_pdf(), "pdf", "application/pdf"),
        ("anh.PNG", make_png(), "png", "image/png"),
        (
            "bao-cao.docx",
            make_docx(),
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "so-lieu.xlsx",
            make_xlsx(),
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("don-vi.csv", make_csv(), "csv", "text/csv"),
    ],
)
def test_real_files_are_accepted(name, content, kind, content_type):
    checked = check_upload(upload(name, content), kinds=ALL_KINDS)

    assert checked.kind == kind
    assert checked.content_type == content_type
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.name == name


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("hoa-don.pdf", make_exe(), "this type of file is not accepted here"),
        ("anh.png", b"<!DOCTYPE html><script>alert(1)</script>", "not accepted here"),
        ("bao-cao.docx", make_pdf(), r"does not match its content \(PDF\)"),
        ("trong.pdf", b"", "the file is empty"),
        ("so-lieu.xlsx", make_zip_bomb(), "ZIP bomb"),
    ],
    ids=["exe-as-pdf", "html-as-png", "pdf-as-docx", "empty", "zip-bomb"],
)
def test_disguised_and_dangerous_files_are_refused(name, content, reason):
    with pytest.raises(UploadRejected, match=reason):
        check_upload(upload(name, content), kinds=ALL_KINDS)


def test_html_is_refused_where_only_documents_are_accepted():
    with pytest.raises(UploadRejected, match="not accepted here"):
        check_upload(upload("trang.pdf", b"<html><body>hi</body></html>"), kinds=DOCUMENT_KINDS)


def test_files_over_the_size_limit_are_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    content = make_pdf("x" * 2000)

    with pytest.raises(UploadRejected, match=r"the limit is 0\.0 MB"):
        check_upload(upload("lon.pdf", content), kinds=ALL_KINDS)
    assert check_upload(upload("nho.pdf", make_pdf()), kinds=ALL_KINDS).kind == "pdf"


@pytest.fixture
def attachment(unit_a, admin_user) -> Attachment:
    return store_attachment(
        unit_a, upload("Kế hoạch 2026.pdf", make_pdf()), by=admin_user, description="KH"
    )


def test_stored_file_gets_a_random_name_under_media_root(attachment, settings):
    path = Path(attachment.file.path).resolve()

    assert path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert "Kế hoạch" not in attachment.file.name
    assert path.suffix == ""
    assert len(path.name) == 32
    assert path.read_bytes() == make_pdf()
    assert attachment.original_name == "Kế hoạch 2026.pdf"


def test_media_root_is_outside_static_root_in_settings():
    media = Path(django_settings.MEDIA_ROOT).resolve()
    static = Path(django_settings.STATIC_ROOT).resolve()
    assert not media.is_relative_to(static)
    assert not static.is_relative_to(media)


def test_storing_an_attachment_is_audited(attachment, unit_a, admin_user):
    event = AuditEvent.objects.for_object(unit_a).get(verb="attachment.added")

    assert event.actor == admin_user
    assert event.data["file"] == "Kế hoạch 2026.pdf"
    assert event.data["sha256"] == attachment.sha256


def test_outsider_cannot_download(client, attachment, outsider):
    client.force_login(outsider)

    response = client.get(reverse("core:attachment-download", args=[attachment.pk]))

    assert response.status_code == 404


def test_anonymous_visitor_is_sent_to_log_in(client, attachment):
    response = client.get(reverse("core:attachment-download", args=[attachment.pk]))

    assert response.status_code == 302


def test_allowed_people_download_as_an_attachment(client, attachment, focal_point):
    client.force_login(focal_point)

    response = client.get(reverse("core:attachment-download", args=[attachment.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == make_pdf()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert "Ke hoach 2026.pdf" in response["Content-Disposition"]
    assert (
        "filename*=utf-8''K%E1%BA%BF%20ho%E1%BA%A1ch%202026.pdf"
        in (response["Content-Disposition"])
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "no-store" in response["Cache-Control"]


def test_media_url_serves_nothing(client, attachment, focal_point):
    client.force_login(focal_point)

    response = client.get(django_settings.MEDIA_URL + attachment.file.name)

    assert response.status_code == 404
