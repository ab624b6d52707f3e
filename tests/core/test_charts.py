"""The SVG charts: well-formed, accessible, escaped, and drawing what they are given."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from kotan.core import charts

NS = "{http://www.w3.org/2000/svg}"
NASTY = '<script>alert("x")</script> & Co'


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert title is not None and desc is not None
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")
    assert root.find(f".//{NS}script") is None
    assert "<script" not in svg
    return root


def all_charts(label: str) -> list[str]:
    return [
        charts.bar_chart([(label, 3), ("B", None)], unit="%", title=label),
        charts.profile_chart([label, "V2"], {label: [3.1, None], "Nasional": [2.5, 2.9]}),
        charts.trend_chart([2024, 2025, 2026], {label: [3.1, None, 3.3]}),
        charts.interval_chart([(label, 1, 1, 3, "tanggap"), ("B", 2, 1, 4, None)]),
    ]


@pytest.mark.parametrize("index", range(4))
def test_every_chart_is_well_formed_and_escapes_names(index: int) -> None:
    svg = all_charts(NASTY)[index]
    root = parse(svg)
    texts = "".join(root.itertext())
    assert NASTY in texts  # shown as text, intact
    assert "&lt;script&gt;" in svg


def test_bar_chart_draws_one_bar_per_value_and_scales_to_the_maximum() -> None:
    root = parse(charts.bar_chart([("A", 50), ("B", 100), ("C", None)], max_value=100))
    bars = root.findall(f"{NS}rect")
    assert len(bars) == 2  # the missing value has no bar
    widths = [float(b.get("width", "0")) for b in bars]
    assert widths[1] == pytest.approx(2 * widths[0], abs=0.2)
    assert "–" in "".join(root.itertext())


def test_bar_colours_follow_the_rows() -> None:
    root = parse(charts.bar_chart([("A", 1), ("B", 2)], colours=["#111111", "#222222"]))
    assert [b.get("fill") for b in root.findall(f"{NS}rect")] == ["#111111", "#222222"]


def test_trend_breaks_the_line_at_a_missing_year() -> None:
    root = parse(charts.trend_chart([1, 2, 3, 4], {"S": [1.0, 2.0, None, 3.0]}, max_value=4))
    lines = root.findall(f".//{NS}polyline")
    assert len(lines) == 1  # 1-2 joined; 4 alone is a marker without a line
    assert len(lines[0].get("points", "").split()) == 2


def test_profile_uses_a_different_marker_per_series() -> None:
    root = parse(charts.profile_chart(["V"], {"a": [1.0], "b": [2.0], "c": [3.0]}, max_value=4))
    groups = root.findall(f"{NS}g")
    shapes = {child.tag for g in groups for child in g if child.tag != f"{NS}title"}
    assert shapes == {f"{NS}circle", f"{NS}rect", f"{NS}polygon"}


def test_interval_chart_places_rank_one_left_and_colours_by_category() -> None:
    root = parse(
        charts.interval_chart([("A", 1, 1, 2, "sangat_tanggap"), ("B", 10, 5, 10, "xyz")], total=10)
    )
    dots = root.findall(f".//{NS}g/{NS}circle")
    assert float(dots[0].get("cx", "0")) < float(dots[1].get("cx", "0"))
    assert dots[0].get("fill") == charts.CATEGORY_COLOURS["sangat_tanggap"]
    assert dots[1].get("fill") == charts.NO_CATEGORY


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_colours_pass_contrast_on_white() -> None:
    for colour in (charts.BAR, *charts.SERIES_COLOURS, *charts.CATEGORY_COLOURS.values()):
        assert contrast(colour, "#ffffff") >= 3.0, colour  # graphics
    for colour in (charts.TEXT, charts.MUTED, charts.NO_CATEGORY):
        assert contrast(colour, "#ffffff") >= 4.5, colour  # text


def test_ids_differ_between_charts() -> None:
    a = parse(charts.bar_chart([("A", 1)]))
    b = parse(charts.bar_chart([("B", 1)]))
    assert a.get("aria-labelledby") != b.get("aria-labelledby")
