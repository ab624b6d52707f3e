"""Server-rendered SVG maps: a tile grid of the 38 provinces and a dot map of the regencies.

No boundary geometry: no licence-clear outline file of the 38 provinces (or of any regency) is
available offline here (docs/maps.md). So the provinces are a tile grid, one square per
province at a fixed, roughly geographic position (``data/province_tiles.csv``, exact for all
38), and the regencies are dots at their capitals (``kotan.method.reference``) over a plain
frame. A regency without a point (the reference drops a point it cannot verify) is not guessed:
its dot sits in a marked strip under the frame, so every regency is still there and clickable.

Like ``charts``: pure functions, every text escaped, no script, one ``<a>`` per tile and dot.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path

from django.utils.translation import gettext as _

from kotan.core.charts import GRID, MUTED, TEXT, _r, _svg, _text, category_colour, fmt
from kotan.method.reference import read_reference

TILES_FILE = Path(__file__).resolve().parent / "data" / "province_tiles.csv"
# Sequential blues, light to dark (ColorBrewer "Blues"-like, own choice of steps).
SEQUENTIAL = ("#dbeafe", "#93c5fd", "#60a5fa", "#2563eb", "#1e3a8a")
DARK_STEPS = 3  # from this step on, the label on a tile is white
NO_VALUE = "#f3f4f6"
# The frame of the dot map: the bounding box the reference generator checks.
LAT_MIN, LAT_MAX, LON_MIN, LON_MAX = -11.5, 6.5, 94.0, 141.5


@dataclass(frozen=True)
class TilePosition:
    code: str
    abbr: str
    col: int
    row: int


@dataclass(frozen=True)
class Tile:
    code: str
    name: str
    value: float | None
    href: str = ""


@dataclass(frozen=True)
class Dot:
    code: str
    name: str
    category: str | None
    category_label: str = ""
    href: str = ""


@cache
def tile_positions() -> dict[str, TilePosition]:
    """Province code -> its place in the grid (read once)."""
    with TILES_FILE.open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: TilePosition(row["code"], row["abbr"], int(row["col"]), int(row["row"]))
            for row in csv.DictReader(handle)
        }


@cache
def regency_points() -> dict[str, tuple[float, float] | None]:
    """Regency code -> (lat, lon) of its capital, or None where the reference has no point."""
    return {
        r.code: (float(r.latitude), float(r.longitude))
        if r.latitude is not None and r.longitude is not None
        else None
        for r in read_reference().regencies
    }


def step_of(value: float | None, low: float, high: float) -> int | None:
    """The class (0..4) of ``value`` on the equal steps between ``low`` and ``high``."""
    if value is None:
        return None
    if high <= low:
        return len(SEQUENTIAL) // 2
    share = (value - low) / (high - low)
    return max(0, min(len(SEQUENTIAL) - 1, int(share * len(SEQUENTIAL))))


def legend_steps(low: float, high: float, digits: int = 2) -> list[tuple[str, str]]:
    """(colour, "from–to") for each step of the scale, for a legend or a table."""
    width = (high - low) / len(SEQUENTIAL)
    return [
        (colour, f"{fmt(low + i * width, digits)}–{fmt(low + (i + 1) * width, digits)}")
        for i, colour in enumerate(SEQUENTIAL)
    ]


def tile_map(
    tiles: Sequence[Tile],
    *,
    low: float,
    high: float,
    title: str = "",
    description: str = "",
    digits: int = 2,
) -> str:
    """The provinces as squares coloured by value (a sequential scale) with a legend."""
    title = title or _("Peta petak provinsi")
    positions = tile_positions()
    size, gap, pad = 40, 3, 6
    cols = max(p.col for p in positions.values()) + 1
    rows = max(p.row for p in positions.values()) + 1
    width = pad * 2 + cols * (size + gap)
    grid_h = pad + rows * (size + gap)
    height = grid_h + 40
    body = []
    for tile in tiles:
        pos = positions.get(tile.code)
        if pos is None:
            continue
        step = step_of(tile.value, low, high)
        fill = NO_VALUE if step is None else SEQUENTIAL[step]
        ink = "#ffffff" if step is not None and step >= DARK_STEPS else TEXT
        x, y = pad + pos.col * (size + gap), pad + pos.row * (size + gap)
        label = f"{tile.name}: {fmt(tile.value, digits)}"
        cell = (
            f"<title>{escape(label)}</title>"
            f'<rect x="{x}" y="{y}" width="{size}" height="{size}" rx="3" fill="{fill}" '
            f'stroke="{MUTED}" stroke-width="0.5"/>'
            + _text(
                x + size / 2,
                y + 18,
                pos.abbr,
                anchor="middle",
                extra=f' fill="{ink}" font-size="15" font-weight="700"',
            )
            + _text(
                x + size / 2,
                y + 34,
                fmt(tile.value, 1),
                anchor="middle",
                extra=f' fill="{ink}" font-size="12"',
            )
        )
        if tile.href:
            body.append(
                f'<a href="{escape(tile.href)}" class="tile" data-code="{escape(tile.code)}">'
                f"{cell}</a>"
            )
        else:
            body.append(f'<g class="tile" data-code="{escape(tile.code)}">{cell}</g>')
    sw = (width - 2 * pad) / len(SEQUENTIAL)
    for i, (colour, span) in enumerate(legend_steps(low, high, digits)):
        left = pad + i * sw
        body.append(
            f'<rect x="{_r(left)}" y="{grid_h + 4}" width="{_r(sw - 4)}" height="10" '
            f'fill="{colour}" stroke="{MUTED}" stroke-width="0.5"/>'
        )
        body.append(_text(left, grid_h + 30, span, extra=' font-size="12"'))
    if not description:
        description = _(
            "Setiap petak satu provinsi, warna makin gelap berarti nilai makin tinggi (%(low)s "
            "sampai %(high)s). Angka lengkap ada di tabel."
        ) % {"low": fmt(low, digits), "high": fmt(high, digits)}
    return _svg(width, height, title, description, "".join(body), "map-tiles")


def dot_map(
    dots: Sequence[Dot],
    *,
    legend: Mapping[str, str] | None = None,
    title: str = "",
    description: str = "",
    fit: bool = False,
) -> str:
    """Regencies as dots at their capitals, coloured by category; dots link to ``href``.

    ``legend``: category code -> label, drawn under the frame in that order. ``fit``: the
    frame is the dots' own box (one province) instead of the whole country.
    """
    title = title or _("Peta titik kabupaten/kota")
    points = regency_points()
    lat_min, lat_max, lon_min, lon_max = LAT_MIN, LAT_MAX, LON_MIN, LON_MAX
    placed = [p for d in dots if (p := points.get(d.code)) is not None]
    if fit and placed:
        margin = 0.3
        lat_min = min(p[0] for p in placed) - margin
        lat_max = max(p[0] for p in placed) + margin
        lon_min = min(p[1] for p in placed) - margin
        lon_max = max(p[1] for p in placed) + margin
        # Not taller than wide: a narrow province stays readable on a phone.
        if (lat_max - lat_min) > (lon_max - lon_min):
            middle = (lon_min + lon_max) / 2
            lon_min, lon_max = middle - (lat_max - lat_min) / 2, middle + (lat_max - lat_min) / 2
    width, pad = 640, 6
    scale = (width - 2 * pad) / (lon_max - lon_min)
    frame_h = (lat_max - lat_min) * scale
    unplaced = [d for d in dots if points.get(d.code) is None]
    strip = 22 if unplaced else 0
    legend_h = 22 if legend else 0
    height = int(pad * 2 + frame_h + strip + legend_h + 4)
    body = [
        f'<rect x="{pad}" y="{pad}" width="{_r(width - 2 * pad)}" height="{_r(frame_h)}" '
        f'fill="#f9fafb" stroke="{GRID}"/><g stroke="#ffffff" stroke-width="0.6">'
    ]

    def dot(d: Dot, x: float, y: float) -> str:
        label = f"{d.name}: {d.category_label or '–'}"
        circle = (
            f'<circle cx="{_r(x)}" cy="{_r(y)}" r="3.2" fill="{category_colour(d.category)}">'
            f"<title>{escape(label)}</title></circle>"
        )
        return f'<a href="{escape(d.href)}">{circle}</a>' if d.href else circle

    for d in dots:
        point = points.get(d.code)
        if point is None:
            continue
        lat, lon = point
        body.append(dot(d, pad + (lon - lon_min) * scale, pad + (lat_max - lat) * scale))
    body.append("</g>")
    y = pad + frame_h + 4
    if unplaced:
        body.append(
            _text(pad, y + 14, _("Tanpa titik koordinat:"), extra=f' font-size="11" fill="{MUTED}"')
        )
        for i, d in enumerate(unplaced):
            body.append(dot(d, pad + 140 + i * 10, y + 10))
        y += strip
    if legend:
        x = float(pad)
        for code, label in legend.items():
            body.append(
                f'<circle cx="{_r(x + 4)}" cy="{_r(y + 10)}" r="4" fill="{category_colour(code)}"/>'
            )
            body.append(_text(x + 12, y + 14, str(label), extra=' font-size="11"'))
            x += 22 + 6.2 * len(str(label))
    if not description:
        description = _(
            "%(n)s titik, satu per kabupaten/kota di ibu kotanya, warnanya menurut kategori. "
            "Tanpa garis batas wilayah. Angka lengkap ada di tabel."
        ) % {"n": len(dots)}
    return _svg(width, height, title, description, "".join(body), "map-dots")
