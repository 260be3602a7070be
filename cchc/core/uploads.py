"""Upload checks shared by the whole app: type by content, size, and archive bombs.

A file's kind is decided by what its bytes are, never by its name alone; the name's
extension must agree with the content. Office Open XML files are ZIP archives and are
inspected (and checked for decompression bombs) before any parser opens them.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

# kind → (MIME type, accepted extensions)
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "pdf": ("application/pdf", (".pdf",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (".pptx",),
    ),
    "png": ("image/png", (".png",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "csv": ("text/csv", (".csv",)),
    "txt": ("text/plain", (".txt",)),
}
DOCUMENT_KINDS = frozenset({"pdf", "docx", "xlsx", "pptx", "png", "jpeg"})
SPREADSHEET_KINDS = frozenset({"xlsx", "csv"})

MAX_ARCHIVE_MEMBERS = 10_000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200


class UploadRejected(ValueError):
    """The file cannot be accepted; the message says why, in the user's language."""


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    content_type: str
    size: int
    sha256: str
    name: str


def _head(f: IO[bytes], n: int = 8192) -> bytes:
    f.seek(0)
    data = f.read(n)
    f.seek(0)
    return data


def check_archive(f: IO[bytes], name: str) -> zipfile.ZipFile:
    """Open a ZIP container safely, refusing bombs (too many members, too large, too dense)."""
    try:
        archive = zipfile.ZipFile(f)
    except zipfile.BadZipFile as exc:
        raise UploadRejected(
            _("%(name)s: the file is damaged or not a real Office file.") % {"name": name}
        ) from exc
    infos = archive.infolist()
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if len(infos) > MAX_ARCHIVE_MEMBERS or total > MAX_UNCOMPRESSED_BYTES:
        raise UploadRejected(
            _("%(name)s: the file expands to more than is allowed.") % {"name": name}
        )
    if total / packed > MAX_COMPRESSION_RATIO:
        raise UploadRejected(
            _("%(name)s: the file is compressed suspiciously densely (a ZIP bomb?).")
            % {"name": name}
        )
    return archive


def _ooxml_kind(f: IO[bytes], name: str) -> str | None:
    archive = check_archive(f, name)
    members = set(archive.namelist())
    f.seek(0)
    if "[Content_Types].xml" not in members:
        return None
    if "word/document.xml" in members:
        return "docx"
    if "xl/workbook.xml" in members:
        return "xlsx"
    if "ppt/presentation.xml" in members:
        return "pptx"
    return None


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character may be cut at the end of the sample.
        return exc.start >= len(head) - 3
    return True


def sniff(f: IO[bytes], name: str) -> str | None:
    """Return the kind the content shows, or None when it is none we know."""
    head = _head(f)
    if head.startswith(b"PK\x03\x04"):
        return _ooxml_kind(f, name)
    guess = filetype.guess(head)
    if guess is not None:
        return {"pdf": "pdf", "png": "png", "jpg": "jpeg"}.get(guess.extension)
    if _is_text(head):
        return "csv" if PurePath(name).suffix.lower() == ".csv" else "txt"
    return None


def _sha256(f: IO[bytes]) -> str:
    digest = hashlib.sha256()
    f.seek(0)
    for chunk in iter(lambda: f.read(1024 * 1024), b""):
        digest.update(chunk)
    f.seek(0)
    return digest.hexdigest()


def check_upload(
    upload: UploadedFile, *, kinds: frozenset[str], max_bytes: int | None = None
) -> CheckedFile:
    """Check an uploaded file's size and content; return what it is or raise UploadRejected."""
    name = PurePath(upload.name or "file").name
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise UploadRejected(
            _("%(name)s: the file is %(size)s MB; the limit is %(limit)s MB.")
            % {
                "name": name,
                "size": f"{upload.size / 1048576:.1f}",
                "limit": f"{limit / 1048576:.1f}",
            }
        )
    if not upload.size:
        raise UploadRejected(_("%(name)s: the file is empty.") % {"name": name})
    kind = sniff(upload.file, name)
    allowed = ", ".join(sorted(ext for k in kinds for ext in KINDS[k][1]))
    if kind not in kinds:
        raise UploadRejected(
            _("%(name)s: this type of file is not accepted here (allowed: %(allowed)s).")
            % {"name": name, "allowed": allowed}
        )
    if PurePath(name).suffix.lower() not in KINDS[kind][1]:
        raise UploadRejected(
            _("%(name)s: the file name's extension does not match its content (%(kind)s).")
            % {"name": name, "kind": kind.upper()}
        )
    return CheckedFile(
        kind=kind,
        content_type=KINDS[kind][0],
        size=upload.size,
        sha256=_sha256(upload.file),
        name=name,
    )
