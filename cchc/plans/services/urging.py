"""Urging notices: numbering, the Word document and delivery to the units."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.access import require
from cchc.accounts.models import User
from cchc.accounts.roles import Role
from cchc.core.audit import record_event
from cchc.core.models import Attachment
from cchc.core.notify import notify
from cchc.units.models import Unit

from ..models import Assignment, Plan, UrgingNotice
from ._common import _absolute, _focal_points, _save, _store_files

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- urging notices -----------------------------------------------------------------------


def _issuing_unit(by: User) -> Unit:
    for held in by.access.assignments:
        if held.role == Role.SECRETARIAT:
            return held.unit
    return Unit.objects.filter(kind=Unit.Kind.PROVINCE).order_by("pk").first()  # type: ignore[return-value]


def _next_number(year: int, symbol: str) -> int:
    # Lock the year's last notice (PostgreSQL) so two clerks do not draw the same number;
    # the unique constraint catches the rest.
    last = (
        UrgingNotice.objects.select_for_update()
        .filter(year=year, symbol=symbol)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return (last or 0) + 1


def _attach_notice_document(notice: UrgingNotice, *, by: User) -> Attachment:
    from ..documents import urging_notice_docx  # written alongside; imported when used

    name = f"{notice.number}-{notice.symbol}-{notice.year}.docx".replace("/", "-")
    upload = SimpleUploadedFile(name, urging_notice_docx(notice), content_type=DOCX_TYPE)
    (attachment,) = _store_files(
        notice, [upload], field="document", by=by, kinds=frozenset({"docx"})
    )
    notice.document = attachment
    _save(notice, by=by, update_fields=["document"])
    return attachment


def _deliver_notice(notice: UrgingNotice, assignments: list[Assignment], link: str) -> int:
    sent = 0
    for unit_id in sorted({a.unit_id for a in assignments}):
        text = _("Urging notice %(number)s: %(subject)s") % {
            "number": notice.number_symbol,
            "subject": notice.subject,
        }
        body = f"{notice.body}\n\n{_('The notice (Word document)')}: {link}"
        sent += notify(
            _focal_points(unit_id),
            verb="urging.issued",
            text=text,
            url=link,
            email_subject=text,
            email_body=body,
        )
    return sent


@transaction.atomic
def issue_urging_notice(
    assignments: Iterable[Assignment],
    *,
    subject: str,
    body: str,
    signer_name: str,
    signer_position: str,
    place: str = "An Giang",
    issued_on: datetime.date | None = None,
    by: User,
) -> UrgingNotice:
    """Issue a numbered urging notice (.docx) to the units of `assignments` and tell them."""
    require(Plan.can_manage(by))
    chosen = list(assignments)
    if not chosen:
        raise ValidationError({"assignments": _("Choose at least one assignment.")})
    issued_on = issued_on or timezone.localdate()
    notice = UrgingNotice(
        year=issued_on.year,
        issued_on=issued_on,
        place=place.strip(),
        issuing_unit=_issuing_unit(by),
        subject=subject.strip(),
        body=body.strip(),
        signer_name=signer_name.strip(),
        signer_position=signer_position.strip(),
        created_by=by,
    )
    notice.number = _next_number(notice.year, notice.symbol)
    _save(notice, by=by)
    notice.assignments.set(chosen)
    attachment = _attach_notice_document(notice, by=by)
    record_event(notice, "urging.issued", by=by, data={"assignments": [a.pk for a in chosen]})
    for assignment in chosen:
        record_event(assignment, "assignment.urged", by=by, data={"notice": notice.pk})
    link = _absolute(reverse("core:attachment-download", args=[attachment.pk]))
    _deliver_notice(notice, chosen, link)
    return notice
