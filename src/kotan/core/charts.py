"""Server-rendered SVG charts: pure functions, plain data in, one SVG string out.

Every chart is an ``<svg role="img">`` (``role="group"`` when it holds links) with a
``<title>`` and a ``<desc>`` joined to it by ``aria-labelledby``/``aria-describedby``; every
piece of caller text is escaped; there is no script and no external reference, so a chart is
safe to inline in any page and costs no JavaScript. Colours are dark enough for 3:1 against
white (graphics) and 4.5:1 (text), and series differ by marker shape and dash as well as
colour. A chart never stands alone: the page shows the same numbers as a table (the callers'
duty, tested in the dashboards).

The drawing is in a ``viewBox`` that CSS scales to its container (``static/kotan/charts.css``),
so the same string is readable on a 375 px phone and a desktop.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from html import escape

from django.utils.formats import number_format
from django.utils.translation import gettext as _

Number = float | int

TEXT = "#1f2937"  # 14.7:1 on white
MUTED = "#4b5563"  # 7.6:1 on white
GRID = "#d1d5db"  # decorative only
BAR = "#1d4ed8"  # 6.7:1 on white
# Series: colour plus a marker shape and a dash, so no reader depends on colour alone.
SERIES_COLOURS = ("#1d4ed8", "#b45309", "#047857", "#7c3aed", "#be123c", "#374151")
SERIES_SHAPES = ("circle", "square", "diamond", "triangle", "circle", "square")
SERIES_DASHES = ("", "6 3", "2 3", "8 3 2 3", "", "6 3")
# Categories of the IKOTAN schemes (kotan.method.categories codes); unknown codes fall back.
CATEGORY_COLOURS: dict[str, str] = {
    "tidak_tanggap": "#9a3412",
    "kurang_tanggap": "#c2410c",
    "cukup_tanggap": "#a16207",
    "tanggap": "#0f766e",
    "sangat_tanggap": "#1e3a8a",
}
NO_CATEGORY = "#6b7280"  # 4.8:1 on white
FONT = 'font-family="system-ui,sans-serif"'


def category_colour(code: str | None) -> str:
    """The colour of a category code; grey for none or an unknown code."""
    return CATEGORY_COLOURS.get(code or "", NO_CATEGORY)


def fmt(value: Number | None, digits: int = 2) -> str:
    """A number as the reader's locale writes it; an en dash for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return str(number_format(value, decimal_pos=digits, use_l10n=True))


def _r(value: float) -> str:
    """A coordinate rounded to one decimal: keeps the SVG small."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _clip(label: str, limit: int = 24) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _svg(width: int, height: int, title: str, description: str, body: str, css: str) -> str:
    """Wrap a drawing with its accessible name and description (ids unique per content).

    A drawing with links inside (a map) is a ``group``, not an ``img``: an image's children are
    hidden from assistive technology, so its links could not be reached.
    """
    role = "group" if "<a " in body else "img"
    key = hashlib.blake2s(f"{title}\0{description}\0{body}".encode(), digest_size=5).hexdigest()
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css}" role="{role}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="t{key}" aria-describedby="d{key}" '
        f'{FONT} font-size="13" fill="{TEXT}">'
        f'<title id="t{key}">{escape(title)}</title>'
        f'<desc id="d{key}">{escape(description)}</desc>'
        f"{body}</svg>"
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{_r(x)}" y="{_r(y)}" text-anchor="{anchor}"{extra}>{escape(text)}</text>'


def _marker(shape: str, x: float, y: float, colour: str, size: float = 5.0) -> str:
    if shape == "square":
        return (
            f'<rect x="{_r(x - size)}" y="{_r(y - size)}" width="{_r(2 * size)}" '
            f'height="{_r(2 * size)}" fill="{colour}"/>'
        )
    if shape == "diamond":
        d = size + 1
        pts = f"{_r(x)},{_r(y - d)} {_r(x + d)},{_r(y)} {_r(x)},{_r(y + d)} {_r(x - d)},{_r(y)}"
        return f'<polygon points="{pts}" fill="{colour}"/>'
    if shape == "triangle":
        d = size + 1
        pts = f"{_r(x)},{_r(y - d)} {_r(x + d)},{_r(y + size)} {_r(x - d)},{_r(y + size)}"
        return f'<polygon points="{pts}" fill="{colour}"/>'
    return f'<circle cx="{_r(x)}" cy="{_r(y)}" r="{_r(size)}" fill="{colour}"/>'


def _nice_max(value: float) -> float:
    """A round upper end for an axis (1, 2, 2.5, 5 × 10^k) at or above ``value``."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power + 1e-12:
            return step * power
    return 10 * power


def _axis(
    series: Mapping[str, Sequence[Number | None]], low: Number, high: Number | None
) -> tuple[float, float]:
    """The value axis of a multi-series chart: ``low`` to ``high``, or to a round maximum."""
    values = [v for vals in series.values() for v in vals if v is not None]
    top = float(high) if high else _nice_max(max(values, default=float(low) + 1))
    return float(low), top if top > low else float(low) + 1


