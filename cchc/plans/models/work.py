"""Assignments per unit and what units report on them: progress, extensions, obstacles."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cchc.units.models import Unit

from ..calculations import Status

if TYPE_CHECKING:
    from cchc.accounts.models import User

from .plan import Task

STATUS_LABELS = {
    Status.ON_TIME: _("Completed on time"),
    Status.LATE: _("Completed late"),
    Status.WITHIN_TERM: _("Not completed, within term"),
    Status.OVERDUE: _("Not completed, overdue"),
    Status.CANCELLED: _("Cancelled"),
}


def status_condition(status: Status, today: datetime.date) -> Q:
    """The condition on an assignment's columns that puts it in `status` on `today`.

    The SQL form of `calculations.assignment_status`; the conditions are disjoint and
    together cover every row (a test checks both forms agree).
    """
    cancelled = Q(cancelled_at__isnull=False) | Q(task__cancelled_at__isnull=False)
    done = Q(completed_on__isnull=False)
    conditions = {
        Status.CANCELLED: cancelled,
        Status.ON_TIME: ~cancelled & done & Q(completed_on__lte=F("deadline")),
        Status.LATE: ~cancelled & done & Q(completed_on__gt=F("deadline")),
        Status.WITHIN_TERM: ~cancelled & ~done & Q(deadline__gte=today),
        Status.OVERDUE: ~cancelled & ~done & Q(deadline__lt=today),
    }
    return conditions[status]


class AssignmentQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> AssignmentQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.access.sees_all_units:
            return self
        return self.filter(unit_id__in=user.access.own_unit_ids)

    def with_status(self, today: datetime.date | None = None) -> AssignmentQuerySet:
        """Annotate `status` with the rule of `calculations.assignment_status`, in SQL."""
        today = today or timezone.localdate()
        whens = [When(status_condition(s, today), then=Value(s.value)) for s in Status]
        return self.annotate(status=Case(*whens, output_field=models.CharField()))

    def having_status(
        self, status: Status | str, today: datetime.date | None = None
    ) -> AssignmentQuerySet:
        """Rows in `status` on `today`: plain conditions on columns, so indexes serve them."""
        return self.filter(status_condition(Status(status), today or timezone.localdate()))

    def overdue(self, today: datetime.date | None = None) -> AssignmentQuerySet:
        today = today or timezone.localdate()
        return self.open().filter(deadline__lt=today)

    def open(self) -> AssignmentQuerySet:
        """Neither completed nor cancelled."""
        return self.filter(
            completed_on__isnull=True, cancelled_at__isnull=True, task__cancelled_at__isnull=True
        )


class Assignment(models.Model):
    """One unit's share of a task (for a recurring task: of one period's occurrence)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        COORDINATING = "coordinating", _("Coordinating")
        ASSIGNED = "assigned", _("Assigned")

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="assignments")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(_("role in the task"), max_length=16, choices=Role, default=Role.LEAD)
    period_label = models.CharField(_("period"), max_length=40, blank=True)
    period_start = models.DateField(_("period from"), null=True, blank=True)
    original_deadline = models.DateField(_("original deadline"))
    # The effective deadline: the original one, or the last approved extension's.
    deadline = models.DateField(_("deadline"))
    progress_percent = models.PositiveSmallIntegerField(
        _("progress (reported)"), default=0, validators=[MaxValueValidator(100)]
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    completion_report = models.ForeignKey(
        "ProgressReport", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)

    objects = AssignmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["deadline", "task__code", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "unit", "period_label"], name="assignment_unique_per_period"
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("original_deadline")),
                name="assignment_deadline_not_earlier",
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | ~Q(cancel_reason=""),
                name="assignment_cancel_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "deadline"], name="assignment_unit_deadline_idx"),
            models.Index(fields=["deadline", "completed_on"], name="assignment_due_idx"),
        ]

    def __str__(self) -> str:
        label = f" ({self.period_label})" if self.period_label else ""
        return f"{self.task.code}{label} — {self.unit}"

    def get_absolute_url(self) -> str:
        return reverse("plans:assignment-detail", args=[self.pk])

    def status_on(self, today: datetime.date) -> Status:
        from ..calculations import assignment_status

        return assignment_status(
            deadline=self.deadline,
            completed_on=self.completed_on,
            cancelled=self.cancelled_at is not None or self.task.cancelled_at is not None,
            today=today,
        )

    @property
    def status(self) -> Status:
        """Today's status; rows loaded through `with_status()` carry it from SQL already."""
        annotated = self.__dict__.get("_annotated_status")
        if annotated is not None:
            return Status(annotated)
        return self.status_on(timezone.localdate())

    @status.setter
    def status(self, value: str) -> None:
        # Django sets the `with_status()` annotation as an attribute named `status`.
        self.__dict__["_annotated_status"] = value

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    def can_view(self, user: User) -> bool:
        return Assignment.objects.visible_to(user).filter(pk=self.pk).exists()

    def can_report(self, user: User) -> bool:
        """Focal points and heads of the assigned unit write progress reports."""
        return user.is_authenticated and self.unit_id in user.access.own_unit_ids

    def can_submit(self, user: User) -> bool:
        """Only the head of the assigned unit submits on the unit's behalf."""
        from cchc.accounts.roles import Role as UserRole

        return user.is_authenticated and self.unit_id in user.access.unit_ids(UserRole.UNIT_LEADER)

    def can_review(self, user: User) -> bool:
        """The secretariat accepts or returns reports and decides extensions."""
        return user.is_authenticated and user.access.can_manage_units


class ProgressReportQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ProgressReportQuerySet:
        return self.filter(assignment__in=Assignment.objects.visible_to(user))


class ProgressReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="reports")
    percent = models.PositiveSmallIntegerField(_("progress %"), validators=[MaxValueValidator(100)])
    is_completion = models.BooleanField(_("reports completion"), default=False)
    work_done = models.TextField(_("what was done"))
    output_documents = models.TextField(_("output documents"), blank=True)
    obstacles = models.TextField(_("obstacles"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(_("comment"), blank=True)

    objects = ProgressReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_completion=False) | Q(percent=100),
                name="report_completion_is_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} — {self.percent}%"

    def can_view(self, user: User) -> bool:
        return self.assignment.can_view(user)


class ExtensionRequestQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ExtensionRequestQuerySet:
        return self.filter(assignment__in=Assignment.objects.visible_to(user))


class ExtensionRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="extension_requests"
    )
    requested_deadline = models.DateField(_("requested deadline"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    approved_deadline = models.DateField(_("approved deadline"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    objects = ExtensionRequestQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(status="pending"),
                name="one_pending_extension_per_assignment",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_deadline__isnull=False),
                name="approved_extension_has_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} → {self.requested_deadline:%d/%m/%Y}"


class ObstacleQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ObstacleQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.access.sees_all_units:
            return self
        own = user.access.own_unit_ids
        return self.filter(Q(assignment__unit_id__in=own) | Q(answer_unit_id__in=own))

    def unanswered(self) -> ObstacleQuerySet:
        return self.filter(answered_at__isnull=True)


class Obstacle(models.Model):
    """A difficulty or recommendation raised in a report, tracked until it is answered."""

    class Kind(models.TextChoices):
        OBSTACLE = "obstacle", _("Obstacle")
        RECOMMENDATION = "recommendation", _("Recommendation")

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="obstacles")
    report = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.PROTECT, related_name="raised"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    text = models.TextField(_("text"))
    answer_unit = models.ForeignKey(
        Unit, verbose_name=_("to be answered by"), on_delete=models.PROTECT, related_name="+"
    )
    answer_due = models.DateField(_("answer due"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)

    objects = ObstacleQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("obstacle or recommendation")
        verbose_name_plural = _("obstacles and recommendations")
        ordering = ["answer_due", "id"]

    def __str__(self) -> str:
        return self.text[:80]
