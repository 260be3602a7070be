"""SVG charts: valid XML, accessible title and description, one segment per figure."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..charts import BarRow, status_bars

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))


def test_chart_is_valid_svg_with_title_and_description():
    rows = [BarRow("II. Cải cách thể chế", 3, 1, 2, 1), BarRow("III. TTHC", 0, 0, 4, 0)]
    root = _parse(status_bars(rows, title="Tiến độ theo lĩnh vực", chart_id="areas"))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "areas-title"
    assert root.find(f"{SVG}title").text == "Tiến độ theo lĩnh vực"
    assert "II. Cải cách thể chế" in root.find(f"{SVG}desc").text


def test_one_rect_per_non_zero_figure_plus_legend():
    rows = [BarRow("A", 3, 0, 2, 1)]
    root = _parse(status_bars(rows, title="t", chart_id="c"))
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(bars) == 3
    assert [b.find(f"{SVG}title").text for b in bars] == [
        "A: Completed on time 3",
        "A: Not completed, within term 2",
        "A: Not completed, overdue 1",
    ]


def test_labels_are_escaped():
    root = _parse(status_bars([BarRow("<script>&", 1)], title="a < b", chart_id="x"))
    assert root.find(f"{SVG}title").text == "a < b"
    assert "<script>" not in str(status_bars([BarRow("<script>", 1)], title="t", chart_id="y"))


def test_empty_chart_says_so():
    root = _parse(status_bars([], title="t", chart_id="e"))
    assert root.find(f"{SVG}desc").text == "No assignments."


def test_bars_scale_to_the_longest():
    root = _parse(status_bars([BarRow("a", 10), BarRow("b", 5)], title="t", chart_id="s"))
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("height") == "22"]
    assert widths[0] == 2 * widths[1]
