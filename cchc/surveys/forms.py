"""HTML forms of the surveys staff pages: campaigns, their units and quotas, tokens, and the
sample-size calculator. The rules live in the services; these only read and convert input.

Margins of error are typed in percent here ("5") and stored as a fraction (0.05).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.units.models import Unit

from .calculations import ElementMethod
from .models import Campaign, CampaignStatus, QuestionnaireVersion
from .services.campaigns import EDITABLE_WHILE_OPEN, SURVEYABLE_KINDS, UnitRow
from .services.tokens import MAX_BATCH_LABEL, MAX_TOKENS

HUNDRED = Decimal(100)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def margin_percent(campaign: Campaign) -> Decimal:
    """e as typed by people: 0.050 -> 5."""
    return (campaign.margin * HUNDRED).normalize()


def margin_field(**kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=gettext_lazy("Margin of error e (%)"),
        min_value=Decimal("0.1"),
        max_value=Decimal(50),
        decimal_places=1,
        initial=Decimal(5),
        help_text=gettext_lazy("5 % is the usual choice."),
        **kwargs,
    )


def procedures_text(procedures: list[dict[str, str]]) -> str:
    return "\n".join(f"{p['code']} | {p['name']}" for p in procedures)


def parse_procedures(text: str) -> list[dict[str, str]]:
    """One procedure a line: "code | name" (the name is optional)."""
    found = []
    for line in text.splitlines():
        if line.strip():
            code, _bar, name = line.partition("|")
            found.append({"code": code.strip(), "name": name.strip()})
    return found


class VersionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: QuestionnaireVersion) -> str:
        locked = _(" (locked)") if obj.is_locked else ""
        return f"{obj.questionnaire.code} v{obj.number}: {obj.title}{locked}"


class CampaignForm(forms.Form):
    code = forms.SlugField(
        label=gettext_lazy("Code"),
        max_length=64,
        help_text=gettext_lazy("Letters, digits and dashes, e.g. sipas-2026."),
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=300)
    version = VersionChoice(
        label=gettext_lazy("Questionnaire version"),
        queryset=QuestionnaireVersion.objects.select_related("questionnaire").order_by(
            "questionnaire__code", "-number"
        ),
    )
    starts_on = forms.DateField(label=gettext_lazy("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=gettext_lazy("Ends on"), widget=DateInput())
    element_method = forms.ChoiceField(
        label=gettext_lazy("Element and overall index"),
        choices=ElementMethod.choices,
        initial=ElementMethod.MEAN_OF_CRITERIA,
    )
    min_n = forms.IntegerField(
        label=gettext_lazy("Minimum sample for an index"),
        min_value=1,
        max_value=100_000,
        initial=30,
        help_text=gettext_lazy("Below it an index is shown as an insufficient sample."),
    )
    margin = margin_field()
    weighted = forms.BooleanField(
        label=gettext_lazy("Weight units by their population"), required=False
    )
    tokens_required = forms.BooleanField(
        label=gettext_lazy("One-time token required on the public form"), required=False
    )
    double_entry = forms.BooleanField(
        label=gettext_lazy("Paper forms entered twice"), required=False
    )
    procedures = forms.CharField(
        label=gettext_lazy("Procedures surveyed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy('One a line: "code | name". Empty: every procedure.'),
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, campaign: Campaign | None = None, **kwargs: Any) -> None:
        if campaign is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(campaign)
        super().__init__(*args, **kwargs)
        if campaign is not None and campaign.status != CampaignStatus.DRAFT:
            for name, field in self.fields.items():
                open_and_editable = campaign.status == CampaignStatus.OPEN and (
                    name in EDITABLE_WHILE_OPEN
                )
                field.disabled = not open_and_editable

    @staticmethod
    def initial_from(campaign: Campaign) -> dict[str, Any]:
        initial = {name: getattr(campaign, name) for name in CampaignForm.base_fields}
        initial["margin"] = margin_percent(campaign)
        initial["procedures"] = procedures_text(campaign.procedures)
        return initial

    def settings(self) -> dict[str, Any]:
        """The cleaned input as the services' keyword arguments (margin as a fraction)."""
        data = dict(self.cleaned_data)
        data["margin"] = data["margin"] / HUNDRED
        data["procedures"] = parse_procedures(data["procedures"])
        return data


