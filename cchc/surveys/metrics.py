"""The unit's satisfaction index as a metric for PAR Index criteria (`scoring.metrics`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cchc.scoring.metrics import Reading, register


def _satisfaction(unit_ids: list[int], year: int) -> dict[int, Reading]:
    from .results.metric import unit_satisfaction

    return unit_satisfaction(unit_ids, year)


register(
    "surveys.satisfaction",
    _("Satisfaction index of the unit's users (SIPAS survey of the year, %)"),
    _satisfaction,
)
