"""Reform plans, their areas and tasks."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cchc.core.text import fold, normalize, search_q
from cchc.units.models import Unit

if TYPE_CHECKING:
    from cchc.accounts.models import User


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> PlanQuerySet:
        """Plans are public documents inside the administration: every role reads them."""
        if user.is_authenticated and user.access.roles:
            return self
        return self.none()


class Plan(models.Model):
    class ProgressRule(models.TextChoices):
        REPORTED = "reported", _("Reported by the unit")
        COMPUTED = "computed", _("Computed from weighted sub-tasks")

    number = models.CharField(_("number and symbol"), max_length=50)
    title = models.CharField(_("title"), max_length=500)
    issuing_unit = models.ForeignKey(
        Unit, verbose_name=_("issuing body"), on_delete=models.PROTECT, related_name="+"
    )
    signed_on = models.DateField(_("signing date"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    document = models.ForeignKey(
        "core.Attachment",
        verbose_name=_("signed document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    progress_rule = models.CharField(
        _("progress rule"), max_length=16, choices=ProgressRule, default=ProgressRule.REPORTED
    )
    # Urging policy: reminders N days before the deadline, on the day, then every K days
    # overdue; after E overdue days the unit's head is told as well.
    remind_days_before = models.JSONField(_("remind days before"), default=list, blank=True)
    remind_on_due_day = models.BooleanField(_("remind on the due day"), default=True)
    remind_overdue_every = models.PositiveSmallIntegerField(
        _("remind every N days when overdue"), default=7
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        _("tell the head of unit after N overdue days"), default=14
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reform plan")
        verbose_name_plural = _("reform plans")
        ordering = ["-period_start", "number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="plan_period_ordered"
            ),
            models.UniqueConstraint(fields=["number", "issuing_unit"], name="plan_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("plans:plan-detail", args=[self.pk])

    def can_view(self, user: User) -> bool:
        return Plan.objects.visible_to(user).filter(pk=self.pk).exists()

    @staticmethod
    def can_manage(user: User) -> bool:
        return user.is_authenticated and user.access.can_manage_units


class ReformArea(models.Model):
    """Nội dung / lĩnh vực CCHC: configurable per plan (Plan 664 has six, plus direction)."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="areas")
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=255)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reform area")
        verbose_name_plural = _("reform areas")
        ordering = ["plan", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="area_code_unique_in_plan")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class TaskQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> TaskQuerySet:
        """Province-wide roles see every task; a unit sees tasks assigned to it."""
        if not user.is_authenticated:
            return self.none()
        if user.access.sees_all_units:
            return self
        return self.filter(assignments__unit_id__in=user.access.own_unit_ids).distinct()

    def search(self, text: str) -> TaskQuerySet:
        words = search_q("search_text", text)
        return self if words is None else self.filter(words | Q(code__iexact=text.strip()))


class Task(models.Model):
    class DeadlineKind(models.TextChoices):
        DATE = "date", _("By a date")
        RECURRING = "recurring", _("Recurring")
        THROUGHOUT = "throughout", _("Throughout the plan period")

    class Recurrence(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        SIX_MONTHLY = "six_monthly", _("Six-monthly")
        YEARLY = "yearly", _("Yearly")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    class Scope(models.TextChoices):
        LEAD = "lead", _("The lead unit")
        ALL_DEPARTMENTS = "all_departments", _("All departments and agencies")
        ALL_LOCAL = "all_local", _("All district-level units")
        ALL_DEPARTMENTS_AND_LOCAL = "all", _("All departments and district-level units")
        ALL_COMMUNES = "all_communes", _("All commune-level units")
        SELECTED = "selected", _("Selected units")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="tasks")
    area = models.ForeignKey(
        ReformArea, verbose_name=_("reform area"), on_delete=models.PROTECT, related_name="tasks"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent task"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subtasks",
    )
    code = models.CharField(_("code"), max_length=20)
    content = models.TextField(_("content"))
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="led_tasks"
    )
    coordinating_units = models.ManyToManyField(
        Unit, verbose_name=_("coordinating units"), blank=True, related_name="coordinated_tasks"
    )
    coordinating_text = models.CharField(
        _("coordinating units (as written)"), max_length=500, blank=True
    )
    expected_output = models.CharField(_("expected output"), max_length=500, blank=True)
    scope = models.CharField(_("assigned to"), max_length=20, choices=Scope, default=Scope.LEAD)
    deadline_kind = models.CharField(
        _("deadline kind"), max_length=12, choices=DeadlineKind, default=DeadlineKind.DATE
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    recurrence = models.CharField(_("recurrence"), max_length=12, choices=Recurrence, blank=True)
    due_day = models.PositiveSmallIntegerField(
        _("due day of the period's last month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    deadline_text = models.CharField(_("deadline (as written)"), max_length=200, blank=True)
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority, default=Priority.NORMAL
    )
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, default=Decimal("1.00")
    )
    is_real = models.BooleanField(
        _("from a real source"), null=True, blank=True, help_text=_("Demo data label.")
    )
    source = models.TextField(_("source"), blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TaskQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text"], m2m_fields=[coordinating_units])

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["plan", "area__position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="task_code_unique_in_plan"),
            models.CheckConstraint(
                condition=~Q(deadline_kind="date") | Q(deadline__isnull=False),
                name="task_date_deadline_set",
            ),
            models.CheckConstraint(
                condition=~Q(deadline_kind="recurring") | ~Q(recurrence=""),
                name="task_recurrence_set",
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="task_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.content[:80]}"

    def save(self, *args: object, **kwargs: object) -> None:
        # Derived, never typed: the normalised content and its search key.
        self.content = normalize(self.content)
        self.search_text = fold(f"{self.code} {self.content} {self.expected_output}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text", "content"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("plans:task-detail", args=[self.pk])

    def can_view(self, user: User) -> bool:
        return Task.objects.visible_to(user).filter(pk=self.pk).exists()
