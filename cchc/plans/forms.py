"""HTML input for the plan pages: plans, areas, tasks, reports, urging, filters."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cchc.core.forms import DateInput
from cchc.core.text import search_q
from cchc.core.widgets import FastSelect, FastSelectMultiple
from cchc.units.models import Unit

from .calculations import Status
from .models import (
    STATUS_LABELS,
    Assignment,
    AssignmentQuerySet,
    Obstacle,
    Plan,
    ProgressReport,
    ReformArea,
    Task,
)
from .queries import having_status

TEXTAREA = {"rows": 4}


def _units() -> Any:
    return Unit.objects.current().in_tree_order()


# Plans and areas ---------------------------------------------------------------------


class PlanForm(forms.ModelForm):
    remind_days_before = forms.CharField(
        label=_("Remind days before the deadline"),
        initial="7, 1",
        required=False,
        max_length=50,
        help_text=_("Numbers separated by commas, for example: 7, 1"),
    )

    class Meta:
        model = Plan
        fields = [
            "number",
            "title",
            "issuing_unit",
            "signed_on",
            "period_start",
            "period_end",
            "parent",
            "progress_rule",
            "remind_on_due_day",
            "remind_overdue_every",
            "escalate_after_days",
            "is_demo",
            "notes",
        ]
        widgets = {
            "signed_on": DateInput(),
            "period_start": DateInput(),
            "period_end": DateInput(),
            "notes": forms.Textarea(attrs=TEXTAREA),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuing_unit"].queryset = _units()
        parents = Plan.objects.all()
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
            days = self.instance.remind_days_before or []
            self.initial["remind_days_before"] = ", ".join(str(d) for d in days)
        self.fields["parent"].queryset = parents

    def clean_remind_days_before(self) -> tuple[int, ...]:
        raw = self.cleaned_data.get("remind_days_before") or ""
        parts = [p.strip() for p in raw.replace(";", ",").split(",") if p.strip()]
        if not all(p.isdigit() and 0 < int(p) <= 365 for p in parts):
            raise forms.ValidationError(_("Give whole numbers of days from 1 to 365."))
        return tuple(sorted({int(p) for p in parts}, reverse=True))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        return data


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("Signed document"),
        help_text=_("PDF or Word (.docx)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
    )


class AreaForm(forms.ModelForm):
    class Meta:
        model = ReformArea
        fields = ["code", "name", "position"]

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.instance.plan = plan

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if ReformArea.objects.filter(plan=self.plan, code=code).exists():
            raise forms.ValidationError(_("This plan already has an area with this code."))
        return code


# Tasks -------------------------------------------------------------------------------


TASK_FIELDS = [
    "area",
    "code",
    "content",
    "lead_unit",
    "coordinating_units",
    "coordinating_text",
    "scope",
    "expected_output",
    "deadline_kind",
    "deadline",
    "recurrence",
    "due_day",
    "deadline_text",
    "priority",
    "weight",
    "parent",
    "is_real",
    "source",
]
# What can change after the task has been given to units; deadlines change by extension.
TASK_EDIT_FIELDS = [
    "area",
    "content",
    "coordinating_units",
    "coordinating_text",
    "expected_output",
    "deadline_text",
    "priority",
    "weight",
    "is_real",
    "source",
]


class TaskForm(forms.ModelForm):
    selected_units = forms.ModelMultipleChoiceField(
        label=_("Selected units"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Only when the task is assigned to selected units."),
        widget=FastSelectMultiple(attrs={"size": 10}),
    )

    class Meta:
        model = Task
        fields = TASK_FIELDS
        widgets = {
            "content": forms.Textarea(attrs=TEXTAREA),
            "source": forms.Textarea(attrs={"rows": 2}),
            "deadline": DateInput(),
            "coordinating_units": FastSelectMultiple(attrs={"size": 8}),
            "lead_unit": FastSelect,
            "is_real": forms.NullBooleanSelect(),
        }

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.instance.plan = plan
        units = _units()
        for name in ("lead_unit", "coordinating_units", "selected_units"):
            if name in self.fields:
                self.fields[name].queryset = units
        self.fields["area"].queryset = plan.areas.all()
        if "parent" in self.fields:
            parents = plan.tasks.filter(cancelled_at__isnull=True)
            if self.instance.pk:
                parents = parents.exclude(pk=self.instance.pk)
            self.fields["parent"].queryset = parents

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("deadline_kind")
        if kind == Task.DeadlineKind.DATE and not data.get("deadline"):
            self.add_error("deadline", _("Give the deadline."))
        if kind == Task.DeadlineKind.RECURRING:
            if not data.get("recurrence"):
                self.add_error("recurrence", _("Choose how often the task recurs."))
            if not data.get("due_day"):
                self.add_error("due_day", _("Give the due day of the period's last month."))
        if data.get("scope") == Task.Scope.SELECTED and not data.get("selected_units"):
            self.add_error("selected_units", _("Choose at least one unit."))
        return data


class TaskEditForm(TaskForm):
    class Meta(TaskForm.Meta):
        fields = TASK_EDIT_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["selected_units"]

    def clean(self) -> dict[str, Any]:
        return forms.ModelForm.clean(self)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(TEXTAREA))


# Progress reports, extensions, obstacles ---------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ReportForm(forms.ModelForm):
    files = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_("PDF, Word, Excel, PowerPoint or images; you may choose several."),
    )

    class Meta:
        model = ProgressReport
        fields = [
            "percent",
            "work_done",
            "output_documents",
            "obstacles",
            "recommendations",
            "is_completion",
        ]
        widgets = {
            "work_done": forms.Textarea(attrs=TEXTAREA),
            "output_documents": forms.Textarea(attrs={"rows": 2}),
            "obstacles": forms.Textarea(attrs={"rows": 3}),
            "recommendations": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("is_completion") and data.get("percent") != 100:
            self.add_error("percent", _("A completion report is at 100 %."))
        return data


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What must be corrected"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ExtensionRequestForm(forms.Form):
    requested_deadline = forms.DateField(label=_("Requested deadline"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, assignment: Assignment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assignment = assignment

    def clean_requested_deadline(self) -> datetime.date:
        day = self.cleaned_data["requested_deadline"]
        if day <= self.assignment.deadline:
            raise forms.ValidationError(_("Ask for a date after the current deadline."))
        return day


class ExtensionDecisionForm(forms.Form):
    DECISIONS = [("approve", _("Approve")), ("refuse", _("Refuse"))]

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    approved_deadline = forms.DateField(
        label=_("Approved deadline"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty to grant the requested date."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea({"rows": 2}))

    @property
    def approve(self) -> bool:
        return self.cleaned_data.get("decision") == "approve"


class ObstacleForm(forms.ModelForm):
    class Meta:
        model = Obstacle
        fields = ["kind", "text", "answer_unit", "answer_due"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "answer_due": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answer_unit"].queryset = _units()

    def clean_answer_due(self) -> datetime.date:
        day = self.cleaned_data["answer_due"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("The answer cannot be due in the past."))
        return day


class ObstacleAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}))


# Urging ------------------------------------------------------------------------------


class UrgingForm(forms.Form):
    assignments = forms.ModelMultipleChoiceField(
        label=_("Late assignments"),
        queryset=Assignment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    subject = forms.CharField(label=_("Subject"), max_length=500)
    body = forms.CharField(label=_("Body"), widget=forms.Textarea(attrs={"rows": 8}))
    signer_name = forms.CharField(label=_("Signer"), max_length=150)
    signer_position = forms.CharField(label=_("Signer's position"), max_length=150)
    place = forms.CharField(label=_("Place"), max_length=100, initial="An Giang")
    issued_on = forms.DateField(label=_("Date"), required=False, widget=DateInput())

    def __init__(self, *args: Any, assignments: AssignmentQuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignments"]
        field.queryset = assignments
        field.label_from_instance = lambda a: f"{a.task.code} — {a.unit.name}"


def default_urging_text(count: int) -> dict[str, str]:
    """The Vietnamese subject and body an urging notice starts from (an official letter)."""
    return {
        "subject": "V/v đôn đốc thực hiện nhiệm vụ cải cách hành chính chậm tiến độ",
        "body": (
            "Theo dõi tình hình thực hiện Kế hoạch cải cách hành chính, đến nay còn "
            f"{count} nhiệm vụ đã quá hạn nhưng chưa hoàn thành (danh sách kèm theo).\n\n"
            "Sở Nội vụ đề nghị Thủ trưởng các cơ quan, đơn vị khẩn trương chỉ đạo hoàn thành "
            "các nhiệm vụ được giao, báo cáo kết quả về Sở Nội vụ; trường hợp có khó khăn, "
            "vướng mắc, đề nghị báo cáo rõ nguyên nhân và đề xuất thời hạn hoàn thành."
        ),
    }


# Filters and imports -----------------------------------------------------------------


STATUS_CHOICES = [("", _("All statuses")), *((s.value, STATUS_LABELS[s]) for s in Status)]


class BoardFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    plan = forms.ModelChoiceField(
        label=_("Plan"),
        queryset=Plan.objects.all(),
        required=False,
        empty_label=_("All plans"),
        widget=FastSelect,
    )
    area = forms.ModelChoiceField(
        label=_("Reform area"),
        queryset=ReformArea.objects.select_related("plan"),
        required=False,
        empty_label=_("All areas"),
        widget=FastSelect,
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.all(),
        required=False,
        empty_label=_("All units"),
        widget=FastSelect,
    )
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    deadline_from = forms.DateField(label=_("Deadline from"), required=False, widget=DateInput())
    deadline_to = forms.DateField(label=_("Deadline to"), required=False, widget=DateInput())

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units

    def filter(self, assignments: AssignmentQuerySet) -> AssignmentQuerySet:
        """Apply the valid filters; invalid values are ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if words := search_q("task__search_text", data.get("q") or ""):
            assignments = assignments.filter(words | Q(task__code__iexact=data["q"].strip()))
        for name, lookup in (("plan", "task__plan"), ("area", "task__area"), ("unit", "unit")):
            if data.get(name):
                assignments = assignments.filter(**{lookup: data[name]})
        if data.get("status"):
            assignments = having_status(assignments, data["status"])
        if data.get("deadline_from"):
            assignments = assignments.filter(deadline__gte=data["deadline_from"])
        if data.get("deadline_to"):
            assignments = assignments.filter(deadline__lte=data["deadline_to"])
        return assignments


class AnnexImportForm(forms.Form):
    file = forms.FileField(
        label=_("Plan annex (XLSX)"),
        help_text=_(
            "Columns: STT, task content, lead unit, coordinating units, output, deadline. "
            "Area heading rows and merged cells are read as written."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class QuarterForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.all())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.IntegerField(label=_("Quarter"), min_value=1, max_value=4)
