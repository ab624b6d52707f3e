"""The SVG maps: 38 tiles, one dot per regency, escaped names, links, the colour scale."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from kotan.core import charts, maps
from kotan.method.reference import read_reference

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    # a map with links is a group (an img would hide its links), one without is an img
    assert root.get("role") == ("group" if root.findall(f".//{NS}a") else "img")
    assert root.find(f"{NS}title") is not None
    assert root.find(f".//{NS}script") is None
    return root


def test_the_grid_places_every_province_once() -> None:
    positions = maps.tile_positions()
    assert set(positions) == {p.code for p in read_reference().provinces}
    assert len(positions) == 38
    assert len({(p.col, p.row) for p in positions.values()}) == 38
    assert len({p.abbr for p in positions.values()}) == 38


def test_tile_map_draws_38_linked_tiles() -> None:
    tiles = [maps.Tile(code, f"P{code}", 3.0, f"/dasbor/{code}/") for code in maps.tile_positions()]
    root = parse(maps.tile_map(tiles, low=2.6, high=4.0))
    links = root.findall(f"{NS}a")
    assert len(links) == 38
    assert len(root.findall(f".//{NS}rect[@rx]")) == 38
    assert {a.get("href") for a in links} == {f"/dasbor/{c}/" for c in maps.tile_positions()}


def test_tile_colour_follows_the_value_and_a_missing_value_is_grey() -> None:
    tiles = [
        maps.Tile("11", "Aceh", 2.6),
        maps.Tile("15", "Jambi", 4.0),
        maps.Tile("31", "DKI", None),
    ]
    root = parse(maps.tile_map(tiles, low=2.6, high=4.0))
    fills = [r.get("fill") for r in root.findall(f".//{NS}rect[@rx]")]
    assert fills == [maps.SEQUENTIAL[0], maps.SEQUENTIAL[-1], maps.NO_VALUE]
    assert root.findall(f"{NS}a") == []  # no href, no link


def test_step_of_is_bounded() -> None:
    assert maps.step_of(None, 0, 1) is None
    assert maps.step_of(-5, 0, 1) == 0
    assert maps.step_of(5, 0, 1) == len(maps.SEQUENTIAL) - 1
    assert maps.step_of(0.5, 0, 1) == 2


def test_dot_map_has_one_dot_per_regency_even_without_a_point() -> None:
    points = maps.regency_points()
    assert len(points) == 514
    missing = [code for code, point in points.items() if point is None]
    assert missing == ["74.07"]  # Wakatobi: the reference drops its unverified point
    dots = [
        maps.Dot(code, '<script>alert("x")</script>', "tanggap", "Tanggap", f"/r/{code}/")
        for code in points
    ]
    svg = maps.dot_map(dots, legend={"tanggap": "Tanggap"})
    root = parse(svg)
    circles = root.findall(f".//{NS}a/{NS}circle")
    assert len(circles) == 514
    assert all(c.get("fill") == charts.CATEGORY_COLOURS["tanggap"] for c in circles)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "Tanpa titik koordinat" in "".join(root.itertext())


def test_dot_map_fits_one_province() -> None:
    jambi = [
        maps.Dot(r.code, r.name, None) for r in read_reference().regencies if r.parent_code == "15"
    ]
    root = parse(maps.dot_map(jambi, fit=True))
    xs = [float(c.get("cx", "0")) for c in root.findall(f".//{NS}circle")]
    assert max(xs) - min(xs) > 300  # spread over the frame, not a clump in the country's box


def test_dot_map_stays_small() -> None:
    dots = [
        maps.Dot(code, "Kabupaten Contoh", "tanggap", "Tanggap", f"/dasbor/{code}/")
        for code in maps.regency_points()
    ]
    assert len(maps.dot_map(dots).encode()) < 90_000
