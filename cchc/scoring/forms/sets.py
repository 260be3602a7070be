"""HTML input for the criteria-set pages: filter, import, clone, edit, bands, replace.

The services check everything that matters (`services.sets`); these forms only turn what
was typed into the services' arguments.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import CriteriaSet, UnitGroup

SET_FILE_ACCEPT = ".xlsx,.json"
_BAND_SEPARATORS = re.compile(r"[;|\t]")


def _model_field(name: str, **overrides: Any) -> forms.Field:
    """The form field of a `CriteriaSet` field (label and limits from the model)."""
    field = CriteriaSet._meta.get_field(name).formfield(**overrides)
    assert field is not None
    return field


def _year_field(**kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(label=_("Year assessed"), min_value=1990, max_value=2100, **kwargs)


def file_kind(upload: Any) -> str:
    """ "xlsx" or "json" from the uploaded file's name ("" for anything else)."""
    suffix = PurePath(getattr(upload, "name", "") or "").suffix.lower()
    return {".xlsx": "xlsx", ".json": "json"}.get(suffix, "")


class SetFileField(forms.FileField):
    """An .xlsx workbook or a .json tree; the content is checked by the readers."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("File (.xlsx or .json)"))
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": SET_FILE_ACCEPT}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload and not file_kind(upload):
            raise forms.ValidationError(
                _("Upload a workbook (.xlsx) or a criteria-set file (.json)."), code="kind"
            )
        return upload


class SetFilterForm(forms.Form):
    """The filters of the set list (GET)."""

    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    group = forms.ChoiceField(label=_("Unit group"), required=False)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Every year")), *[(y, y) for y in years]]
        self.fields["group"].choices = [("", _("Every group")), *UnitGroup.choices]


class SetImportForm(forms.Form):
    file = SetFileField(
        help_text=_("The workbook officials fill in (layout below) or a file exported from cchc.")
    )
    year = _year_field(required=False, help_text=_("Leave empty to take the file's year."))
    group = forms.ChoiceField(
        label=_("Unit group"),
        required=False,
        choices=[("", _("As in the file")), *UnitGroup.choices],
    )
    name = forms.CharField(
        label=_("Name of the set"),
        max_length=300,
        required=False,
        help_text=_("Leave empty to take the file's name."),
    )

    def overrides(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"year": data["year"], "group": data["group"] or None, "name": data["name"] or None}


class SetCloneForm(forms.Form):
    year = _year_field()
    name = forms.CharField(label=_("Name of the copy"), max_length=300)


class SetEditForm(forms.Form):
    """The fields of a set that may change until it is locked (`update_criteria_set`).

    A plain form, not a ModelForm: a ModelForm would write the values onto the set before
    the service compares them with the saved ones.
    """

    name = _model_field("name")
    legal_basis = _model_field("legal_basis")
    rounding = _model_field("rounding")
    cap_at_maximum = _model_field("cap_at_maximum")
    notes = _model_field("notes", widget=forms.Textarea(attrs={"rows": 4}))

    @classmethod
    def initial_of(cls, criteria_set: CriteriaSet) -> dict[str, Any]:
        return {name: getattr(criteria_set, name) for name in cls.base_fields}


def bands_text(criteria_set: CriteriaSet) -> str:
    """The set's bands as the textarea shows them: "Tốt ; 80", highest first."""
    from ..sets_io import decimal_text

    return "\n".join(
        f"{b.label} ; {decimal_text(b.min_percent)}"
        for b in criteria_set.bands.order_by("-min_percent")
    )


class BandsForm(forms.Form):
    """The bands as lines of "label ; from %"; the service checks labels and thresholds."""

    bands = forms.CharField(
        label=_("Bands, one a line: label ; from (%)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_(
            "For example “Xuất sắc ; 90”. A band holds every index from its percent up to "
            "the next band. Leave empty for no classification."
        ),
    )

    def clean_bands(self) -> list[tuple[str, Decimal, int]]:
        """(label, threshold, line number) in the order typed."""
        found, errors = [], []
        for number, line in enumerate(self.cleaned_data["bands"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = _BAND_SEPARATORS.split(line)
            label, start = ";".join(parts[:-1]).strip(), parts[-1].strip().rstrip("%").strip()
            if len(parts) < 2 or not label:
                errors.append(
                    _("Line %(line)s: write the label, a semicolon and the percent (Tốt ; 80).")
                    % {"line": number}
                )
                continue
            try:
                threshold = Decimal(start.replace(",", "."))
            except InvalidOperation:
                errors.append(
                    _("Line %(line)s: “%(value)s” is not a number.")
                    % {"line": number, "value": start}
                )
                continue
            found.append((label, threshold, number))
        if errors:
            raise forms.ValidationError(errors)
        return found


class ReplaceCriteriaForm(forms.Form):
    file = SetFileField(
        help_text=_(
            "The whole corrected tree: every criterion of the set is replaced by the file's. "
            "The set's year, group, name and bands stay as they are."
        )
    )


class ReferenceForm(forms.Form):
    """Which seed file to load (its name in `reference/`)."""

    file = forms.CharField(max_length=100)
