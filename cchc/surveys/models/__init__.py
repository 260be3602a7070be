"""Satisfaction surveys (SIPAS): questionnaires, campaigns, anonymous responses and counts.

The index arithmetic is in `calculations` (pure Decimal); `results` aggregates `Tally`
rows in the database and hands the counts to it.
"""

from .campaigns import Campaign, CampaignStatus, CampaignUnit, SurveyToken
from .questionnaires import (
    AGREE,
    ANSWERED,
    DISAGREE,
    DISCRETE_KINDS,
    Choice,
    IndexRole,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireVersion,
    Section,
)
from .responses import Channel, PaperEntry, Response, ResponseCount, Tally

__all__ = [
    "AGREE",
    "ANSWERED",
    "DISAGREE",
    "DISCRETE_KINDS",
    "Campaign",
    "CampaignStatus",
    "CampaignUnit",
    "Channel",
    "Choice",
    "IndexRole",
    "PaperEntry",
    "Question",
    "QuestionKind",
    "Questionnaire",
    "QuestionnaireVersion",
    "Response",
    "ResponseCount",
    "Section",
    "SurveyToken",
    "Tally",
]
