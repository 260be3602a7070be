"""SVG charts of the survey results, rendered on the server (no JavaScript, no inline style).

- `index_bars`: one horizontal bar per row (element, criterion or ranked unit) on a 0-100 %
  scale, the figure written after it; a row with an interval gets whiskers (the 95 % Wilson
  interval); a row whose sample is insufficient gets no bar and says so;
- `trend_lines`: the overall and element indices across campaigns, one line per series, each
  with its own dash pattern and marker shape so that colour is never the only cue.

As in `cchc.scoring.charts` every chart has a `<title>` and a `<desc>` saying in words what it
shows; the pages put a table with the same figures next to each chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

# The SVG wrapper (title, desc, aria) and the label shortening are the scoring charts' own.
from cchc.scoring.charts import _short, _svg, percent

from .calculations import Result
from .results.figures import GroupResult
from .results.ranking import RankLine, Trend

WIDTH = 720
LABEL_WIDTH = 270
LABEL_CHARS = 28  # fits LABEL_WIDTH even in capitals
BAR_HEIGHT = 22
GAP = 10
BAR_COLOUR = "#0b57d0"
TRACK_COLOUR = "#e8eaed"
WHISKER_COLOUR = "#202124"
SERIES = (  # colour, dash pattern, marker
    ("#0b57d0", "", "circle"),
    ("#b3261e", "6 3", "square"),
    ("#137333", "2 3", "diamond"),
    ("#a142f4", "8 3 2 3", "triangle"),
    ("#e37400", "1 2", "circle"),
    ("#5f6368", "10 4", "square"),
)


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None
    low: Decimal | None = None
    high: Decimal | None = None
    note: str = ""  # shown instead of the figure ("insufficient sample")


def _figure(bar: Bar) -> str:
    if bar.note:
        return bar.note
    text = percent(bar.value)
    if bar.low is not None and bar.high is not None:
        text += f" ({percent(bar.low)} - {percent(bar.high)})"
    return text


# --- bars ---------------------------------------------------------------------------------


def _bar(row: Bar, y: int, scale: float) -> list[str]:
    label = _short(row.label, LABEL_CHARS)
    parts = [
        f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT - 6}" text-anchor="end" '
        f'font-size="13">{escape(label)}<title>{escape(row.label)}</title></text>',
        f'<rect x="{LABEL_WIDTH}" y="{y}" width="{100 * scale:.1f}" '
        f'height="{BAR_HEIGHT}" fill="{TRACK_COLOUR}"/>',
    ]
    if row.value is not None and not row.note:
        tip = f"{row.label}: {_figure(row)}"
        parts.append(
            f'<rect class="bar" x="{LABEL_WIDTH}" y="{y}" width="{float(row.value) * scale:.1f}" '
            f'height="{BAR_HEIGHT}" fill="{BAR_COLOUR}"><title>{escape(tip)}</title></rect>'
        )
        parts += _whisker(row, y, scale)
    parts.append(
        f'<text x="{LABEL_WIDTH + 100 * scale + 6:.1f}" y="{y + BAR_HEIGHT - 6}" '
        f'font-size="13">{escape(percent(row.value) if not row.note else row.note)}</text>'
    )
    return parts


def _whisker(row: Bar, y: int, scale: float) -> list[str]:
    if row.low is None or row.high is None:
        return []
    x1 = LABEL_WIDTH + float(row.low) * scale
    x2 = LABEL_WIDTH + float(row.high) * scale
    mid = y + BAR_HEIGHT / 2
    top, bottom = y + 4, y + BAR_HEIGHT - 4
    line = f'stroke="{WHISKER_COLOUR}" stroke-width="1.5"'
    return [
        f'<g class="whisker"><title>{escape(_("95 % interval"))}: '
        f"{escape(percent(row.low))} - {escape(percent(row.high))}</title>"
        f'<line x1="{x1:.1f}" y1="{mid}" x2="{x2:.1f}" y2="{mid}" {line}/>'
        f'<line x1="{x1:.1f}" y1="{top}" x2="{x1:.1f}" y2="{bottom}" {line}/>'
        f'<line x1="{x2:.1f}" y1="{top}" x2="{x2:.1f}" y2="{bottom}" {line}/></g>'
    ]


def index_bars(rows: Sequence[Bar], *, title: str, chart_id: str) -> SafeString:
    """One bar per row on a 0-100 % scale, the figure after it, whiskers for an interval."""
    scale = (WIDTH - LABEL_WIDTH - 90) / 100
    body: list[str] = []
    for i, row in enumerate(rows):
        body += _bar(row, GAP + i * (BAR_HEIGHT + GAP), scale)
    desc = " ".join(f"{r.label}: {_figure(r)}." for r in rows) or _("No figures.")
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    return _svg(
        body, title=title, desc=desc, chart_id=chart_id, height=max(height, 40), width=WIDTH
    )


def insufficient_note() -> str:
    return _("insufficient sample")


def element_bars(group: GroupResult, *, title: str, chart_id: str) -> SafeString:
    """The group's element indices (and the overall), with intervals when they have one."""
    rows = [_result_bar(e.title, e.result, group) for e in group.elements]
    rows.append(_result_bar(_("Overall"), group.overall, group))
    return index_bars(rows, title=title, chart_id=chart_id)


