"""HTML input for the results pages: how the ranking shows its areas, and a correction."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

AREA_FIGURES = [("index", _("Index (%)")), ("points", _("Points"))]


class RankingViewForm(forms.Form):
    """Which published revision to show and what the area columns show (GET)."""

    revision = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    show = forms.ChoiceField(label=_("Area columns"), choices=AREA_FIGURES, required=False)

    def figures(self) -> str:
        return (self.cleaned_data.get("show") if self.is_valid() else "") or "index"

    def revision_asked(self) -> int | None:
        return self.cleaned_data.get("revision") if self.is_valid() else None


class CorrectionForm(forms.Form):
    """A published score corrected: the new points and why (recorded in a new revision)."""

    points = forms.DecimalField(
        label=_("Corrected points"), max_digits=7, decimal_places=2, min_value=Decimal(0)
    )
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("It is published with the new revision of the results."),
    )
