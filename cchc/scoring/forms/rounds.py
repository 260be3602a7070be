"""HTML input for the round pages: open a round, its schedule, exceptions, appraisers, council."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cchc.accounts.models import User
from cchc.accounts.roles import Role
from cchc.core.forms import DateInput
from cchc.core.widgets import FastSelect, FastSelectMultiple
from cchc.units.models import Unit

from ..models import CriteriaSet, Criterion, Round, Stage
from ..services.rounds import SCHEDULE

TEXTAREA = {"rows": 3}
MIN_YEAR, MAX_YEAR = 2000, 2100

# (stage label, "from" field, "to" field) for laying the schedule out stage by stage.
SCHEDULE_STAGES = [
    (Stage.SELF_ASSESSMENT.label, "self_from", "self_to"),
    (Stage.APPRAISAL_1.label, "appraisal_1_from", "appraisal_1_to"),
    (Stage.EXPLANATION.label, "explanation_from", "explanation_to"),
    (Stage.APPRAISAL_2.label, "appraisal_2_from", "appraisal_2_to"),
    (Stage.COUNCIL.label, "council_from", "council_to"),
]


def default_year(today: datetime.date | None = None) -> int:
    """The year a round opened today would assess: this year from July, else the last."""
    today = today or timezone.localdate()
    return today.year if today.month >= 7 else today.year - 1


def year_from(raw: str | None, *, default: int | None = None) -> int:
    """A year from a query string or form data; `default` (or `default_year()`) otherwise."""
    try:
        year = int(raw or "")
    except ValueError:
        year = 0
    if MIN_YEAR <= year <= MAX_YEAR:
        return year
    return default if default is not None else default_year()


def default_schedule(year: int) -> dict[str, datetime.date]:
    """The usual calendar of the round assessing `year`, all in the following year."""
    y = year + 1
    return {
        "self_from": datetime.date(y, 1, 1),
        "self_to": datetime.date(y, 1, 15),
        "appraisal_1_from": datetime.date(y, 1, 16),
        "appraisal_1_to": datetime.date(y, 1, 31),
        "explanation_from": datetime.date(y, 2, 1),
        "explanation_to": datetime.date(y, 2, 10),
        "appraisal_2_from": datetime.date(y, 2, 11),
        "appraisal_2_to": datetime.date(y, 2, 20),
        "council_from": datetime.date(y, 2, 21),
        "council_to": datetime.date(y, 3, 5),
        "publish_on": datetime.date(y, 3, 10),
    }


class ScheduleForm(forms.Form):
    """The eleven dates of a round; the service checks that they run in order."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in SCHEDULE:
            label = capfirst(Round._meta.get_field(name).verbose_name)
            self.fields[name] = forms.DateField(label=label, widget=DateInput())

    def schedule(self) -> dict[str, datetime.date]:
        return {name: self.cleaned_data[name] for name in SCHEDULE}

    def stages(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        """The date fields stage by stage, for the template."""
        return [(label, self[start], self[end]) for label, start, end in SCHEDULE_STAGES]


class RoundOpenForm(ScheduleForm):
    year = forms.IntegerField(label=_("Year assessed"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    name = forms.CharField(label=_("Name"), max_length=300)
    criteria_sets = forms.ModelMultipleChoiceField(
        label=_("Criteria sets"),
        queryset=CriteriaSet.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One set for each unit group ranked in this round."),
    )
    council_quorum = forms.IntegerField(
        label=_("Council approvals needed"), min_value=1, max_value=99, initial=1
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Units in scope"),
        queryset=Unit.objects.none(),
        required=False,
        widget=FastSelectMultiple(attrs={"size": 8}),
        help_text=_("Leave empty to include every current unit of the chosen sets' groups."),
    )

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        initial = {"year": year, "name": _("PAR Index %(year)s") % {"year": year}}
        initial |= default_schedule(year)
        kwargs["initial"] = initial | kwargs.get("initial", {})
        super().__init__(*args, **kwargs)
        self.year = self._chosen_year(year)
        sets = CriteriaSet.objects.filter(is_template=False, year=self.year)
        self.fields["criteria_sets"].queryset = sets.order_by("group", "name")
        self.fields["criteria_sets"].label_from_instance = _set_label
        self.fields["units"].queryset = Unit.objects.current().in_tree_order()
        self.order_fields(["year", "name", "criteria_sets", *SCHEDULE, "council_quorum", "units"])

    def _chosen_year(self, year: int) -> int:
        """The year typed in (when the form is posted), whose sets are offered."""
        return year_from(self.data.get("year"), default=year) if self.is_bound else year


def _set_label(criteria_set: CriteriaSet) -> str:
    state = _("locked") if criteria_set.is_locked else _("not locked yet")
    return f"{criteria_set.get_group_display()}: {criteria_set.name} ({state})"


class ExceptionForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), widget=FastSelect)
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    until = forms.DateField(label=_("Allowed until"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs=TEXTAREA)
    )

    def __init__(self, *args: Any, round_: Round, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(score_sheets__round=round_).order_by("name")
        self.fields["unit"].queryset = units
        self.fields["unit"].empty_label = _("Choose a unit")


def area_choices(round_: Round) -> list[tuple[str, str]]:
    """The areas (depth-1 criteria) of the round's sets by code, with their names."""
    names: dict[str, list[str]] = {}
    rows = Criterion.objects.filter(criteria_set__rounds=round_, depth=1).order_by(
        "position", "code"
    )
    for code, name in rows.values_list("code", "name"):
        seen = names.setdefault(code, [])
        if name not in seen:
            seen.append(name)
    return [(code, f"{code}. {' / '.join(n)}") for code, n in names.items()]


class AppraiserForm(forms.Form):
    area_code = forms.ChoiceField(label=_("Area"))
    appraiser = forms.ModelChoiceField(
        label=_("Appraiser"), queryset=User.objects.none(), widget=FastSelect
    )

    def __init__(self, *args: Any, round_: Round, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area_code"].choices = [("", _("Choose an area")), *area_choices(round_)]
        people = User.objects.holding(role=Role.APPRAISER).order_by("full_name", "username")
        self.fields["appraiser"].queryset = people
        self.fields["appraiser"].empty_label = _("Choose an appraiser")


class ApprovalForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
