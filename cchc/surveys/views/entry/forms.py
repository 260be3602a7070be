"""HTML input for the staff entry pages: a paper form, settling two typings, invalidating a
response, uploading a file and filtering the response list."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ...answers import AnswersInvalid, QuestionSpec, spec_for
from ...models import Campaign, CampaignUnit, Channel, QuestionKind
from ...services.entry import PROCEDURE, DiffLine

PREFIX = "a_"  # answer fields are named a_<question code>: no clash with unit, serial, ...
LONG_TEXT = 120


def _choices(question: QuestionSpec) -> list[tuple[str, str]]:
    return [(str(value), f"{value} - {label}") for value, label in question.values.items()]


def question_field(question: QuestionSpec) -> forms.Field:
    """The form field of one question (required-ness is checked by `answers.clean_answers`)."""
    label = f"{question.code}. {question.text}" + (" *" if question.required else "")
    common: dict[str, Any] = {"label": label, "required": False, "help_text": question.hint}
    if question.kind == QuestionKind.MULTIPLE:
        return forms.MultipleChoiceField(
            choices=_choices(question), widget=forms.CheckboxSelectMultiple, **common
        )
    if question.is_discrete:
        # "no answer" lets a typist take back a click without JavaScript
        choices = [*_choices(question), ("", _("no answer"))]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if question.kind == QuestionKind.NUMBER:
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
    widget = forms.Textarea(attrs={"rows": 2}) if question.max_length > LONG_TEXT else None
    return forms.CharField(widget=widget, strip=False, **common)


class PaperForm(forms.Form):
    """One paper form as typed by staff: the unit, the form's number, the procedure and the
    questionnaire. Never pre-filled with an earlier typing (the second entry is blind)."""

    unit = forms.ModelChoiceField(queryset=CampaignUnit.objects.none(), label=_("Unit"))
    serial = forms.CharField(
        label=_("Form number"),
        max_length=64,
        help_text=_("The number written on the paper form."),
    )
    procedure = forms.ChoiceField(label=_("Procedure"), required=False)

    def __init__(self, *args: Any, campaign: Campaign, units: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda cu: cu.unit.name
        if campaign.procedures:
            self.fields["procedure"].choices = [("", "—")] + [
                (p["code"], p.get("name") or p["code"]) for p in campaign.procedures
            ]
        else:
            del self.fields["procedure"]
        titles = dict(campaign.version.sections.values_list("pk", "title"))
        self.sections: list[tuple[str, list[str]]] = []
        for question in spec_for(campaign.version).questions:
            name = PREFIX + question.code
            self.fields[name] = question_field(question)
            title = titles.get(question.section_id, "")
            if not self.sections or self.sections[-1][0] != title:
                self.sections.append((title, []))
            self.sections[-1][1].append(name)

    def answer_sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.sections]

    def answers(self) -> dict[str, Any]:
        return {
            name.removeprefix(PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(PREFIX)
        }

    def add_problems(self, error: AnswersInvalid) -> None:
        add_problems(self, error, {"serial": "serial", "procedure": "procedure", "unit": "unit"})


def add_problems(form: forms.Form, error: AnswersInvalid, named: Mapping[str, str]) -> None:
    """Put each problem next to its field: a question code on its answer field."""
    for code, messages in error.problems.items():
        name = named.get(code, PREFIX + code)
        form.add_error(name if name in form.fields else None, list(messages))


class SettleForm(forms.Form):
    """For each question the two typings disagree on: keep the first or the second."""

    def __init__(self, *args: Any, lines: list[DiffLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for line in lines:
            if line.same:
                continue
            self.fields[PREFIX + line.code] = forms.ChoiceField(
                label=f"{line.code}. {line.text}" if line.code != PROCEDURE else line.text,
                choices=[
                    ("1", _("1st entry: %(answer)s") % {"answer": line.first or "—"}),
                    ("2", _("2nd entry: %(answer)s") % {"answer": line.second or "—"}),
                ],
                widget=forms.RadioSelect,
                required=False,
            )

    def choices(self) -> dict[str, str]:
        return {name.removeprefix(PREFIX): v for name, v in self.cleaned_data.items() if v}

    def add_problems(self, error: AnswersInvalid) -> None:
        add_problems(self, error, {})


class InvalidateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for invalidating"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,  # the service says why an empty reason is refused
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8) or XLSX, for example a KoboToolbox export; at most 10 MB."),
    )


class ResponseFilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        queryset=CampaignUnit.objects.none(), label=_("Unit"), required=False
    )
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    valid = forms.ChoiceField(
        label=_("Valid"),
        required=False,
        choices=[("", _("All")), ("yes", _("Valid")), ("no", _("Invalidated"))],
    )
    since = forms.DateTimeField(
        label=_("From (hour)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    until = forms.DateTimeField(
        label=_("To (hour)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args: Any, units: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda cu: cu.unit.name
        self.fields["channel"].choices = [("", _("All")), *Channel.choices]

    def filters(self) -> dict[str, Any]:
        """Keyword arguments of `services.entry.filter_responses` (empty when invalid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "unit_id": data["unit"].unit_id if data["unit"] else None,
            "channel": data["channel"],
            "valid": {"yes": True, "no": False}.get(data["valid"]),
            "since": data["since"],
            "until": data["until"],
        }
