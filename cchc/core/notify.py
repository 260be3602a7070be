"""Telling people: in-app notifications (the bell) and e-mail.

Two ways to send e-mail:
- `notify()` is for services running in a request: it writes the notifications and queues
  one e-mail per person, sent by Celery after the transaction commits;
- `email_each()` is for jobs that are already in the background (the reminder job): it
  sends at once over one connection and reports who could not be reached.
A failure for one recipient never stops the others; it is logged and counted.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core import mail

from .models import Notification
from .services import queue_email

if TYPE_CHECKING:
    from cchc.accounts.models import User

logger = logging.getLogger(__name__)

TEXT_MAX = Notification._meta.get_field("text").max_length or 500
URL_MAX = Notification._meta.get_field("url").max_length or 300


def unique_people(users: Iterable[User]) -> list[User]:
    """The active people among `users`, each once, in the order given."""
    seen: set[int] = set()
    people = []
    for user in users:
        if user.pk not in seen and user.is_active:
            seen.add(user.pk)
            people.append(user)
    return people


def notify(
    users: Iterable[User],
    *,
    verb: str,
    text: str,
    url: str = "",
    email_subject: str | None = None,
    email_body: str | None = None,
) -> int:
    """Notify each active person in-app and, when a subject is given, by e-mail.

    Returns how many people were notified without error.
    """
    people = unique_people(users)
    Notification.objects.bulk_create(
        Notification(recipient=u, verb=verb, text=str(text)[:TEXT_MAX], url=url[:URL_MAX])
        for u in people
    )
    sent = 0
    for user in people:
        try:
            if email_subject is not None and user.email:
                queue_email(str(email_subject), str(email_body or text), [user.email])
        except Exception:
            logger.exception("Could not queue e-mail to user %s", user.pk)
            continue
        sent += 1
    return sent


def email_each(messages: Iterable[tuple[int, str, str, str]]) -> list[int]:
    """Send (key, address, subject, body) messages now; return the keys that failed.

    The key is the caller's own (a user id, a message number) and is only logged.
    """
    failed: list[int] = []
    connection = mail.get_connection()
    try:
        for key, address, subject, body in messages:
            try:
                mail.EmailMessage(subject, body, to=[address], connection=connection).send()
            except Exception:
                logger.exception("Could not send e-mail (%s)", key)
                failed.append(key)
    finally:
        connection.close()
    return failed
