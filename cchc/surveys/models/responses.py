"""Responses, their counts and paper entries.

A `Response` is anonymous: no account, IP address or user agent; the time is kept to the
hour. Its answers are a JSON object {question code: value} (an int choice value, a list of
them for multiple choice, a decimal string for numbers, text). It is never edited: the
secretariat may only invalidate it, with a reason. `Tally` keeps, per campaign x unit x
procedure x question x value, how many valid responses gave that answer; it is written in the
same transaction as the response (and on invalidation) and the indices are computed from it
with grouped queries (decision 0009).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from cchc.accounts.models import User


class Channel(models.TextChoices):
    WEB = "web", _("Public form")
    API = "api", _("API")
    PAPER = "paper", _("Paper form")
    IMPORT = "import", _("Imported file")


class ResponseQuerySet(models.QuerySet):
    def valid(self) -> ResponseQuerySet:
        return self.filter(is_valid=True)

    def visible_to(self, user: User) -> ResponseQuerySet:
        """Raw responses: the secretariat (and admin) for all units; units for their own."""
        if not user.is_authenticated:
            return self.none()
        from cchc.accounts.roles import MANAGER_ROLES

        access = user.access
        if access.has_role(*MANAGER_ROLES):
            return self
        return self.filter(unit_id__in=access.own_unit_ids)


class Response(models.Model):
    campaign = models.ForeignKey(
        "surveys.Campaign", on_delete=models.PROTECT, related_name="responses"
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    procedure_code = models.CharField(_("procedure"), max_length=64, blank=True, default="")
    channel = models.CharField(_("channel"), max_length=8, choices=Channel)
    submitted_hour = models.DateTimeField(_("submitted (hour)"))
    answers = models.JSONField(_("answers"), default=dict)
    fingerprint = models.CharField(max_length=64, db_index=True, editable=False)
    is_valid = models.BooleanField(_("valid"), default=True)
    invalid_reason = models.TextField(_("reason for invalidation"), blank=True)
    invalidated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invalidated_at = models.DateTimeField(_("invalidated at"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("second entry by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    paper_serial = models.CharField(_("form number"), max_length=64, blank=True)
    import_batch = models.CharField(_("import batch"), max_length=64, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-submitted_hour", "-id"]
        indexes = [
            # Covers the count of valid responses per unit and procedure (an index-only scan).
            models.Index(
                fields=["campaign", "is_valid", "unit", "procedure_code"],
                name="surveys_resp_counts",
            ),
            models.Index(fields=["campaign", "submitted_hour"], name="surveys_resp_campaign_hour"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_valid=True) | ~Q(invalid_reason=""),
                name="surveys_response_invalid_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class Tally(models.Model):
    """Valid responses that gave `value` to `question` (for multiple choice, value 0 counts
    the respondents answering). Derived data, rebuilt by `services.tallies.rebuild`."""

    campaign = models.ForeignKey("surveys.Campaign", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    procedure_code = models.CharField(max_length=64, blank=True, default="")
    question = models.ForeignKey("surveys.Question", on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit", "procedure_code", "question", "value"],
                name="surveys_tally_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id}={self.value}: {self.count}"


class ResponseCount(models.Model):
    """Valid responses per campaign x unit x procedure, kept with `Tally` (same transaction,
    same rebuild): the response counts of every level are sums of these few rows."""

    campaign = models.ForeignKey("surveys.Campaign", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    procedure_code = models.CharField(max_length=64, blank=True, default="")
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit", "procedure_code"], name="surveys_response_count_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.procedure_code}: {self.count}"


class PaperEntry(models.Model):
    """One typing of a paper form. With double entry a second person types it blind; the
    response is created when both agree (or the secretariat settles the differences)."""

    campaign = models.ForeignKey(
        "surveys.Campaign", on_delete=models.CASCADE, related_name="paper_entries"
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    serial = models.CharField(_("form number"), max_length=64)
    entry_no = models.PositiveSmallIntegerField(_("entry"), choices=[(1, "1"), (2, "2")])
    procedure_code = models.CharField(_("procedure"), max_length=64, blank=True, default="")
    answers = models.JSONField(_("answers"), default=dict)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    response = models.ForeignKey(
        Response, null=True, blank=True, on_delete=models.SET_NULL, related_name="paper_entries"
    )

    class Meta:
        verbose_name = _("paper entry")
        verbose_name_plural = _("paper entries")
        ordering = ["campaign", "unit", "serial", "entry_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit", "serial", "entry_no"],
                name="surveys_paper_entry_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.serial} ({self.entry_no})"
