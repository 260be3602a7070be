"""Write operations of the shared kernel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction

from .audit import record_event
from .models import Attachment
from .tasks import send_email
from .uploads import DOCUMENT_KINDS, check_upload

if TYPE_CHECKING:
    from cchc.accounts.models import User


@transaction.atomic
def store_attachment(
    owner: models.Model,
    upload: UploadedFile,
    *,
    by: User,
    description: str = "",
    kinds: frozenset[str] = DOCUMENT_KINDS,
) -> Attachment:
    """Check `upload` by content and size, store it under a random name, attach it to `owner`."""
    checked = check_upload(upload, kinds=kinds)
    attachment = Attachment(
        owner=owner,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        description=description,
        uploaded_by=by,
    )
    upload.seek(0)
    attachment.file.save(checked.name, upload, save=False)
    attachment.save()
    record_event(
        owner,
        "attachment.added",
        by=by,
        data={"attachment": attachment.pk, "file": checked.name, "sha256": checked.sha256},
    )
    return attachment


def queue_email(subject: str, body: str, recipients: list[str]) -> None:
    """Send an e-mail in the background once the current transaction commits.

    Nothing is sent when the transaction rolls back. Without a broker the task runs inline.
    """
    to = sorted({r for r in recipients if r})
    if not to:
        return
    transaction.on_commit(lambda: send_email.delay(str(subject), str(body), to))
