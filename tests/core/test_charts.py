"""The server-side SVG charts: accessible images whose words carry every value."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.utils.safestring import SafeString

from core.documents import charts

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the English source messages; Japanese is checked separately."""
    from django.utils import translation

    with translation.override("en"):
        yield


SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # well-formed XML, or this raises


def texts(root: ET.Element) -> list[str]:
    return [el.text for el in root.iter(f"{SVG}text")]


def bar_widths(root: ET.Element) -> list[float]:
    return [
        float(r.get("width").rstrip("%"))
        for r in root.iter(f"{SVG}rect")
        if r.get("fill") == charts.BAR
    ]


def test_bar_chart_is_a_named_image_with_a_text_alternative():
    svg = charts.bar_chart(
        [("受付", 8), ("対話中", 2), ("協定締結", 0)], chart_id="c1", title="状態別の件数"
    )
    assert isinstance(svg, SafeString)
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title"
    assert root.get("aria-describedby") == "c1-desc"
    children = list(root)
    assert children[0].tag == f"{SVG}title" and children[0].get("id") == "c1-title"
    assert children[0].text == "状態別の件数"
    assert children[1].tag == f"{SVG}desc" and children[1].get("id") == "c1-desc"
    assert children[1].text == "受付: 8; 対話中: 2; 協定締結: 0."
    assert texts(root) == ["受付", "8", "対話中", "2", "協定締結", "0"]
    # Full bar = the largest value, within the bar area; a zero draws no bar.
    assert bar_widths(root) == [charts.BAR_AREA, charts.BAR_AREA * 2 / 8]


def test_no_script_no_external_reference_and_contrast_colours():
    svg = charts.bar_chart([("A", 1)], chart_id="c", title="t")
    assert "<script" not in svg and "href" not in svg and "url(" not in svg
    assert 'fill="#1a1a1a"' in svg and f'fill="{charts.BAR}"' in svg

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    def contrast(a: str, b: str) -> float:
        high, low = sorted([luminance(a), luminance(b)], reverse=True)
        return (high + 0.05) / (low + 0.05)

    assert contrast(charts.INK, "#ffffff") >= 4.5
    assert contrast(charts.INK, charts.TRACK) >= 4.5
    assert contrast(charts.BAR, "#ffffff") >= 3  # graphics: WCAG 1.4.11
    assert contrast(charts.BAR, charts.TRACK) >= 3
    assert contrast(charts.TRACK_LINE, "#ffffff") >= 3


def test_labels_are_escaped():
    svg = charts.bar_chart([("A&B <株式会社>", 3)], chart_id='x"y', title="<title>")
    root = parse(svg)
    assert texts(root)[0] == "A&B <株式会社>"
    assert root.find(f"{SVG}title").text == "<title>"
    assert "<株式会社>" not in svg


def test_custom_texts_maximum_and_track_for_percentages():
    svg = charts.bar_chart(
        [("採択率 (1 / 3)", 100 / 3, "33.3%"), ("未判定", None)],
        chart_id="p",
        title="割合",
        max_value=100,
        track=True,
    )
    root = parse(svg)
    assert texts(root) == ["採択率 (1 / 3)", "33.3%", "未判定", "no data"]
    assert bar_widths(root) == [pytest.approx(charts.BAR_AREA / 3, abs=0.01)]
    tracks = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == charts.TRACK]
    assert len(tracks) == 2 and all(t.get("stroke") == charts.TRACK_LINE for t in tracks)


def test_a_tiny_value_still_shows_a_bar():
    root = parse(charts.bar_chart([("a", 1000), ("b", 1)], chart_id="t", title="t"))
    assert bar_widths(root)[1] == pytest.approx(charts.MIN_VISIBLE * charts.BAR_AREA / 100)


def test_funnel_centres_its_bars_and_states_each_share_of_the_first_stage():
    root = parse(
        charts.funnel_chart(
            [("Received", 8), ("In dialogue", 2), ("Adopted", 0)], chart_id="f", title="Funnel"
        )
    )
    assert root.get("role") == "img"
    assert texts(root) == ["Received", "8 (100%)", "In dialogue", "2 (25%)", "Adopted", "0 (0%)"]
    assert root.find(f"{SVG}desc").text == (
        "Received: 8 (100.0% of the first stage); In dialogue: 2 (25.0% of the first stage); "
        "Adopted: 0 (0.0% of the first stage)."
    )
    bars = [r for r in root.iter(f"{SVG}rect")]
    assert [float(b.get("x").rstrip("%")) for b in bars] == [
        0.0,
        pytest.approx((charts.BAR_AREA - charts.BAR_AREA / 4) / 2, abs=0.01),
    ]


@pytest.mark.parametrize("make", [charts.bar_chart, charts.funnel_chart])
def test_no_data_is_said_in_words(make):
    root = parse(make([], chart_id="e", title="Empty"))
    assert root.get("role") == "img"
    assert root.find(f"{SVG}desc").text == "No data yet."
    assert texts(root) == ["No data yet."]


def test_all_zero_values_draw_no_bars_and_no_division_by_zero():
    for make in (charts.bar_chart, charts.funnel_chart):
        root = parse(make([("a", 0), ("b", 0)], chart_id="z", title="z"))
        assert bar_widths(root) == []
        assert "0" in texts(root)


def test_height_fits_the_rows_and_width_follows_the_page():
    svg = charts.bar_chart([(str(n), n) for n in range(12)], chart_id="m", title="m")
    root = parse(svg)
    assert root.get("width") == "100%"
    assert int(root.get("height")) == 12 * charts.ROW_HEIGHT - charts.ROW_GAP + 2
    assert not re.search(r"viewBox", svg), "text keeps its size on a narrow screen"
