"""The yearly round: its schedule, who appraises what, exceptions, council and publication."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cchc.accounts.roles import Role
from cchc.units.models import Unit

from .sets import CriteriaSet

if TYPE_CHECKING:
    from cchc.accounts.models import User


class ImmutableError(Exception):
    """A published result was about to be changed."""


class Stage(models.TextChoices):
    """The windows of the schedule; each action belongs to one."""

    SELF_ASSESSMENT = "self", _("Self-assessment")
    APPRAISAL_1 = "appraisal_1", _("Appraisal, round 1")
    EXPLANATION = "explanation", _("Explanation")
    APPRAISAL_2 = "appraisal_2", _("Appraisal, round 2")
    COUNCIL = "council", _("Council")


class RoundQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> RoundQuerySet:
        if user.is_authenticated and user.access.roles:
            return self
        return self.none()


class Round(models.Model):
    """One year's determination of the PAR Index of the units in scope."""

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        COMPILED = "compiled", _("Compiled, before the council")
        APPROVED = "approved", _("Approved by the council")
        PUBLISHED = "published", _("Published")

    year = models.PositiveSmallIntegerField(_("year assessed"))
    name = models.CharField(_("name"), max_length=300)
    criteria_sets = models.ManyToManyField(
        CriteriaSet, verbose_name=_("criteria sets"), related_name="rounds"
    )
    self_from = models.DateField(_("self-assessment from"))
    self_to = models.DateField(_("self-assessment to"))
    appraisal_1_from = models.DateField(_("appraisal round 1 from"))
    appraisal_1_to = models.DateField(_("appraisal round 1 to"))
    explanation_from = models.DateField(_("explanation from"))
    explanation_to = models.DateField(_("explanation to"))
    appraisal_2_from = models.DateField(_("appraisal round 2 from"))
    appraisal_2_to = models.DateField(_("appraisal round 2 to"))
    council_from = models.DateField(_("council from"))
    council_to = models.DateField(_("council to"))
    publish_on = models.DateField(_("publication on"))
    council_quorum = models.PositiveSmallIntegerField(_("council approvals needed"), default=1)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.OPEN)
    is_demo = models.BooleanField(_("demo data"), default=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    compiled_at = models.DateTimeField(null=True, blank=True)

    objects = RoundQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        ordering = ["-year", "-opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(self_from__lte=F("self_to"))
                & Q(self_to__lte=F("appraisal_1_from"))
                & Q(appraisal_1_from__lte=F("appraisal_1_to"))
                & Q(appraisal_1_to__lte=F("explanation_from"))
                & Q(explanation_from__lte=F("explanation_to"))
                & Q(explanation_to__lte=F("appraisal_2_from"))
                & Q(appraisal_2_from__lte=F("appraisal_2_to"))
                & Q(appraisal_2_to__lte=F("council_from"))
                & Q(council_from__lte=F("council_to"))
                & Q(council_to__lte=F("publish_on")),
                name="round_schedule_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("scoring:round_detail", args=[self.pk])

    def window(self, stage: str) -> tuple[datetime.date, datetime.date]:
        prefix = {"self": "self", "appraisal_1": "appraisal_1", "explanation": "explanation"}
        prefix |= {"appraisal_2": "appraisal_2", "council": "council"}
        name = prefix[stage]
        return getattr(self, f"{name}_from"), getattr(self, f"{name}_to")

    def current_stage(self, today: datetime.date | None = None) -> str:
        today = today or timezone.localdate()
        for stage in Stage:
            start, end = self.window(stage)
            if today <= end:
                return stage.value if today >= start else ""
        return ""

    @property
    def is_published(self) -> bool:
        return self.status == Round.Status.PUBLISHED

    def can_view(self, user: User) -> bool:
        return Round.objects.visible_to(user).filter(pk=self.pk).exists()

    def can_manage(self, user: User) -> bool:
        return user.is_authenticated and user.access.can_manage_units

    def can_see_provisional(self, user: User) -> bool:
        """Before publication only the secretariat (any time) and council members (once the
        round is compiled) see the results; no unit sees other units' results."""
        if self.can_manage(user):
            return True
        reviewing = self.status in (Round.Status.COMPILED, Round.Status.APPROVED)
        return reviewing and self.can_approve(user)

    def can_see_results(self, user: User) -> bool:
        """Published results are for every role; provisional ones as above."""
        if self.is_published:
            return self.can_view(user)
        return self.can_see_provisional(user)

    def can_approve(self, user: User) -> bool:
        return user.is_authenticated and user.access.has_role(Role.COUNCIL_MEMBER)


class DeadlineException(models.Model):
    """The secretariat lets one unit act in a stage after its window closed, until a date."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="exceptions")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage)
    until = models.DateField(_("allowed until"))
    reason = models.CharField(_("reason"), max_length=500)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deadline exception")
        verbose_name_plural = _("deadline exceptions")
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return f"{self.unit} {self.stage} → {self.until}"


class AppraiserAssignment(models.Model):
    """An appraiser scores one area (by its code, in every group's set) of the round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="appraisers")
    area_code = models.CharField(_("area code"), max_length=30)
    appraiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appraiser"),
        on_delete=models.PROTECT,
        related_name="appraisal_areas",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appraiser assignment")
        verbose_name_plural = _("appraiser assignments")
        ordering = ["area_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "area_code", "appraiser"], name="appraiser_once_per_area"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area_code}: {self.appraiser}"


class CouncilApproval(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="approvals")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(_("comment"), blank=True)
    approved_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("council approval")
        verbose_name_plural = _("council approvals")
        constraints = [
            models.UniqueConstraint(fields=["round", "member"], name="council_approves_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member} ✓ {self.round}"


class Publication(models.Model):
    """An immutable snapshot of a round's results. Revision 1 is the publication; every
    later correction is a new revision with its reason, never an edit."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="publications")
    revision = models.PositiveSmallIntegerField(default=1)
    reason = models.TextField(_("reason for the revision"), blank=True)
    snapshot = models.JSONField(default=dict)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["round", "-revision"]
        get_latest_by = "revision"
        constraints = [
            models.UniqueConstraint(fields=["round", "revision"], name="publication_revision"),
        ]

    def __str__(self) -> str:
        return f"{self.round} r{self.revision}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError(_("Published results never change; publish a revision."))
        super().save(*args, **kwargs)


class PublishedResult(models.Model):
    """One unit's line of a publication (immutable, like the publication)."""

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="results")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    group = models.CharField(max_length=16)
    self_total = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    appraised_total = models.DecimalField(max_digits=7, decimal_places=2)
    maximum = models.DecimalField(max_digits=7, decimal_places=2)
    index = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    rank = models.PositiveSmallIntegerField(null=True)
    band = models.CharField(max_length=60, blank=True)
    areas = models.JSONField(default=list)  # [{code, name, points, maximum, index}]

    class Meta:
        ordering = ["group", "rank", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "unit"], name="published_once"),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.index}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError(_("Published results never change; publish a revision."))
        super().save(*args, **kwargs)
