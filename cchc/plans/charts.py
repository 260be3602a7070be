"""Small SVG charts rendered on the server: no JavaScript, same output for page and print.

`status_bars` draws one horizontal stacked bar per row (a reform area or a unit) with
the four status figures of the Government Office's taxonomy. Every chart carries a
`<title>` and a `<desc>` (read by screen readers) and every segment its own `<title>`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .calculations import Status
from .models import STATUS_LABELS

SERIES = (Status.ON_TIME, Status.LATE, Status.WITHIN_TERM, Status.OVERDUE)
COLOURS = {
    Status.ON_TIME: "#146c2e",
    Status.LATE: "#c77700",
    Status.WITHIN_TERM: "#0b57d0",
    Status.OVERDUE: "#b3261e",
}
WIDTH = 720
LABEL_WIDTH = 270  # room for LABEL_CHARS characters of 13 px text
LABEL_CHARS = 34
BAR_HEIGHT = 22
GAP = 10
LEGEND_COLUMNS = 2
LEGEND_ROW = 20
LEGEND_HEIGHT = LEGEND_ROW * 2 + 10


@dataclass(frozen=True)
class BarRow:
    label: str
    on_time: int = 0
    late: int = 0
    within_term: int = 0
    overdue: int = 0

    def values(self) -> list[tuple[Status, int]]:
        return [(s, getattr(self, s.value)) for s in SERIES]

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.within_term + self.overdue


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bar(row: BarRow, y: int, scale: float) -> list[str]:
    parts = [
        f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT - 6}" text-anchor="end" '
        f'font-size="13">{escape(_short(row.label))}<title>{escape(row.label)}</title></text>'
    ]
    x = float(LABEL_WIDTH)
    for status, value in row.values():
        if not value:
            continue
        width = value * scale
        tip = f"{row.label}: {STATUS_LABELS[status]} {value}"
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{COLOURS[status]}"><title>{escape(tip)}</title></rect>'
        )
        x += width
    parts.append(
        f'<text x="{x + 6:.1f}" y="{y + BAR_HEIGHT - 6}" font-size="13">{row.total}</text>'
    )
    return parts


def _legend(y: int) -> list[str]:
    """Two columns of swatches over the bars: long Vietnamese labels never run off the side."""
    parts = []
    column_width = (WIDTH - LABEL_WIDTH) // LEGEND_COLUMNS
    for i, status in enumerate(SERIES):
        x = LABEL_WIDTH + (i % LEGEND_COLUMNS) * column_width
        top = y + (i // LEGEND_COLUMNS) * LEGEND_ROW
        label = escape(str(STATUS_LABELS[status]))
        parts.append(f'<rect x="{x}" y="{top}" width="12" height="12" fill="{COLOURS[status]}"/>')
        parts.append(f'<text x="{x + 16}" y="{top + 11}" font-size="12">{label}</text>')
    return parts


def _description(rows: Sequence[BarRow]) -> str:
    lines = []
    for row in rows:
        figures = ", ".join(f"{STATUS_LABELS[s]} {v}" for s, v in row.values())
        lines.append(f"{row.label}: {figures}.")
    return " ".join(lines) or _("No assignments.")


def status_bars(rows: Sequence[BarRow], *, title: str, chart_id: str) -> SafeString:
    """One stacked bar per row, scaled to the longest; an accessible, self-contained SVG."""
    longest = max((r.total for r in rows), default=0) or 1
    scale = (WIDTH - LABEL_WIDTH - 50) / longest
    height = LEGEND_HEIGHT + len(rows) * (BAR_HEIGHT + GAP) + GAP
    body: list[str] = _legend(6)
    for i, row in enumerate(rows):
        body += _bar(row, LEGEND_HEIGHT + GAP + i * (BAR_HEIGHT + GAP), scale)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" '
        f"aria-labelledby={quoteattr(chart_id + '-title')} "
        f"aria-describedby={quoteattr(chart_id + '-desc')}>"
        f"<title id={quoteattr(chart_id + '-title')}>{escape(title)}</title>"
        f"<desc id={quoteattr(chart_id + '-desc')}>{escape(_description(rows))}</desc>"
        + "".join(body)
        + "</svg>"
    )
    return mark_safe(svg)  # every text inside is escaped above
