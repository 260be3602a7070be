"""Read models of the PAR Index results: the ranking of a round and a unit's scorecard.

Plain functions over the ORM, no writes. After publication every figure comes from the
current (or a chosen) revision of the publication, so the pages, the spreadsheet, the
Word annex and the PDF show exactly what was published; before publication the
provisional figures of `services.publication.results` are shown to the few who may see
them (`can_see_provisional`).
"""

from .ranking import (
    GROUP_ORDER,
    NONE_SHOWN,
    TOP_LOST,
    AreaColumn,
    AreaFigure,
    Cell,
    GroupRanking,
    Line,
    Ranking,
    ShownLine,
    can_see_provisional,
    can_see_results,
    group_bands,
    group_lines,
    number_formatter,
    provisional_lines,
    published_lines,
    ranking,
    ranking_for,
    revisions,
    shown_lines,
)
from .scorecard import (
    Comparison,
    LostItem,
    Scorecard,
    last_year_comparison,
    lost_points,
    previous_round,
    scorecard,
    sheet_line,
)

__all__ = [
    "GROUP_ORDER",
    "NONE_SHOWN",
    "TOP_LOST",
    "AreaColumn",
    "AreaFigure",
    "Cell",
    "Comparison",
    "GroupRanking",
    "Line",
    "LostItem",
    "Ranking",
    "Scorecard",
    "ShownLine",
    "can_see_provisional",
    "can_see_results",
    "group_bands",
    "group_lines",
    "last_year_comparison",
    "lost_points",
    "number_formatter",
    "previous_round",
    "provisional_lines",
    "published_lines",
    "ranking",
    "ranking_for",
    "revisions",
    "scorecard",
    "sheet_line",
    "shown_lines",
]