class SampleSizeForm(forms.Form):
    population = forms.IntegerField(
        label=gettext_lazy("Population N"),
        min_value=0,
        max_value=100_000_000,
        help_text=gettext_lazy("Transactions of the unit's services in the period."),
    )
    margin = margin_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: the calculator sits next to the campaign form, which has a margin too.
        kwargs.setdefault("auto_id", "calc_%s")
        super().__init__(*args, **kwargs)


class UnitsForm(forms.Form):
    """The surveyed units: N and quota for each; while a draft, remove some and add others."""

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.draft = campaign.status == CampaignStatus.DRAFT
        self.surveyed = list(campaign.surveyed_units.select_related("unit"))
        for row in self.surveyed:
            self._row_fields(row.unit, row.population, row.quota)
        if self.draft:
            taken = [row.unit_id for row in self.surveyed]
            choices = Unit.objects.current().filter(kind__in=SURVEYABLE_KINDS).exclude(pk__in=taken)
            self.fields["add_units"] = forms.ModelMultipleChoiceField(
                label=gettext_lazy("Add units"),
                queryset=choices.in_tree_order(),
                required=False,
                widget=forms.SelectMultiple(attrs={"size": 10}),
                help_text=gettext_lazy(
                    "Departments, district and commune level units or their one-stop shops. "
                    "Hold Ctrl to choose several."
                ),
            )
        if campaign.status == CampaignStatus.CLOSED:
            for field in self.fields.values():
                field.disabled = True

    def _row_fields(self, unit: Unit, population: int | None, quota: int | None) -> None:
        name = unit.name
        self.fields[f"population_{unit.pk}"] = forms.IntegerField(
            label=_("Population N of %(unit)s") % {"unit": name},
            min_value=0,
            max_value=100_000_000,
            required=False,
            initial=population,
        )
        self.fields[f"quota_{unit.pk}"] = forms.IntegerField(
            label=_("Quota of %(unit)s") % {"unit": name},
            min_value=1,
            max_value=1_000_000,
            required=False,
            initial=quota,
        )
        if self.draft:
            self.fields[f"remove_{unit.pk}"] = forms.BooleanField(
                label=_("Remove %(unit)s") % {"unit": name}, required=False
            )

    def lines(self) -> list[dict[str, Any]]:
        """The bound fields of each surveyed unit, for the table."""
        return [
            {
                "surveyed": row,
                "population": self[f"population_{row.unit_id}"],
                "quota": self[f"quota_{row.unit_id}"],
                "remove": self[f"remove_{row.unit_id}"] if self.draft else None,
            }
            for row in self.surveyed
        ]

    def rows(self) -> list[UnitRow]:
        """What `services.campaigns.set_units` is asked for."""
        data = self.cleaned_data
        kept: list[UnitRow] = [
            (row.unit, data[f"population_{row.unit_id}"], data[f"quota_{row.unit_id}"])
            for row in self.surveyed
            if not data.get(f"remove_{row.unit_id}")
        ]
        added = [(unit, None, None) for unit in data.get("add_units") or []]
        return kept + added


class TokenForm(forms.Form):
    count = forms.IntegerField(
        label=gettext_lazy("Number of tokens"), min_value=1, max_value=MAX_TOKENS, initial=100
    )
    unit = forms.ModelChoiceField(label=gettext_lazy("Unit"), queryset=Unit.objects.none())
    batch = forms.CharField(
        label=gettext_lazy("Batch label"),
        max_length=MAX_BATCH_LABEL,
        required=False,
        help_text=gettext_lazy("To find the batch again, e.g. the month. Empty: date and time."),
    )

    def __init__(
        self, *args: Any, campaign: Campaign, unit_ids: frozenset[int] | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        surveyed = campaign.surveyed_units.values("unit_id")
        units = Unit.objects.filter(pk__in=surveyed).in_tree_order()
        field = self.fields["unit"]
        if unit_ids is None:  # the secretariat may issue tokens valid at any unit
            field.required = False
            field.empty_label = _("Any unit of the campaign")
        else:
            units = units.filter(pk__in=unit_ids)
            field.empty_label = None
        field.queryset = units
