from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from .audit import verb_choices, verb_label
from .models import AuditEvent, AuditEventQuerySet
from .widgets import FastSelect

AUDITED_APPS = ("units", "accounts", "core")


def _record_type_label(content_type: ContentType) -> str:
    model = content_type.model_class()
    name = str(model._meta.verbose_name) if model is not None else content_type.model
    return name[:1].upper() + name[1:]


class DateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}, **kwargs)


class AuditSearchForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=get_user_model().objects.all(),
        required=False,
        widget=FastSelect,
    )
    record_type = forms.ModelChoiceField(
        label=_("Record type"),
        queryset=ContentType.objects.filter(app_label__in=AUDITED_APPS)
        .exclude(model__startswith="historical")
        .exclude(model="auditevent"),
        required=False,
    )
    verb = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["verb"].choices = [("", _("All actions")), *self._verb_choices()]
        self.fields["record_type"].label_from_instance = _record_type_label

    @staticmethod
    def _verb_choices() -> list[tuple[str, str]]:
        """Registered actions, plus any recorded action no app registered a label for."""
        choices = dict(verb_choices())
        recorded = AuditEvent.objects.order_by().values_list("verb", flat=True).distinct()
        for verb in recorded:
            choices.setdefault(verb, verb_label(verb))
        return sorted(choices.items(), key=lambda choice: choice[1].casefold())

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filter(self, events: AuditEventQuerySet) -> AuditEventQuerySet:
        data = self.cleaned_data
        if data.get("person"):
            events = events.filter(actor=data["person"])
        if data.get("record_type"):
            events = events.filter(content_type=data["record_type"])
        if data.get("verb"):
            events = events.filter(verb=data["verb"])
        if data.get("date_from"):
            events = events.filter(at__date__gte=data["date_from"])
        if data.get("date_to"):
            events = events.filter(at__date__lte=data["date_to"])
        return events


__all__ = ["AuditEvent", "AuditSearchForm"]
