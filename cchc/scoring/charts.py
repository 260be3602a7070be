"""Small SVG charts of the PAR Index results, rendered on the server (no JavaScript).

- `area_bars`: one horizontal bar per area, its length the area's index (0-100 %), the
  figure written after it;
- `distribution`: a histogram of the indices of a group's units in 5-point bins, the band
  thresholds drawn as dashed lines with their labels, and optionally one unit marked by a
  labelled arrow.

As in `cchc.plans.charts`, every chart has a `<title>` and a `<desc>` that says in words
what the picture shows, every bar its own `<title>`, and nothing is told by colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .calculations import classify

WIDTH = 720
LABEL_WIDTH = 270
LABEL_CHARS = 34
BAR_HEIGHT = 22
GAP = 10
BAR_COLOUR = "#0b57d0"
TRACK_COLOUR = "#e8eaed"
MARK_COLOUR = "#b3261e"
BIN = 5  # width of a histogram bin, in index points
DIST_WIDTH = 520  # narrower than the bars: its text stays legible on a phone
PLOT_LEFT = 24
PLOT_RIGHT = 24
PLOT_TOP = 56  # room for two rows of threshold labels
PLOT_HEIGHT = 150
AXIS_ROOM = 40


@dataclass(frozen=True)
class AreaBar:
    label: str
    index: Decimal | None


def percent(value: Decimal | None) -> str:
    """85.5 → "85,50 %" (the number format of the language; "—" without a figure)."""
    return "—" if value is None else f"{formats.number_format(value, 2)} %"


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _svg(
    body: list[str], *, title: str, desc: str, chart_id: str, height: int, width: int = WIDTH
) -> SafeString:
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f"aria-labelledby={quoteattr(chart_id + '-title')} "
        f"aria-describedby={quoteattr(chart_id + '-desc')}>"
        f"<title id={quoteattr(chart_id + '-title')}>{escape(title)}</title>"
        f"<desc id={quoteattr(chart_id + '-desc')}>{escape(desc)}</desc>" + "".join(body) + "</svg>"
    )
    return mark_safe(svg)  # every text inside is escaped


# --- per-area bars ------------------------------------------------------------------------


def area_bars(rows: Sequence[AreaBar], *, title: str, chart_id: str) -> SafeString:
    """One bar per area on a 0-100 % scale, with the index written after the bar."""
    scale = (WIDTH - LABEL_WIDTH - 90) / 100
    body: list[str] = []
    for i, row in enumerate(rows):
        y = GAP + i * (BAR_HEIGHT + GAP)
        body.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT - 6}" text-anchor="end" '
            f'font-size="13">{escape(_short(row.label))}<title>{escape(row.label)}</title></text>'
        )
        body.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{100 * scale:.1f}" '
            f'height="{BAR_HEIGHT}" fill="{TRACK_COLOUR}"/>'
        )
        width = float(row.index or 0) * scale
        tip = f"{row.label}: {percent(row.index)}"
        body.append(
            f'<rect class="bar" x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" '
            f'height="{BAR_HEIGHT}" fill="{BAR_COLOUR}"><title>{escape(tip)}</title></rect>'
        )
        body.append(
            f'<text x="{LABEL_WIDTH + 100 * scale + 6:.1f}" y="{y + BAR_HEIGHT - 6}" '
            f'font-size="13">{escape(percent(row.index))}</text>'
        )
    desc = " ".join(f"{r.label}: {percent(r.index)}." for r in rows) or _("No figures.")
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    return _svg(body, title=title, desc=desc, chart_id=chart_id, height=max(height, 40))


# --- distribution -------------------------------------------------------------------------


def bins(indices: Sequence[Decimal]) -> list[int]:
    """How many indices fall in each 5-point bin: [0, 5), [5, 10) … [95, 100]."""
    counts = [0] * (100 // BIN)
    for value in indices:
        position = min(max(int(value // BIN), 0), len(counts) - 1)
        counts[position] += 1
    return counts


def _x(value: float, plot_width: float) -> float:
    return PLOT_LEFT + value / 100 * plot_width


def _histogram(counts: list[int], plot_width: float) -> list[str]:
    tallest = max(counts, default=0) or 1
    bin_width = plot_width / len(counts)
    bottom = PLOT_TOP + PLOT_HEIGHT
    parts = []
    for i, count in enumerate(counts):
        if not count:
            continue
        height = count / tallest * PLOT_HEIGHT
        x = PLOT_LEFT + i * bin_width
        start, end = i * BIN, (i + 1) * BIN
        tip = _("%(start)s-%(end)s %%: %(count)s units") % {
            "start": start,
            "end": end,
            "count": count,
        }
        parts.append(
            f'<rect class="bin" x="{x + 1:.1f}" y="{bottom - height:.1f}" '
            f'width="{bin_width - 2:.1f}" height="{height:.1f}" fill="{BAR_COLOUR}">'
            f"<title>{escape(tip)}</title></rect>"
        )
        parts.append(
            f'<text x="{x + bin_width / 2:.1f}" y="{bottom - height - 4:.1f}" '
            f'text-anchor="middle" font-size="13">{count}</text>'
        )
    return parts


def _axis(plot_width: float) -> list[str]:
    bottom = PLOT_TOP + PLOT_HEIGHT
    parts = [
        f'<line x1="{PLOT_LEFT}" y1="{bottom}" x2="{PLOT_LEFT + plot_width:.1f}" '
        f'y2="{bottom}" stroke="#444"/>'
    ]
    for tick in range(0, 101, 10):
        x = _x(tick, plot_width)
        parts.append(
            f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 4}" stroke="#444"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{bottom + 18}" text-anchor="middle" font-size="12">{tick}</text>'
        )
    parts.append(
        f'<text x="{PLOT_LEFT + plot_width / 2:.1f}" y="{bottom + 34}" text-anchor="middle" '
        f'font-size="12">{escape(_("Index (%)"))}</text>'
    )
    return parts


def _thresholds(bands: Sequence[tuple[str, Decimal]], plot_width: float) -> list[str]:
    """A dashed line at each band's lower bound, labelled; labels alternate between two
    rows so that close thresholds do not overlap."""
    parts = []
    bottom = PLOT_TOP + PLOT_HEIGHT
    chosen = sorted((start, label) for label, start in bands if start > 0)
    for row, (start, label) in enumerate(chosen):
        x = _x(float(start), plot_width)
        text = f"{label} ≥ {_figure(start)}"
        top = 16 if row % 2 else 34
        anchor = "end" if x > DIST_WIDTH * 0.6 else "start"
        shift = -3 if anchor == "end" else 3
        parts.append(
            f'<line class="threshold" x1="{x:.1f}" y1="{top + 4}" x2="{x:.1f}" '
            f'y2="{bottom}" stroke="#444" stroke-dasharray="4 3">'
            f"<title>{escape(text)}</title></line>"
        )
        parts.append(
            f'<text x="{x + shift:.1f}" y="{top}" text-anchor="{anchor}" font-size="13">'
            f"{escape(text)}</text>"
        )
    return parts


def _figure(value: Decimal) -> str:
    """80.00 → "80", 82.50 → "82,5" (no trailing zeros, the language's decimal mark)."""
    text = f"{value:f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return text.replace(".", formats.get_format("DECIMAL_SEPARATOR"))


def _marker(value: Decimal, label: str, plot_width: float) -> list[str]:
    x = _x(float(min(max(value, Decimal(0)), Decimal(100))), plot_width)
    y = PLOT_TOP + PLOT_HEIGHT
    text = f"▲ {label}: {percent(value)}"
    anchor = "end" if x > DIST_WIDTH / 2 else "start"
    return [
        f'<line class="marker" x1="{x:.1f}" y1="{PLOT_TOP}" x2="{x:.1f}" y2="{y}" '
        f'stroke="{MARK_COLOUR}" stroke-width="2"/>',
        f'<text class="marker" x="{x:.1f}" y="{y + 52}" text-anchor="{anchor}" '
        f'font-size="13" font-weight="bold">{escape(text)}</text>',
    ]


def _distribution_desc(
    indices: Sequence[Decimal],
    bands: Sequence[tuple[str, Decimal]],
    marked: Decimal | None,
    marked_label: str,
) -> str:
    if not indices:
        return _("No unit has an index yet.")
    counts = [
        f"{label}: {sum(1 for i in indices if classify(i, bands) == label)}" for label, _s in bands
    ]
    text = _("%(n)s units, from %(low)s to %(high)s.") % {
        "n": len(indices),
        "low": percent(min(indices)),
        "high": percent(max(indices)),
    }
    if counts:
        text += " " + "; ".join(counts) + "."
    if marked is not None:
        text += " " + f"{marked_label}: {percent(marked)}."
    return text


def distribution(
    indices: Sequence[Decimal],
    *,
    bands: Sequence[tuple[str, Decimal]] = (),
    title: str,
    chart_id: str,
    marked: Decimal | None = None,
    marked_label: str = "",
) -> SafeString:
    """The histogram of `indices` with the band thresholds and, optionally, one unit marked."""
    plot_width = DIST_WIDTH - PLOT_LEFT - PLOT_RIGHT
    body = _thresholds(bands, plot_width) + _histogram(bins(indices), plot_width)
    body += _axis(plot_width)
    if marked is not None:
        body += _marker(marked, marked_label, plot_width)
    height = PLOT_TOP + PLOT_HEIGHT + AXIS_ROOM + (24 if marked is not None else 0)
    desc = _distribution_desc(indices, bands, marked, marked_label)
    return _svg(body, title=title, desc=desc, chart_id=chart_id, height=height, width=DIST_WIDTH)
