"""The dashboard's chart of responses per day, as geometry for an SVG template.

The template `surveys/partials/campaign_chart.html` draws it: a `<title>` and `<desc>` say
in words what it shows, each bar has its own `<title>`, and a table of the same figures
follows it for screen readers and for printing. No JavaScript, no inline style (CSP).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

WIDTH = 720
LEFT = 44  # room for the count axis
RIGHT = 12
TOP = 16
PLOT_HEIGHT = 160
BOTTOM = 28  # room for the day labels
MOST_LABELS = 8


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    tip: str


@dataclass(frozen=True)
class Label:
    x: float
    text: str


@dataclass(frozen=True)
class DayChart:
    title: str
    desc: str
    width: int
    height: int
    left: int
    top: int
    bottom: int  # the y of the axis
    right: int  # the x where the plot ends
    peak: int
    bars: list[Bar]
    labels: list[Label]


def _day(day: datetime.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _tip(day: datetime.date, count: int) -> str:
    text = ngettext("%(day)s: %(n)s response", "%(day)s: %(n)s responses", count)
    return text % {"day": _day(day), "n": count}


def _labels(days: list[tuple[datetime.date, int]], step: float) -> list[Label]:
    every = max(1, -(-len(days) // MOST_LABELS))  # ceiling division
    return [
        Label(x=round(LEFT + (i + 0.5) * step, 1), text=day.strftime("%d/%m"))
        for i, (day, _count) in enumerate(days)
        if i % every == 0
    ]


def _desc(days: list[tuple[datetime.date, int]]) -> str:
    total = sum(n for _d, n in days)
    if not days or not total:
        return _("No valid response yet.")
    best_day, best = max(days, key=lambda d: d[1])
    text = ngettext(
        "%(total)s valid response from %(start)s to %(end)s; the most on %(best_day)s (%(best)s).",
        "%(total)s valid responses from %(start)s to %(end)s; the most on %(best_day)s (%(best)s).",
        total,
    )
    return text % {
        "total": total,
        "start": _day(days[0][0]),
        "end": _day(days[-1][0]),
        "best_day": _day(best_day),
        "best": best,
    }


def day_chart(days: list[tuple[datetime.date, int]], *, title: str) -> DayChart:
    """One bar a day (days without responses included, as 0), scaled to the busiest day."""
    plot_width = WIDTH - LEFT - RIGHT
    step = plot_width / max(len(days), 1)
    peak = max((n for _d, n in days), default=0)
    bottom = TOP + PLOT_HEIGHT
    bars = []
    for i, (day, count) in enumerate(days):
        height = count / peak * PLOT_HEIGHT if peak else 0
        bars.append(
            Bar(
                x=round(LEFT + i * step + step * 0.1, 1),
                y=round(bottom - height, 1),
                width=round(max(step * 0.8, 0.5), 1),
                height=round(height, 1),
                tip=_tip(day, count),
            )
        )
    return DayChart(
        title=title,
        desc=_desc(days),
        width=WIDTH,
        height=bottom + BOTTOM,
        left=LEFT,
        top=TOP,
        bottom=bottom,
        right=WIDTH - RIGHT,
        peak=peak,
        bars=bars,
        labels=_labels(days, step),
    )
