"""Background work of the plans app. Tasks only call a service."""

from __future__ import annotations

from celery import shared_task

from .reminders import send_reminders


@shared_task
def send_reminders_task() -> dict[str, int]:
    """The daily reminder job (Celery beat, 07:00 Asia/Ho_Chi_Minh)."""
    run = send_reminders()
    return {
        "sent": run.sent,
        "escalated": run.escalated,
        "failed": run.failed,
        "skipped": run.skipped,
    }
