"""Results charts: valid SVG, an accessible title and description, bars ∝ values, bands
and the marked unit told in words as well as drawn."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal as D

import pytest

from ..charts import AreaBar, area_bars, bins, distribution

SVG = "{http://www.w3.org/2000/svg}"
BANDS = [("Xuất sắc", D(90)), ("Tốt", D(80)), ("Khá", D(65)), ("Trung bình", D(0))]


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))


def test_area_bars_are_valid_svg_with_title_and_description(english):
    rows = [AreaBar("I. Công tác chỉ đạo", D("90.00")), AreaBar("II. Thủ tục", D("80.50"))]
    root = _parse(area_bars(rows, title="Chỉ số theo lĩnh vực", chart_id="areas"))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "areas-title"
    assert root.find(f"{SVG}title").text == "Chỉ số theo lĩnh vực"
    assert root.find(f"{SVG}desc").text == "I. Công tác chỉ đạo: 90,00 %. II. Thủ tục: 80,50 %."


def test_area_bars_are_proportional_to_the_index(english):
    rows = [AreaBar("a", D(80)), AreaBar("b", D(40)), AreaBar("c", None)]
    root = _parse(area_bars(rows, title="t", chart_id="c"))
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    widths = [float(b.get("width")) for b in bars]
    assert widths[0] == pytest.approx(2 * widths[1], abs=0.1)
    assert widths[2] == 0
    assert [b.find(f"{SVG}title").text for b in bars] == ["a: 80,00 %", "b: 40,00 %", "c: —"]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "80,00 %" in texts
    assert "40,00 %" in texts


def test_labels_are_escaped():
    svg = str(area_bars([AreaBar("<script>&", D(1))], title="a < b", chart_id="x"))
    root = _parse(svg)
    assert root.find(f"{SVG}title").text == "a < b"
    assert "<script>" not in svg


def test_bins_count_indices_by_five_points_with_100_in_the_last():
    counts = bins([D("85.00"), D("85.00"), D("60.00"), D("100.00"), D("0"), D("4.99")])
    assert len(counts) == 20
    assert (counts[0], counts[12], counts[17], counts[19]) == (2, 1, 2, 1)
    assert sum(counts) == 6


def test_distribution_has_bars_proportional_to_counts_and_thresholds(english):
    root = _parse(distribution([D(85), D(86), D(60)], bands=BANDS, title="Phân bố", chart_id="d"))
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bin"]
    assert [b.find(f"{SVG}title").text for b in bars] == [
        "60-65 %: 1 units",
        "85-90 %: 2 units",
    ]
    assert float(bars[1].get("height")) == pytest.approx(2 * float(bars[0].get("height")))
    thresholds = [t.find(f"{SVG}title").text for t in root.iter(f"{SVG}line") if t.get("class")]
    assert thresholds == ["Khá ≥ 65", "Tốt ≥ 80", "Xuất sắc ≥ 90"]
    desc = root.find(f"{SVG}desc").text
    assert desc == ("3 units, from 60,00 % to 86,00 %. Xuất sắc: 0; Tốt: 2; Khá: 0; Trung bình: 1.")


def test_distribution_marks_one_unit_in_words(english):
    root = _parse(
        distribution(
            [D(85), D(60)],
            bands=BANDS,
            title="t",
            chart_id="m",
            marked=D(85),
            marked_label="Sở Tư pháp",
        )
    )
    marker = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "marker"]
    assert marker == ["▲ Sở Tư pháp: 85,00 %"]
    assert root.find(f"{SVG}desc").text.endswith("Sở Tư pháp: 85,00 %.")


def test_empty_distribution_says_so(english):
    root = _parse(distribution([], title="t", chart_id="e"))
    assert root.find(f"{SVG}desc").text == "No unit has an index yet."
    assert not [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bin"]
