"""PAR Index: criteria sets (data), yearly rounds, score sheets, appraisal and publication.

Points are never computed here: `calculations` holds the arithmetic and
`services.recompute_sheet` keeps the derived totals on each sheet.
"""

from .rounds import (
    AppraiserAssignment,
    CouncilApproval,
    DeadlineException,
    Publication,
    PublishedResult,
    Round,
    Stage,
)
from .sets import Band, CriteriaSet, Criterion, UnitGroup
from .sheets import Evidence, Score, ScoreSheet

__all__ = [
    "AppraiserAssignment",
    "Band",
    "CouncilApproval",
    "CriteriaSet",
    "Criterion",
    "DeadlineException",
    "Evidence",
    "Publication",
    "PublishedResult",
    "Round",
    "Score",
    "ScoreSheet",
    "Stage",
    "UnitGroup",
]
