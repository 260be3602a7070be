"""The daily reminder job: tell units about deadlines under each plan's urging policy.

For every open assignment (neither completed nor cancelled), `calculations.reminder_key_due`
says which reminder, if any, is due today: N days before the deadline, on the day, or
every K days overdue. A reminder goes to the focal points of the assigned unit: one in-app
notification per assignment, and one e-mail per person per run listing all of theirs.
Once the assignment is `plan.escalate_after_days` days overdue (0 = never) the unit's
heads are told as well. Each reminder sent is a `Reminder` row keyed by
(assignment, key), so a second run on the same day sends nothing again. An e-mail that
cannot be sent is logged and recorded in `Reminder.failed`; the others still go.

Built for volume (50,000 assignments in a few seconds): candidates are read as plain
tuples, recipients and already-sent keys come in one query each, and notifications and
reminders are written in bulk (neither model is history-audited).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.models import RoleAssignment
from cchc.accounts.roles import Role
from cchc.core.models import Notification
from cchc.core.notify import TEXT_MAX, email_each

from .calculations import reminder_key_due
from .models import Assignment, Plan, Reminder

CHUNK = 500


@dataclass(frozen=True)
class ReminderRun:
    """What one run did: reminders sent (one per assignment and key), of which escalated;
    e-mails that failed; reminders due but skipped (already sent, or nobody to tell)."""

    sent: int = 0
    escalated: int = 0
    failed: int = 0
    skipped: int = 0


@dataclass
class _Due:
    assignment_id: int
    unit_id: int
    key: str
    escalate: bool
    recipients: list[tuple[int, str]] = field(default_factory=list)


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _due_today(today: datetime.date) -> list[_Due]:
    plans = {p.pk: p for p in Plan.objects.all()}
    ahead = max((max(p.remind_days_before or [0]) for p in plans.values()), default=0)
    rows = (
        Assignment.objects.open()
        .filter(deadline__lte=today + datetime.timedelta(days=ahead))
        .values_list("pk", "unit_id", "deadline", "task__plan_id")
    )
    found = []
    for pk, unit_id, deadline, plan_id in rows.iterator(chunk_size=5000):
        plan = plans[plan_id]
        key = reminder_key_due(
            deadline=deadline,
            today=today,
            completed=False,
            days_before=plan.remind_days_before or (),
            on_due_day=plan.remind_on_due_day,
            overdue_every=plan.remind_overdue_every,
        )
        if key is not None:
            late = (today - deadline).days
            escalate = 0 < plan.escalate_after_days <= late
            found.append(_Due(pk, unit_id, key, escalate))
    return found


def _already_sent(due: list[_Due]) -> set[tuple[int, str]]:
    keys = sorted({d.key for d in due})
    sent: set[tuple[int, str]] = set()
    for chunk in _chunks(keys):
        sent.update(Reminder.objects.filter(key__in=chunk).values_list("assignment_id", "key"))
    return sent


def _people(unit_ids: Iterable[int]) -> dict[tuple[int, str], list]:
    """(unit id, role) → [(user id, e-mail)] of today's focal points and heads, in one query.

    Today's people, even when the job runs for another day (`--date`, a missed run).
    """
    held = (
        RoleAssignment.objects.active_on(timezone.localdate())
        .filter(role__in=[Role.FOCAL_POINT, Role.UNIT_LEADER], user__is_active=True)
        .filter(unit_id__in=list(set(unit_ids)))
        .order_by("user_id")
        .values_list("unit_id", "role", "user_id", "user__email")
    )
    people: dict[tuple[int, str], list] = defaultdict(list)
    for unit_id, role, user_id, email in held:
        if (user_id, email) not in people[unit_id, role]:
            people[unit_id, role].append((user_id, email))
    return people


def _texts(due: list[_Due], today: datetime.date) -> dict[int, tuple[str, str]]:
    """assignment id → (message, link), read in chunks of ids."""
    texts = {}
    for chunk in _chunks([d.assignment_id for d in due]):
        rows = Assignment.objects.filter(pk__in=chunk).values_list(
            "pk", "task__code", "task__content", "period_label", "unit__name", "deadline"
        )
        for pk, code, content, period, unit, deadline in rows:
            texts[pk] = (_message(code, content, period, unit, deadline, today), _link(pk))
    return texts


def _message(
    code: str, content: str, period: str, unit: str, deadline: datetime.date, today: datetime.date
) -> str:
    days = (deadline - today).days
    when = (
        _("due in %(days)s days") % {"days": days}
        if days > 0
        else _("due today")
        if days == 0
        else _("overdue by %(days)s days") % {"days": -days}
    )
    task = f"{code} ({period})" if period else code
    text = _("Reminder: task %(task)s of %(unit)s is %(when)s (deadline %(date)s): %(content)s")
    values = {"task": task, "unit": unit, "when": when, "date": f"{deadline:%d/%m/%Y}"}
    return (text % {**values, "content": content})[:TEXT_MAX]


def _link(pk: int) -> str:
    try:
        return reverse("plans:assignment-detail", args=[pk])
    except NoReverseMatch:
        return ""


def _digests(due: list[_Due]) -> dict[tuple[int, str], list[int]]:
    """(user id, e-mail) → the assignments to remind that person of, in order."""
    digests: dict[tuple[int, str], list[int]] = defaultdict(list)
    for d in due:
        for user_id, email in d.recipients:
            if email:
                digests[user_id, email].append(d.assignment_id)
    return digests


def _send(due: list[_Due], texts: dict[int, tuple[str, str]]) -> dict[int, list[int]]:
    """E-mail each person one digest of today's reminders; return assignment id → ids of
    the people whose e-mail failed."""
    site = settings.SITE_URL.rstrip("/")
    digests = _digests(due)
    messages = []
    for (user_id, email), assignment_ids in digests.items():
        subject = _("Deadline reminders (%(count)s)") % {"count": len(assignment_ids)}
        lines = [
            f"- {texts[pk][0]}\n  {site}{texts[pk][1]}" if texts[pk][1] else f"- {texts[pk][0]}"
            for pk in assignment_ids
        ]
        messages.append((user_id, email, subject, "\n\n".join(lines)))
    failed: dict[int, list[int]] = defaultdict(list)
    reminded = {user_id: ids for (user_id, _email), ids in digests.items()}
    for user_id in email_each(messages):
        for pk in reminded[user_id]:
            failed[pk].append(user_id)
    return failed


@transaction.atomic
def _record(
    due: list[_Due],
    texts: dict[int, tuple[str, str]],
    failed: dict[int, list[int]],
    today: datetime.date,
) -> None:
    Notification.objects.bulk_create(
        (
            Notification(
                recipient_id=user_id,
                verb="plans.reminder",
                text=texts[d.assignment_id][0],
                url=texts[d.assignment_id][1],
            )
            for d in due
            for user_id, _email in d.recipients
        ),
        batch_size=CHUNK,
    )
    Reminder.objects.bulk_create(
        (
            Reminder(
                assignment_id=d.assignment_id,
                key=d.key,
                sent_on=today,
                recipients=[u for u, _e in d.recipients],
                failed=failed.get(d.assignment_id, []),
                escalated=d.escalate,
            )
            for d in due
        ),
        batch_size=CHUNK,
    )


def send_reminders(*, today: datetime.date | None = None) -> ReminderRun:
    """Send today's reminders under each plan's policy; return what was done."""
    today = today or timezone.localdate()
    due = _due_today(today)
    sent_before = _already_sent(due)
    people = _people(d.unit_id for d in due)
    todo = []
    for d in due:
        d.recipients = list(people.get((d.unit_id, Role.FOCAL_POINT), []))
        if d.escalate:
            d.recipients += [
                p for p in people.get((d.unit_id, Role.UNIT_LEADER), []) if p not in d.recipients
            ]
        if (d.assignment_id, d.key) not in sent_before and d.recipients:
            todo.append(d)
    texts = _texts(todo, today)
    failed = _send(todo, texts)
    _record(todo, texts, failed, today)
    return ReminderRun(
        sent=len(todo),
        escalated=sum(d.escalate for d in todo),
        failed=sum(len(f) for f in failed.values()),
        skipped=len(due) - len(todo),
    )
