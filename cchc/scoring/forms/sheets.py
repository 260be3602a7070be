"""HTML input for the score sheet: a row's declaration, survey points, evidence, appraisal
and explanation. The services decide what is allowed and word the errors; these forms only
turn the posted text into values (field names match the services' error keys)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import calculations as calc
from ..models import Criterion, Score

if TYPE_CHECKING:
    from ..queries import Row
    from ..services.sheets import Reference

NOTE = {"rows": 2}
POINTS = {"max_digits": 7, "decimal_places": 2, "required": False}
NUMBER = {"max_digits": 14, "decimal_places": 2, "required": False, "min_value": 0}


def _points_widget(criterion: Criterion) -> forms.NumberInput:
    step = criterion.params.get("step") or "0.01"
    return forms.NumberInput(attrs={"min": 0, "max": criterion.max_points, "step": step})


def _number(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, widget=forms.NumberInput(attrs={"min": 0, "step": "any"}), **NUMBER
    )


def _option_label(option: dict[str, Any]) -> str:
    name = str(option.get("label") or option.get("key"))
    if option.get("not_applicable"):
        return f"{name} ({_('not applicable')})"
    return f"{name} — {option.get('points')}"


def _has_na_option(criterion: Criterion) -> bool:
    options = criterion.params.get("options", []) if criterion.method == calc.Method.CHOICE else []
    return any(o.get("not_applicable") for o in options)


class SelfScoreForm(forms.Form):
    """What the unit declares for one criterion; the inputs depend on its method."""

    note = forms.CharField(
        label=_("Note (explain here when evidence is missing)"),
        required=False,
        widget=forms.Textarea(attrs=NOTE),
    )

    def __init__(self, *args: Any, score: Score, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"self-{score.pk}-%s")
        criterion = score.criterion
        kwargs.setdefault("initial", _initial(score))
        super().__init__(*args, **kwargs)
        self.fields.update(_declared_fields(criterion))
        if criterion.allows_not_applicable and not _has_na_option(criterion):
            self.fields["not_applicable"] = forms.BooleanField(
                label=_("Not applicable to our unit"), required=False
            )
        self.order_fields([*self.declared_names, "not_applicable", "note"])

    @property
    def declared_names(self) -> list[str]:
        return [n for n in self.fields if n not in ("note", "not_applicable")]

    def declared(self) -> dict[str, Any]:
        """The declaration for `services.sheets.self_score` (without the note)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "note"}


def _initial(score: Score) -> dict[str, Any]:
    fields = ("entered_points", "choice", "numerator", "denominator", "value")
    return {f: getattr(score, f) for f in fields} | {
        "not_applicable": score.not_applicable,
        "note": score.note,
    }


def _declared_fields(criterion: Criterion) -> dict[str, forms.Field]:
    method, params = criterion.method, criterion.params
    if method == calc.Method.MANUAL:
        return {
            "entered_points": forms.DecimalField(
                label=_("Points"), widget=_points_widget(criterion), **POINTS
            )
        }
    if method == calc.Method.CHOICE:
        options = [(str(o.get("key")), _option_label(o)) for o in params.get("options", [])]
        return {
            "choice": forms.ChoiceField(
                label=_("Choice (points)"),
                choices=options,
                required=False,
                widget=forms.RadioSelect,
            )
        }
    if method == calc.Method.BANDS and params.get("basis") == "number":
        return {"value": _number(_("Declared number"))}
    if method in (calc.Method.RATIO, calc.Method.BANDS):
        return {"numerator": _number(_("Achieved")), "denominator": _number(_("Total"))}
    return {}


class SurveyForm(forms.Form):
    """The secretariat enters the survey points of a criterion."""

    entered_points = forms.DecimalField(label=_("Survey points"), **POINTS)

    def __init__(self, *args: Any, score: Score, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"survey-{score.pk}-%s")
        kwargs.setdefault("initial", {"entered_points": score.entered_points})
        super().__init__(*args, **kwargs)
        self.fields["entered_points"].widget = _points_widget(score.criterion)


class EvidenceForm(forms.Form):
    """A file, a record already in cchc, or both, with a description."""

    file = forms.FileField(
        label=_("File (PDF, Word, Excel, PowerPoint, PNG, JPEG)"), required=False
    )
    reference = forms.ChoiceField(label=_("Or cite a record in cchc"), required=False)
    note = forms.CharField(label=_("Description"), required=False, max_length=500)

    def __init__(
        self, *args: Any, score: Score, references: list[Reference], **kwargs: Any
    ) -> None:
        kwargs.setdefault("auto_id", f"evidence-{score.pk}-%s")
        super().__init__(*args, **kwargs)
        choices = [(f"{r.kind}:{r.pk}", r.label) for r in references]
        self.fields["reference"].choices = [("", "—"), *choices]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("file") and not data.get("reference") and not self.errors:
            raise forms.ValidationError(_("Choose a file or a record to cite."))
        return data

    def reference_key(self) -> tuple[str, int] | None:
        value = self.cleaned_data.get("reference")
        if not value:
            return None
        kind, pk = value.split(":")
        return kind, int(pk)


class AppraiseForm(forms.Form):
    """An appraiser's points for one criterion in round 1 (with a flag) or round 2."""

    points = forms.DecimalField(label=_("Points"), max_digits=7, decimal_places=2)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs=NOTE))
    needs_explanation = forms.BooleanField(label=_("Ask the unit to explain"), required=False)

    def __init__(self, *args: Any, score: Score, round_no: int, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"appraise-{round_no}-{score.pk}-%s")
        kwargs.setdefault("initial", _appraisal_initial(score, round_no))
        super().__init__(*args, **kwargs)
        self.round_no = round_no
        self.fields["points"].widget = _points_widget(score.criterion)
        if round_no != 1:
            del self.fields["needs_explanation"]


def _appraisal_initial(score: Score, round_no: int) -> dict[str, Any]:
    before: Decimal | None = score.round_1_points if round_no == 2 else None
    points = getattr(score, f"round_{round_no}_points")
    if points is None:
        points = before if before is not None else score.self_points
    return {
        "points": points,
        "comment": getattr(score, f"round_{round_no}_comment"),
        "needs_explanation": score.needs_explanation,
    }


class ExplainForm(forms.Form):
    """The unit's answer to a flagged criterion, with an optional file."""

    explanation = forms.CharField(
        label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    file = forms.FileField(label=_("Additional evidence (optional)"), required=False)

    def __init__(self, *args: Any, score: Score, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"explain-{score.pk}-%s")
        kwargs.setdefault("initial", {"explanation": score.explanation})
        super().__init__(*args, **kwargs)


def forms_for(
    row: Row, *, references: list[Reference], bound: dict[str, forms.Form] | None = None
) -> dict[str, forms.Form]:
    """The unbound forms a row shows for what the person may do on it (`bound` replaces
    any of them, e.g. one just posted with errors)."""
    score = row.score
    found: dict[str, forms.Form] = {}
    if score is None:
        return found
    if row.can_self:
        found["self"] = SelfScoreForm(score=score)
    if row.can_survey:
        found["survey"] = SurveyForm(score=score)
    if row.evidence_stage:
        found["evidence"] = EvidenceForm(score=score, references=references)
    if row.can_appraise:
        found["appraise"] = AppraiseForm(score=score, round_no=row.can_appraise)
    if row.can_explain:
        found["explain"] = ExplainForm(score=score)
    found.update(bound or {})
    return found