def criteria_bars(group: GroupResult, *, title: str, chart_id: str) -> SafeString:
    """Every criterion's index with its 95 % interval as whiskers."""
    rows = [_result_bar(f"{c.code}. {c.text}", c.result, group) for c in group.criteria]
    return index_bars(rows, title=title, chart_id=chart_id)


def _result_bar(label: str, result: Result, group: GroupResult) -> Bar:
    if not group.shows(result):
        return Bar(label, None, note=insufficient_note())
    return Bar(label, result.value, result.low, result.high)


def ranking_bars(lines: Sequence[RankLine], *, title: str, chart_id: str) -> SafeString:
    """The units' overall indices in rank order ("2. Sở Y tế")."""
    rows = [
        Bar(f"{line.rank}. {line.group.label}", line.group.overall.value)
        if line.rank is not None
        else Bar(line.group.label, None, note=insufficient_note())
        for line in lines
    ]
    return index_bars(rows, title=title, chart_id=chart_id)


# --- trend --------------------------------------------------------------------------------

PLOT_LEFT = 48
PLOT_RIGHT = 24
PLOT_TOP = 16
PLOT_HEIGHT = 200
AXIS_ROOM = 44
LEGEND_ROW = 20


def _marker(shape: str, x: float, y: float, colour: str, tip: str) -> str:
    title = f"<title>{escape(tip)}</title>"
    if shape == "square":
        return (
            f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}">'
            f"{title}</rect>"
        )
    if shape == "diamond":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}"
        return f'<polygon points="{points}" fill="{colour}">{title}</polygon>'
    if shape == "triangle":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}"
        return f'<polygon points="{points}" fill="{colour}">{title}</polygon>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}">{title}</circle>'


def _grid(width: float, labels: Sequence[str], xs: Sequence[float]) -> list[str]:
    bottom = PLOT_TOP + PLOT_HEIGHT
    parts = []
    for tick in range(0, 101, 20):
        y = bottom - tick / 100 * PLOT_HEIGHT
        parts.append(
            f'<line x1="{PLOT_LEFT}" y1="{y:.1f}" x2="{PLOT_LEFT + width:.1f}" y2="{y:.1f}" '
            f'stroke="{TRACK_COLOUR}"/>'
            f'<text x="{PLOT_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12">'
            f"{tick}</text>"
        )
    for x, label in zip(xs, labels, strict=True):
        parts.append(
            f'<text x="{x:.1f}" y="{bottom + 18}" text-anchor="middle" font-size="12">'
            f"{escape(_short(label, 18))}<title>{escape(label)}</title></text>"
        )
    return parts


def _series(
    name: str, values: Sequence[Decimal | None], xs: Sequence[float], style: tuple[str, str, str]
) -> list[str]:
    colour, dash, shape = style
    bottom = PLOT_TOP + PLOT_HEIGHT
    points = [
        (x, bottom - float(v) / 100 * PLOT_HEIGHT, v)
        for x, v in zip(xs, values, strict=True)
        if v is not None
    ]
    dashing = f' stroke-dasharray="{dash}"' if dash else ""
    parts = []
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _v in points)
        parts.append(
            f'<polyline class="series" points="{path}" fill="none" stroke="{colour}" '
            f'stroke-width="2"{dashing}/>'
        )
    for x, y, v in points:
        parts.append(_marker(shape, x, y, colour, f"{name}: {percent(v)}"))
    return parts


def _legend(names: Sequence[str], top: float) -> list[str]:
    parts = []
    for i, name in enumerate(names):
        colour, dash, shape = SERIES[i % len(SERIES)]
        y = top + i * LEGEND_ROW
        dashing = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{PLOT_LEFT}" y1="{y:.1f}" x2="{PLOT_LEFT + 30}" y2="{y:.1f}" '
            f'stroke="{colour}" stroke-width="2"{dashing}/>'
            + _marker(shape, PLOT_LEFT + 15, y, colour, name)
            + f'<text x="{PLOT_LEFT + 38}" y="{y + 4:.1f}" font-size="12">{escape(name)}</text>'
        )
    return parts


def trend_lines(trend: Trend, *, title: str, chart_id: str) -> SafeString:
    """The overall and element indices across the trend's campaigns (oldest on the left)."""
    width = WIDTH - PLOT_LEFT - PLOT_RIGHT
    count = len(trend.points)
    step = width / count if count else width
    xs = [PLOT_LEFT + step * (i + 0.5) for i in range(count)]
    labels = [point.campaign.name for point in trend.points]
    series = [("overall", _("Overall")), *trend.elements]
    body = _grid(width, labels, xs)
    for i, (code, name) in enumerate(series):
        body += _series(name, trend.series(code), xs, SERIES[i % len(SERIES)])
    body += _legend([name for _code, name in series], PLOT_TOP + PLOT_HEIGHT + AXIS_ROOM)
    desc = " ".join(
        f"{name}: "
        + ", ".join(
            f"{label} {percent(v)}" for label, v in zip(labels, trend.series(code), strict=True)
        )
        + "."
        for code, name in series
    )
    height = PLOT_TOP + PLOT_HEIGHT + AXIS_ROOM + LEGEND_ROW * len(series)
    desc = desc or _("No figures.")
    return _svg(body, title=title, desc=desc, chart_id=chart_id, height=height, width=WIDTH)
