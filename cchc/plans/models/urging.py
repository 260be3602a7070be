"""Urging: official notices and automatic reminders."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cchc.units.models import Unit

if TYPE_CHECKING:
    from cchc.accounts.models import User

from .work import Assignment


class UrgingNotice(models.Model):
    """A numbered, dated official urging notice (Decree 30/2020 layout) sent to late units."""

    number = models.PositiveIntegerField(_("number"))
    year = models.PositiveSmallIntegerField(_("year"))
    symbol = models.CharField(_("symbol"), max_length=40, default="SNV-CCHC")
    issued_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=100)
    issuing_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(_("subject"), max_length=500)
    body = models.TextField(_("body"))
    signer_name = models.CharField(_("signer"), max_length=150)
    signer_position = models.CharField(_("signer's position"), max_length=150)
    assignments = models.ManyToManyField(Assignment, related_name="urging_notices")
    document = models.ForeignKey(
        "core.Attachment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(m2m_fields=[assignments])

    class Meta:
        verbose_name = _("urging notice")
        verbose_name_plural = _("urging notices")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "number", "symbol"], name="urging_notice_number_unique"
            ),
        ]

    def __str__(self) -> str:
        # Decree 30/2020, Appendix I: numbers below 10 are written with a leading zero.
        return f"{self.number:02d}/{self.symbol}"

    @property
    def number_symbol(self) -> str:
        # Decree 30/2020, Appendix I: numbers below 10 are written with a leading zero.
        return f"{self.number:02d}/{self.symbol}"

    def can_view(self, user: User) -> bool:
        """Managers, and the people of any unit the notice urges."""
        if not user.is_authenticated:
            return False
        if user.access.can_manage_units:
            return True
        return Assignment.objects.visible_to(user).filter(urging_notices=self).exists()


class Reminder(models.Model):
    """One automatic reminder sent for an assignment; its key makes the job idempotent."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="reminders")
    # What the reminder is about, with the deadline it counted from, so that an extended
    # deadline gets reminders again: "before-7@2024-03-31", "due@…", "overdue-14@…".
    key = models.CharField(max_length=60)
    sent_on = models.DateField()
    recipients = models.JSONField(default=list)
    failed = models.JSONField(default=list)
    escalated = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "key"], name="reminder_once_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} {self.key} {self.sent_on:%d/%m/%Y}"
