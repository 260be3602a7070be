"""Background work of the shared kernel. Tasks only call Django or a service."""

from __future__ import annotations

from celery import shared_task
from django.core import mail


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(subject: str, body: str, recipients: list[str]) -> int:
    """Send one plain-text e-mail; retried when the mail server cannot be reached."""
    return mail.send_mail(subject, body, None, recipients, fail_silently=False)
