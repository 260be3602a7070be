"""Campaigns: a questionnaire version run over a period in a set of units, with quotas.

Each surveyed unit gets a `CampaignUnit` with its short public code (the QR link `/s/<code>/`),
its population N (transactions in the period) and its quota. One-time `SurveyToken`s may be
printed on dossier receipts; a token is consumed once and never linked to the answers.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..calculations import DEFAULT_MARGIN, DEFAULT_MIN_N, ElementMethod, sample_size

if TYPE_CHECKING:
    from cchc.accounts.models import User

# Short codes avoid letters and digits that are confused when typed from paper.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_code(length: int = 7) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def new_token() -> str:
    return new_code(10)


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Collecting")
    CLOSED = "closed", _("Closed")


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> CampaignQuerySet:
        """Province-wide roles see every campaign; units see the campaigns they are surveyed in."""
        if not user.is_authenticated:
            return self.none()
        access = user.access
        if access.sees_all_units:
            return self
        own = access.own_unit_ids
        if not own:
            return self.none()
        return self.filter(surveyed_units__unit_id__in=own).distinct()


class Campaign(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=300)
    version = models.ForeignKey(
        "surveys.QuestionnaireVersion",
        verbose_name=_("questionnaire version"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        _("status"), max_length=8, choices=CampaignStatus, default=CampaignStatus.DRAFT
    )
    element_method = models.CharField(
        _("element and overall index"),
        max_length=24,
        choices=ElementMethod,
        default=ElementMethod.MEAN_OF_CRITERIA,
    )
    min_n = models.PositiveIntegerField(
        _("minimum sample for an index"), default=DEFAULT_MIN_N, validators=[MinValueValidator(1)]
    )
    margin = models.DecimalField(
        _("margin of error e"),
        max_digits=4,
        decimal_places=3,
        default=DEFAULT_MARGIN,
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(Decimal("0.5"))],
    )
    weighted = models.BooleanField(
        _("weight units by their population"),
        default=False,
        help_text=_("Province and level indices weighted by each unit's N instead of pooled."),
    )
    tokens_required = models.BooleanField(_("one-time token required"), default=False)
    double_entry = models.BooleanField(_("paper forms entered twice"), default=False)
    procedures = models.JSONField(
        _("procedures surveyed"),
        default=list,
        blank=True,
        help_text=_('A list of {"code": …, "name": …}; empty: all procedures.'),
    )
    notes = models.TextField(_("notes"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = CampaignQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        ordering = ["-starts_on", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="surveys_campaign_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == CampaignStatus.OPEN

    def procedure_name(self, code: str) -> str:
        return next((p.get("name", code) for p in self.procedures if p.get("code") == code), code)

    @staticmethod
    def can_manage(user: User) -> bool:
        from cchc.accounts.roles import MANAGER_ROLES

        return user.is_authenticated and user.access.has_role(*MANAGER_ROLES)

    def can_enter_for(self, user: User, unit_id: int) -> bool:
        """Paper entry and imports: the secretariat, or the unit's own focal point / head."""
        if not user.is_authenticated:
            return False
        return self.can_manage(user) or unit_id in user.access.own_unit_ids


class CampaignUnit(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="surveyed_units")
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("short code"), max_length=16, unique=True, default=new_code)
    population = models.PositiveIntegerField(
        _("population N"),
        null=True,
        blank=True,
        help_text=_("Transactions of the unit's services in the period."),
    )
    quota = models.PositiveIntegerField(_("quota"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("surveyed unit")
        verbose_name_plural = _("surveyed units")
        ordering = ["campaign", "unit__kind", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit"], name="surveys_campaign_unit_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.unit}"

    def suggested_sample(self) -> int | None:
        """n = N ÷ (1 + N·e²) from the population, when it is known."""
        if self.population is None:
            return None
        return sample_size(self.population, self.campaign.margin)

    @property
    def target(self) -> int | None:
        """The quota if set, else the suggested sample size."""
        return self.quota if self.quota is not None else self.suggested_sample()


class SurveyToken(models.Model):
    """A one-time code printed on a dossier receipt. Consumed once; no link to any answer."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tokens")
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("token"), max_length=16, unique=True, default=new_token)
    batch = models.CharField(_("batch"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    used_hour = models.DateTimeField(_("used (hour)"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time token")
        verbose_name_plural = _("one-time tokens")
        ordering = ["campaign", "batch", "id"]

    def __str__(self) -> str:
        return self.code
