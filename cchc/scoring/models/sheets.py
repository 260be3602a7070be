"""A unit's score sheet in a round, its scores per scored criterion, and the evidence."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cchc.accounts.roles import Role
from cchc.units.models import Unit

from ..calculations import Inputs
from .rounds import AppraiserAssignment, Round
from .sets import CriteriaSet, Criterion

if TYPE_CHECKING:
    from cchc.accounts.models import User

POINTS = {"max_digits": 7, "decimal_places": 2, "null": True, "blank": True}
NUMBER = {"max_digits": 14, "decimal_places": 2, "null": True, "blank": True}


class ScoreSheetQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ScoreSheetQuerySet:
        """Units see their own sheets; appraisers the sheets of rounds they appraise;
        council members compiled rounds; everyone with a role, published rounds."""
        if not user.is_authenticated or not user.access.roles:
            return self.none()
        access = user.access
        if access.can_manage_units:
            return self
        seen = Q(round__status=Round.Status.PUBLISHED) | Q(unit_id__in=access.own_unit_ids)
        if access.has_role(Role.APPRAISER):
            seen |= Q(round__appraisers__appraiser=user)
        if access.has_role(Role.COUNCIL_MEMBER):
            seen |= Q(round__status__in=[Round.Status.COMPILED, Round.Status.APPROVED])
        return self.filter(seen).distinct()


class ScoreSheet(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Self-assessment in progress")
        SUBMITTED = "submitted", _("Submitted for appraisal")
        APPRAISED_1 = "appraised_1", _("Appraised (round 1)")
        EXPLAINED = "explained", _("Explanation sent")
        FINAL = "final", _("Appraised (final)")

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="sheets")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="score_sheets"
    )
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    explained_at = models.DateTimeField(null=True, blank=True)
    # Totals kept by `services.recompute_sheet` (derived; the scores are the record).
    self_total = models.DecimalField(_("self-assessed points"), **POINTS)
    appraised_total = models.DecimalField(_("appraised points"), **POINTS)
    maximum = models.DecimalField(_("applicable maximum"), **POINTS)
    self_index = models.DecimalField(_("self-assessed index (%)"), **POINTS)
    index = models.DecimalField(_("index (%)"), **POINTS)
    missing = models.PositiveIntegerField(_("criteria not yet scored"), default=0)
    areas = models.JSONField(default=list, blank=True)

    objects = ScoreSheetQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["areas"])

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["round", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="sheet_once_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.round}"

    def get_absolute_url(self) -> str:
        return reverse("scoring:sheet_detail", args=[self.pk])

    def can_view(self, user: User) -> bool:
        return ScoreSheet.objects.visible_to(user).filter(pk=self.pk).exists()

    def is_own(self, user: User) -> bool:
        return user.is_authenticated and self.unit_id in user.access.own_unit_ids

    def can_self_assess(self, user: User) -> bool:
        return self.is_own(user) and user.access.has_role(Role.FOCAL_POINT, Role.UNIT_LEADER)

    def can_submit(self, user: User) -> bool:
        return user.is_authenticated and self.unit_id in user.access.unit_ids(Role.UNIT_LEADER)

    def appraised_areas(self, user: User) -> set[str]:
        """Area codes `user` appraises on this sheet's round (every area for the secretariat)."""
        if not user.is_authenticated:
            return set()
        if user.access.can_manage_units:
            return set(self.criteria_set.criteria.filter(depth=1).values_list("code", flat=True))
        rows = AppraiserAssignment.objects.filter(round_id=self.round_id, appraiser=user)
        return set(rows.values_list("area_code", flat=True))


class Score(models.Model):
    """What is known of one scored criterion on one sheet: the unit's declaration and
    points, the appraisers' two rounds, and the unit's explanation between them."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    # The unit's declaration
    numerator = models.DecimalField(_("declared number (achieved)"), **NUMBER)
    denominator = models.DecimalField(_("declared number (total)"), **NUMBER)
    value = models.DecimalField(_("declared number"), **NUMBER)
    choice = models.CharField(_("choice"), max_length=30, blank=True)
    entered_points = models.DecimalField(_("points entered"), **POINTS)
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    note = models.TextField(_("explanation (evidence missing or remarks)"), blank=True)
    # From cchc itself (metric) or the survey: the percent and its figures
    metric_value = models.DecimalField(_("metric (%)"), **POINTS)
    metric_data = models.JSONField(default=dict, blank=True)
    # Computed by the method from the declaration (kept by recompute)
    self_points = models.DecimalField(_("self-assessed points"), **POINTS)
    # Appraisal
    round_1_points = models.DecimalField(_("round 1 points"), **POINTS)
    round_1_comment = models.TextField(_("round 1 comment"), blank=True)
    needs_explanation = models.BooleanField(_("needs explanation"), default=False)
    explanation = models.TextField(_("the unit's explanation"), blank=True)
    round_2_points = models.DecimalField(_("round 2 points"), **POINTS)
    round_2_comment = models.TextField(_("round 2 comment"), blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["self_points"])

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["sheet", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="score_once_per_sheet"),
        ]

    def __str__(self) -> str:
        return f"{self.sheet_id}/{self.criterion.code}"

    def can_view(self, user: User) -> bool:
        return self.sheet.can_view(user)

    def inputs(self) -> Inputs:
        return Inputs(
            points=self.entered_points,
            choice=self.choice,
            numerator=self.numerator,
            denominator=self.denominator,
            value=self.value,
            metric=self.metric_value,
            not_applicable=self.not_applicable,
        )

    @property
    def appraised_points(self) -> Decimal | None:
        """The latest appraisers' points, falling back to the unit's own."""
        for points in (self.round_2_points, self.round_1_points):
            if points is not None:
                return points
        return self.self_points


class Evidence(models.Model):
    """A document supporting a score: a file uploaded for it, or a record already in cchc
    (a plan progress report, an urging notice, another attachment) referred to."""

    class Stage(models.TextChoices):
        SELF = "self", _("Self-assessment")
        EXPLANATION = "explanation", _("Explanation")

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="evidence")
    stage = models.CharField(max_length=12, choices=Stage, default=Stage.SELF)
    attachment = models.ForeignKey(
        "core.Attachment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reference_type = models.CharField(max_length=40, blank=True)  # "progress_report", …
    reference_id = models.PositiveBigIntegerField(null=True, blank=True)
    reference_label = models.CharField(max_length=500, blank=True)
    reference_url = models.CharField(max_length=300, blank=True)
    note = models.CharField(_("description"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["added_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(attachment__isnull=False) | Q(reference_id__isnull=False),
                name="evidence_file_or_reference",
            ),
        ]

    def __str__(self) -> str:
        return str(self.attachment) if self.attachment_id else self.reference_label

    def can_view(self, user: User) -> bool:
        return self.score.sheet.can_view(user)