def _ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Evenly spaced axis ticks; whole steps when the range is a few whole units (1–4)."""
    span = high - low
    if span == int(span) and 2 <= span <= 6:
        count = int(span)
    return [low + span * i / count for i in range(count + 1)]


def _legend(names: Sequence[str], y: float, left: float) -> str:
    parts = []
    x = left
    for i, name in enumerate(names):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        parts.append(_marker(SERIES_SHAPES[i % len(SERIES_SHAPES)], x + 5, y - 4, colour))
        parts.append(_text(x + 14, y, _clip(name, 22)))
        x += 22 + 7.5 * min(len(name), 22)
    return "".join(parts)


def bar_chart(
    rows: Sequence[tuple[str, Number | None]],
    *,
    max_value: Number | None = None,
    unit: str = "",
    title: str = "",
    description: str = "",
    digits: int = 0,
    colours: Sequence[str] | None = None,
) -> str:
    """Horizontal bars, one per (label, value); a missing value draws no bar and says "–"."""
    title = title or _("Diagram batang")
    values = [v for _label, v in rows if v is not None]
    top = float(max_value) if max_value else _nice_max(max(values, default=0))
    width, left, right, row_h = 480, 170, 70, 26
    plot = width - left - right
    height = 12 + row_h * max(len(rows), 1) + 8
    body = []
    for i, (label, value) in enumerate(rows):
        y = 12 + i * row_h
        body.append(_text(left - 8, y + 16, _clip(str(label)), anchor="end"))
        if value is not None:
            w = max(0.0, min(1.0, float(value) / top)) * plot if top else 0.0
            colour = colours[i] if colours else BAR
            body.append(
                f'<rect x="{left}" y="{_r(y + 4)}" width="{_r(w)}" height="16" fill="{colour}">'
                f"<title>{escape(str(label))}: {escape(fmt(value, digits))} {escape(unit)}</title>"
                "</rect>"
            )
            body.append(_text(left + w + 6, y + 16, f"{fmt(value, digits)} {unit}".strip()))
        else:
            body.append(_text(left + 6, y + 16, "–", extra=f' fill="{MUTED}"'))
    if not description:
        description = "; ".join(f"{label}: {fmt(v, digits)} {unit}".strip() for label, v in rows)
    return _svg(width, height, title, description, "".join(body), "chart-bar")


def profile_chart(
    variables: Sequence[str],
    series: Mapping[str, Sequence[Number | None]],
    *,
    max_value: Number | None = None,
    min_value: Number = 0,
    title: str = "",
    description: str = "",
    digits: int = 2,
) -> str:
    """A dot plot: one row per variable, one marker per series (e.g. regency, province, nation).

    The axis runs from ``min_value`` (e.g. the lowest answer) to ``max_value``.
    """
    title = title or _("Profil variabel")
    names = list(series)
    low, top = _axis(series, min_value, max_value)

    def sx(value: float) -> float:
        return left + plot * max(0.0, min(1.0, (value - low) / (top - low)))

    width, left, right, row_h = 480, 170, 20, 28
    plot = width - left - right
    legend_h = 26
    height = legend_h + 10 + row_h * max(len(variables), 1) + 24
    body = [_legend(names, 16, 8)]
    top_y = legend_h + 6
    bottom_y = top_y + row_h * len(variables)
    for t in _ticks(low, top):
        x = sx(t)
        body.append(
            f'<line x1="{_r(x)}" y1="{top_y}" x2="{_r(x)}" y2="{bottom_y}" stroke="{GRID}"/>'
        )
        body.append(_text(x, bottom_y + 16, fmt(t, 1), anchor="middle", extra=' font-size="12"'))
    for i, variable in enumerate(variables):
        y = top_y + i * row_h + row_h / 2
        body.append(_text(left - 8, y + 4, _clip(str(variable)), anchor="end"))
        for s, name in enumerate(names):
            vals = series[name]
            value = vals[i] if i < len(vals) else None
            if value is None:
                continue
            x = sx(float(value))
            colour = SERIES_COLOURS[s % len(SERIES_COLOURS)]
            body.append(
                f"<g><title>{escape(name)}, {escape(str(variable))}: "
                f"{escape(fmt(value, digits))}</title>"
                f"{_marker(SERIES_SHAPES[s % len(SERIES_SHAPES)], x, y, colour)}</g>"
            )
    if not description:
        description = "; ".join(
            f"{variable}: "
            + ", ".join(
                f"{name} {fmt(series[name][i] if i < len(series[name]) else None, digits)}"
                for name in names
            )
            for i, variable in enumerate(variables)
        )
    return _svg(width, height, title, description, "".join(body), "chart-profile")


def trend_chart(
    years: Sequence[int],
    series: Mapping[str, Sequence[Number | None]],
    *,
    max_value: Number | None = None,
    min_value: Number = 0,
    title: str = "",
    description: str = "",
    digits: int = 2,
) -> str:
    """Lines over the years, one per series; a missing year breaks the line."""
    title = title or _("Tren per tahun")
    names = list(series)
    low, top = _axis(series, min_value, max_value)
    width, left, right, legend_h = 480, 48, 20, 26
    plot_w, plot_h = width - left - right, 180
    top_y = legend_h + 10
    height = top_y + plot_h + 30
    body = [_legend(names, 16, 8)]

    def sx(i: int) -> float:
        return left + (plot_w * i / (len(years) - 1) if len(years) > 1 else plot_w / 2)

    def sy(v: float) -> float:
        return top_y + plot_h * (1 - (max(low, min(top, v)) - low) / (top - low))

    for t in _ticks(low, top):
        y = sy(t)
        body.append(
            f'<line x1="{left}" y1="{_r(y)}" x2="{width - right}" y2="{_r(y)}" stroke="{GRID}"/>'
        )
        body.append(_text(left - 6, y + 4, fmt(t, 1), anchor="end", extra=' font-size="12"'))
    for i, year in enumerate(years):
        body.append(
            _text(sx(i), top_y + plot_h + 18, str(year), anchor="middle", extra=' font-size="12"')
        )
    for s, name in enumerate(names):
        colour = SERIES_COLOURS[s % len(SERIES_COLOURS)]
        dash = SERIES_DASHES[s % len(SERIES_DASHES)]
        vals = list(series[name])
        shape = SERIES_SHAPES[s % len(SERIES_SHAPES)]
        segment: list[str] = []
        segments: list[list[str]] = []
        for i in range(len(years)):
            value = vals[i] if i < len(vals) else None
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{_r(sx(i))},{_r(sy(float(value)))}")
            body.append(
                f"<g><title>{escape(name)} {years[i]}: {escape(fmt(value, digits))}</title>"
                f"{_marker(shape, sx(i), sy(float(value)), colour, 4)}</g>"
            )
        if segment:
            segments.append(segment)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        for seg in segments:
            if len(seg) > 1:
                body.insert(
                    1,
                    f'<polyline points="{" ".join(seg)}" fill="none" stroke="{colour}" '
                    f'stroke-width="2"{dash_attr}/>',
                )
    if not description:
        description = "; ".join(
            f"{name}: "
            + ", ".join(
                f"{year} {fmt(series[name][i] if i < len(series[name]) else None, digits)}"
                for i, year in enumerate(years)
            )
            for name in names
        )
    return _svg(width, height, title, description, "".join(body), "chart-trend")


def interval_chart(
    rows: Sequence[tuple[str, Number, Number, Number, str | None]],
    *,
    total: int | None = None,
    title: str = "",
    description: str = "",
) -> str:
    """Rank intervals: per row (label, median rank, low, high, category) a band and a dot.

    Rank 1 is on the left. Rows are drawn in the order given (callers sort by median rank).
    """
    title = title or _("Rentang peringkat")
    n = total or max([math.ceil(float(r[3])) for r in rows] + [1])
    width, left, right, row_h = 480, 170, 20, 17 if len(rows) > 40 else 22
    plot = width - left - right
    top_y = 8
    height = top_y + row_h * max(len(rows), 1) + 26
    bottom_y = top_y + row_h * len(rows)

    def sx(rank: float) -> float:
        return left + plot * ((rank - 1) / (n - 1) if n > 1 else 0.5)

    body = []
    for t in sorted({1, *[round(1 + (n - 1) * i / 4) for i in range(1, 5)]}):
        x = sx(t)
        body.append(
            f'<line x1="{_r(x)}" y1="{top_y}" x2="{_r(x)}" y2="{bottom_y}" stroke="{GRID}"/>'
        )
        body.append(_text(x, bottom_y + 16, str(t), anchor="middle", extra=' font-size="12"'))
    small = ' font-size="12"' if row_h < 20 else ""
    for i, (label, median, low, high, category) in enumerate(rows):
        y = top_y + i * row_h + row_h / 2
        colour = category_colour(category)
        body.append(_text(left - 8, y + 4, _clip(str(label)), anchor="end", extra=small))
        body.append(
            f"<g><title>{escape(str(label))}: {escape(fmt(median, 0))} "
            f"({escape(fmt(low, 0))}–{escape(fmt(high, 0))})</title>"
            f'<line x1="{_r(sx(float(low)))}" y1="{_r(y)}" x2="{_r(sx(float(high)))}" '
            f'y2="{_r(y)}" stroke="{colour}" stroke-width="4" stroke-linecap="round" '
            f'opacity="0.55"/>'
            f"{_marker('circle', sx(float(median)), y, colour, 4)}</g>"
        )
    if not description:
        description = _(
            "Peringkat tengah dan rentang 5–95 persen untuk %(n)s wilayah; peringkat 1 di kiri."
        ) % {"n": len(rows)}
    return _svg(width, height, title, description, "".join(body), "chart-interval")
