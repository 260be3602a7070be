"""HTML input for the unit pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.core.forms import DateInput
from cchc.core.widgets import FastSelect, FastSelectMultiple

from .models import Unit, UnitQuerySet


class UnitFilterForm(forms.Form):
    STATUSES = [("current", _("Current")), ("ended", _("Ended")), ("all", _("All"))]
    VIEWS = [("table", _("Table")), ("tree", _("Tree"))]

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Unit.Kind.choices]
    )
    status = forms.ChoiceField(label=_("Validity"), required=False, choices=STATUSES)
    without_focal_point = forms.BooleanField(label=_("Without a focal point"), required=False)
    view = forms.ChoiceField(label=_("Show as"), required=False, choices=VIEWS)

    def filter(self, units: UnitQuerySet) -> UnitQuerySet:
        """Apply the valid filters; invalid values are ignored."""
        self.is_valid()
        data = self.cleaned_data
        units = units.search(data.get("q") or "")
        if data.get("kind"):
            units = units.filter(kind=data["kind"])
        status = data.get("status") or "current"
        if status == "current":
            units = units.current()
        elif status == "ended":
            units = units.ended()
        if data.get("without_focal_point"):
            units = units.without_focal_point()
        return units

    @property
    def as_tree(self) -> bool:
        return self.is_valid() and self.cleaned_data.get("view") == "tree"


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = [
            "code",
            "name",
            "short_name",
            "kind",
            "parent",
            "official_code",
            "valid_from",
            "valid_to",
            "email",
            "notes",
        ]
        widgets = {
            "valid_from": DateInput(),
            "valid_to": DateInput(),
            "parent": FastSelect,
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = Unit.objects.order_by("kind", "name")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents


class MergeForm(forms.Form):
    predecessors = forms.ModelMultipleChoiceField(
        label=_("Units that merge"),
        queryset=Unit.objects.current(),
        help_text=_("They end the day before the effective date."),
        widget=FastSelectMultiple(attrs={"size": 12}),
    )
    successor = forms.ModelChoiceField(
        label=_("Into an existing unit"),
        queryset=Unit.objects.current(),
        required=False,
        widget=FastSelect,
    )
    new_code = forms.CharField(label=_("or a new unit: code"), max_length=32, required=False)
    new_name = forms.CharField(label=_("new unit: official name"), max_length=255, required=False)
    new_kind = forms.ChoiceField(
        label=_("new unit: kind"), choices=[("", "—"), *Unit.Kind.choices], required=False
    )
    new_parent = forms.ModelChoiceField(
        label=_("new unit: parent unit"),
        queryset=Unit.objects.current(),
        required=False,
        widget=FastSelect,
    )
    effective_date = forms.DateField(label=_("Effective date"), widget=DateInput())
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=255,
        help_text=_("For example: Nghị quyết 1654/NQ-UBTVQH15"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        new = [data.get("new_code"), data.get("new_name"), data.get("new_kind")]
        if data.get("successor") and any(new):
            raise forms.ValidationError(
                _("Choose an existing unit or describe a new one, not both.")
            )
        if not data.get("successor") and not all(new):
            raise forms.ValidationError(
                _("Choose the unit they merge into, or give the new unit's code, name and kind.")
            )
        return data

    def successor_unit(self) -> Unit:
        """The chosen unit, or a new (unsaved) one the merger will create."""
        data = self.cleaned_data
        if data["successor"]:
            return data["successor"]
        return Unit(
            code=data["new_code"],
            name=data["new_name"],
            kind=data["new_kind"],
            parent=data["new_parent"],
        )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (XLSX or CSV)"),
        help_text=_(
            "Columns: code, name, short_name, kind, parent_code, official_code, valid_from, "
            "valid_to, email, notes. Dates as dd/mm/yyyy."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Decision document"),
        help_text=_("PDF, Word (.docx) or an image (PNG, JPEG)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.png,.jpg,.jpeg"}),
    )
    description = forms.CharField(label=_("Description"), max_length=255, required=False)


class SplitForm(forms.Form):
    predecessor = forms.ModelChoiceField(
        label=_("Unit that splits"),
        queryset=Unit.objects.current(),
        help_text=_("It ends the day before the effective date."),
        widget=FastSelect,
    )
    successors = forms.ModelMultipleChoiceField(
        label=_("Units that take over its parts"),
        queryset=Unit.objects.current(),
        help_text=_("At least two; create new units first with “New unit” if needed."),
        widget=FastSelectMultiple(attrs={"size": 12}),
    )
    effective_date = forms.DateField(label=_("Effective date"), widget=DateInput())
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=255,
        help_text=_("For example: Nghị quyết 1654/NQ-UBTVQH15"),
    )
