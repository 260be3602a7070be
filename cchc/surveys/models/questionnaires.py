"""Questionnaires: versioned forms of sections, questions and answer choices.

A `Questionnaire` is a family (e.g. "SIPAS 2640"); its `QuestionnaireVersion`s hold the
content. A version is locked once a campaign opens with it: later wording changes make a
new version, and the campaign keeps the one it was run with. Every discrete answer is an
integer `Choice.value` (1-5 on the scales, 1/2 for disagree/agree, 1…k for choice lists), so
answers can be counted in the database (`Tally`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..calculations import AGREEING, SATISFIED, AssessmentScale

if TYPE_CHECKING:
    from cchc.accounts.models import User

# Labels of the answer scales (reference `answer_scales`); values are what is stored.
SATISFACTION_LABELS = {
    1: _("Very dissatisfied"),
    2: _("Dissatisfied"),
    3: _("Neutral"),
    4: _("Satisfied"),
    5: _("Very satisfied"),
}
AGREEMENT_LABELS = {
    1: _("Strongly disagree"),
    2: _("Disagree"),
    3: _("Neutral"),
    4: _("Agree"),
    5: _("Strongly agree"),
}
DISAGREE, AGREE = 1, 2
AGREE_DISAGREE_LABELS = {DISAGREE: _("Disagree"), AGREE: _("Agree")}
# For a multiple-choice question `Tally.value == ANSWERED` counts the respondents answering it.
ANSWERED = 0


class QuestionKind(models.TextChoices):
    SATISFACTION = "satisfaction", _("Five-level satisfaction")
    ASSESSMENT = "assessment", _("Assessment statement")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Short text")


# Kinds whose answers are `Choice` values (counted in `Tally`).
DISCRETE_KINDS = frozenset(
    {QuestionKind.SATISFACTION, QuestionKind.ASSESSMENT, QuestionKind.SINGLE, QuestionKind.MULTIPLE}
)


class IndexRole(models.TextChoices):
    """What a question feeds in the SIPAS indices (README §6)."""

    NONE = "", _("Not in the indices")
    CRITERION = "criterion", _("Criterion of its element")
    ELEMENT = "element", _("The element's satisfaction question")
    OVERALL = "overall", _("Overall satisfaction question")
    EXPECTATION = "expectation", _("Expectations (areas to improve)")


class QuestionnaireQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> QuestionnaireQuerySet:
        """Questionnaires are read by everyone with a role (units see what they are asked)."""
        if user.is_authenticated and user.access.roles:
            return self
        return self.none()


class Questionnaire(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = QuestionnaireQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def can_manage(user: User) -> bool:
        from cchc.accounts.roles import MANAGER_ROLES

        return user.is_authenticated and user.access.has_role(*MANAGER_ROLES)

    def latest_version(self) -> QuestionnaireVersion | None:
        return self.versions.order_by("-number").first()


class QuestionnaireVersion(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"), validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=300)
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("Sources, and wording that could not be checked.")
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")
        ordering = ["questionnaire", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"], name="surveys_version_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class Section(models.Model):
    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.SlugField(_("code"), max_length=64)
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="surveys_section_code_unique"),
            models.UniqueConstraint(
                fields=["version", "position"], name="surveys_section_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.CASCADE, related_name="questions"
    )
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.SlugField(_("code"), max_length=64, help_text=_("The XLSForm name."))
    text = models.TextField(_("question"))
    hint = models.TextField(_("hint"), blank=True)
    kind = models.CharField(_("type"), max_length=16, choices=QuestionKind)
    scale = models.CharField(
        _("assessment scale"), max_length=16, choices=AssessmentScale, blank=True
    )
    index_role = models.CharField(
        _("role in the indices"), max_length=16, choices=IndexRole, blank=True
    )
    required = models.BooleanField(_("required"), default=False)
    max_picks = models.PositiveSmallIntegerField(
        _("most choices allowed"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    min_value = models.DecimalField(
        _("smallest number"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("largest number"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    max_length = models.PositiveSmallIntegerField(_("longest text"), default=500)
    show_if = models.ForeignKey(
        "self",
        verbose_name=_("shown only if"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dependents",
    )
    show_if_values = models.JSONField(
        _("answers that show it"),
        default=list,
        blank=True,
        help_text=_("Choice values of the earlier question; any of them shows this question."),
    )
    uncertain = models.BooleanField(_("wording uncertain"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"], name="surveys_question_code_unique"
            ),
            models.UniqueConstraint(
                fields=["version", "position"], name="surveys_question_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:60]}"

    @property
    def is_discrete(self) -> bool:
        return self.kind in DISCRETE_KINDS

    def favourable_values(self) -> frozenset[int]:
        """Answers that count as satisfied / agreeing (empty for other kinds)."""
        if self.kind == QuestionKind.SATISFACTION:
            return SATISFIED
        if self.kind == QuestionKind.ASSESSMENT:
            return frozenset({AGREE}) if self.scale == AssessmentScale.AGREE_DISAGREE else AGREEING
        return frozenset()


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    value = models.PositiveSmallIntegerField(_("value"), validators=[MinValueValidator(1)])
    name = models.CharField(_("name"), max_length=64, help_text=_("The XLSForm choice name."))
    label = models.CharField(_("label"), max_length=500)

    class Meta:
        verbose_name = _("answer choice")
        verbose_name_plural = _("answer choices")
        ordering = ["question", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "value"], name="surveys_choice_value_unique"
            ),
            models.UniqueConstraint(fields=["question", "name"], name="surveys_choice_name_unique"),
        ]

    def __str__(self) -> str:
        return self.label
