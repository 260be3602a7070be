"""Criteria sets: the yearly tree of areas, criteria and sub-criteria, and the bands.

A set is data, not code (domain README §5): each province loads its own every year. The
tree is area → criterion → sub-criterion; a node without children is *scored* and carries
a scoring method with its parameters (`params`, checked by `calculations.check_params`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..calculations import Method, Rounding

if TYPE_CHECKING:
    from cchc.accounts.models import User


class UnitGroup(models.TextChoices):
    """The groups a province ranks separately (the province decides which it uses)."""

    DEPARTMENTS = "departments", _("Departments and agencies")
    DISTRICTS = "districts", _("District-level People's Committees")
    COMMUNES = "communes", _("Commune-level People's Committees")
    PROVINCES = "provinces", _("Provinces (national index)")


class CriteriaSetQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> CriteriaSetQuerySet:
        """Criteria sets are public rules inside the administration: every role reads them."""
        if user.is_authenticated and user.access.roles:
            return self
        return self.none()


class CriteriaSet(models.Model):
    year = models.PositiveSmallIntegerField(_("year assessed"))
    group = models.CharField(_("unit group"), max_length=16, choices=UnitGroup)
    name = models.CharField(_("name"), max_length=300)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    rounding = models.CharField(
        _("rounding of the index"), max_length=8, choices=Rounding, default=Rounding.HALF_UP
    )
    cap_at_maximum = models.BooleanField(
        _("bonus cannot lift the total above the maximum"), default=True
    )
    is_template = models.BooleanField(_("template"), default=False)
    is_demo = models.BooleanField(_("demo data"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    cloned_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when the first round using the set opens; a locked set never changes again.
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = CriteriaSetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        ordering = ["-year", "group", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "group", "name"], name="criteria_set_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("scoring:set_detail", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    def can_view(self, user: User) -> bool:
        return CriteriaSet.objects.visible_to(user).filter(pk=self.pk).exists()

    def can_edit(self, user: User) -> bool:
        return user.is_authenticated and user.access.can_manage_units and not self.is_locked


class Criterion(models.Model):
    """A node of the tree: an area (depth 1), a criterion (2) or a sub-criterion (3)."""

    class Source(models.TextChoices):
        SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
        SURVEY = "survey", _("Sociological survey")

    class Kind(models.TextChoices):
        NORMAL = "normal", _("Scored")
        BONUS = "bonus", _("Bonus")
        PENALTY = "penalty", _("Penalty")

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    depth = models.PositiveSmallIntegerField(default=1)
    # The code of the area (depth-1 ancestor) the node belongs to; appraisers are assigned
    # by area code.
    area_code = models.CharField(max_length=30, db_index=True)
    position = models.PositiveIntegerField(default=0)
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=1000)
    max_points = models.DecimalField(
        _("maximum points"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    guidance = models.TextField(_("scoring guidance"), blank=True)
    evidence_required = models.TextField(_("required evidence"), blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=Source, default=Source.SELF_ASSESSMENT
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind, default=Kind.NORMAL)
    method = models.CharField(_("scoring method"), max_length=8, choices=Method, blank=True)
    params = models.JSONField(_("method parameters"), default=dict, blank=True)
    allows_not_applicable = models.BooleanField(_("may be not applicable"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["criteria_set", "position"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="criterion_unique_code"),
        ]
        indexes = [models.Index(fields=["criteria_set", "depth"], name="criterion_set_depth")]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"

    @property
    def is_area(self) -> bool:
        return self.parent_id is None

    @property
    def is_scored(self) -> bool:
        return bool(self.method)


class Band(models.Model):
    """A classification band: the label of every index at or above `min_percent` (until the
    next band up)."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="bands")
    label = models.CharField(_("label"), max_length=60)
    min_percent = models.DecimalField(_("from (%)"), max_digits=5, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("classification band")
        verbose_name_plural = _("classification bands")
        ordering = ["criteria_set", "-min_percent"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "min_percent"], name="band_unique_threshold"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ≥ {self.min_percent}"
