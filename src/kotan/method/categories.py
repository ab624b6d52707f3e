"""Category schemes for the IKOTAN index: fixed bands and data-driven equal intervals.

The interval rule is the same for every scheme: each class is (lower, upper], and the lowest
class also includes its lower bound, so the published "2.600-3.064" style tables read as
closed on the right.

Floating point: boundaries such as 2.6 + 1.4/3 are not exact in binary, and an index computed
through weighted means can land a few ulps either side of a boundary it equals on paper.
Every comparison therefore treats a value within ``BOUNDARY_TOLERANCE`` (absolute, on the
scheme's own scale) of a boundary as lying on it: ``value <= upper + tolerance`` belongs to the
lower class. 1e-9 is far below any difference the published tables resolve (3 decimals) and far
above the noise of summing a few hundred float64 scores.

Presets (the schemes BNN has published):

- ``2019``: 0-100, five bands of 20 (tidak / kurang / cukup / tanggap / sangat tanggap).
- ``2021``: 0-100, four bands of 25 (kurang / cukup / tanggap / sangat tanggap).
- ``2022``: answer scale, three equal intervals between the lowest and the highest index of the
  ranked regencies (cukup / tanggap / sangat tanggap). The published 2022 table (min 2.600, max
  4.000) prints 3.064 and 3.532 as upper bounds; the equal-width rule it states gives 3.0667 and
  3.5333 (width 0.4667). The engine follows the rule, so an index in (3.064, 3.0667] is
  "cukup tanggap" here.
- ``2022-terbit``: the published 2022/23 table itself, as fixed bands on the answer scale:
  cukup tanggap [2.600, 3.064], tanggap (3.064, 3.532], sangat tanggap (3.532, 4.000]. It
  reproduces the printed classes (an index between 3.064 and 3.065, which the 3-decimal table
  cannot show, is "tanggap"). The table starts at 2.600, the lowest index of that year: the
  scheme is ``partial``, and an index below 2.600 (or above 4.000) gets no category (None), as
  every value outside every band does; it is still scored and ranked.

A scheme defined in an instrument file is named ``custom`` (never a preset name); its plain
form is ``scheme_to_dict``'s: ``{kind: fixed, scale, bands: [{code, label, lower, upper}]}`` or
``{kind: equal_interval, scale, k, labels: [{code, label}]}``. The instrument spec validates it
with located problems; the constructors below refuse what would be wrong in any case.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

Scale = Literal["answer", "0-100"]
SCALES: tuple[Scale, ...] = ("answer", "0-100")
KINDS = ("fixed", "equal_interval")
CUSTOM = "custom"  # the name of every scheme defined in an instrument file
BOUNDARY_TOLERANCE = 1e-9


class SchemeError(ValueError):
    """A malformed or unknown category scheme; ``code`` is stable for clients to branch on."""

    def __init__(self, code: str, detail: str) -> None:
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}")


@dataclass(frozen=True)
class Category:
    code: str  # stable slug, e.g. "cukup_tanggap"
    label: str  # as published, in Bahasa Indonesia; the UI translates at display time


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    lower: float
    upper: float


@dataclass(frozen=True)
class FixedBands:
    """Bands with fixed boundaries on one scale, lowest first, contiguous.

    ``partial``: the bands cover only part of the scale on purpose (a published table over the
    observed range); a value outside every band gets no category. Otherwise the bands must cover
    the whole scale they classify.
    """

    name: str
    scale: Scale
    bands: tuple[Band, ...]
    partial: bool = False

    def __post_init__(self) -> None:
        _check_scale(self.scale)
        if not self.bands:
            raise SchemeError("categories.empty", f"scheme {self.name!r} has no bands")
        _check_codes(self.name, [b.code for b in self.bands])
        for band in self.bands:
            if not band.lower < band.upper:
                raise SchemeError(
                    "categories.band_order", f"band {band.code!r}: lower must be below upper"
                )
        for below, above in zip(self.bands, self.bands[1:], strict=False):
            if below.upper != above.lower:
                raise SchemeError(
                    "categories.gap",
                    f"bands {below.code!r} and {above.code!r} do not meet "
                    f"({below.upper} != {above.lower})",
                )


@dataclass(frozen=True)
class EqualIntervals:
    """Equal-width classes over the observed [min, max] of the ranked regencies' index."""

    name: str
    scale: Scale
    categories: tuple[Category, ...]  # lowest first

    def __post_init__(self) -> None:
        _check_scale(self.scale)
        if not self.categories:
            raise SchemeError("categories.empty", f"scheme {self.name!r} has no categories")
        _check_codes(self.name, [c.code for c in self.categories])


CategoryScheme = FixedBands | EqualIntervals


def _check_scale(scale: str) -> None:
    if scale not in SCALES:
        raise SchemeError("categories.scale", f"unknown scale {scale!r} (choose: {SCALES})")


def _check_codes(name: str, codes: list[str]) -> None:
    if len(set(codes)) != len(codes):
        raise SchemeError("code.duplicate", f"scheme {name!r} repeats a category code")


def _cat(label: str) -> Category:
    return Category(code=label.lower().replace(" ", "_"), label=label)


def _even_bands(name: str, labels: Sequence[str]) -> FixedBands:
    width = 100.0 / len(labels)
    return FixedBands(
        name=name,
        scale="0-100",
        bands=tuple(
            Band(code=_cat(label).code, label=label, lower=i * width, upper=(i + 1) * width)
            for i, label in enumerate(labels)
        ),
    )


PRESETS: dict[str, CategoryScheme] = {
    "2019": _even_bands(
        "2019", ["Tidak Tanggap", "Kurang Tanggap", "Cukup Tanggap", "Tanggap", "Sangat Tanggap"]
    ),
    "2021": _even_bands("2021", ["Kurang Tanggap", "Cukup Tanggap", "Tanggap", "Sangat Tanggap"]),
    "2022": EqualIntervals(
        name="2022",
        scale="answer",
        categories=(_cat("Cukup Tanggap"), _cat("Tanggap"), _cat("Sangat Tanggap")),
    ),
    "2022-terbit": FixedBands(
        name="2022-terbit",
        scale="answer",
        bands=(
            Band("cukup_tanggap", "Cukup Tanggap", 2.600, 3.064),
            Band("tanggap", "Tanggap", 3.064, 3.532),
            Band("sangat_tanggap", "Sangat Tanggap", 3.532, 4.000),
        ),
        partial=True,
    ),
}
PRESET_NAMES: tuple[str, ...] = tuple(PRESETS)


def get_scheme(name: str) -> CategoryScheme:
    """A preset by name (``PRESET_NAMES``: "2019", "2021", "2022", "2022-terbit")."""
    try:
        return PRESETS[name]
    except KeyError:
        raise SchemeError(
            "categories.unknown", f"unknown scheme {name!r} (choose: {', '.join(PRESETS)})"
        ) from None


def scheme_to_dict(scheme: CategoryScheme) -> dict[str, Any]:
    """The plain form of a scheme (instrument files, the database); its name is not part of it."""
    if isinstance(scheme, FixedBands):
        return {
            "kind": "fixed",
            "scale": scheme.scale,
            "bands": [
                {"code": b.code, "label": b.label, "lower": b.lower, "upper": b.upper}
                for b in scheme.bands
            ],
        }
    return {
        "kind": "equal_interval",
        "scale": scheme.scale,
        "k": len(scheme.categories),
        "labels": [{"code": c.code, "label": c.label} for c in scheme.categories],
    }


def scheme_from_dict(data: Mapping[str, Any]) -> CategoryScheme:
    """The scheme whose plain form is ``data`` (already validated: SchemeError, KeyError or
    TypeError otherwise)."""
    kind = data["kind"]
    if kind == "fixed":
        return FixedBands(
            name=CUSTOM,
            scale=data["scale"],
            bands=tuple(
                Band(str(b["code"]), str(b["label"]), float(b["lower"]), float(b["upper"]))
                for b in data["bands"]
            ),
        )
    if kind == "equal_interval":
        categories = tuple(Category(str(c["code"]), str(c["label"])) for c in data["labels"])
        if data.get("k", len(categories)) != len(categories):
            raise SchemeError("categories.count", f"k is {data['k']}, not {len(categories)}")
        return EqualIntervals(name=CUSTOM, scale=data.get("scale", "answer"), categories=categories)
    raise SchemeError("categories.kind", f"unknown kind {kind!r} (choose: {', '.join(KINDS)})")


def equal_interval_edges(low: ArrayLike, high: ArrayLike, k: int) -> NDArray[np.float64]:
    """Edges min + i*(max-min)/k for i = 0..k; shape (..., k+1) for array-shaped low/high.

    The last edge is set to ``high`` itself so that the observed maximum never falls outside
    through rounding.
    """
    lo = np.asarray(low, dtype=np.float64)[..., None]
    hi = np.asarray(high, dtype=np.float64)[..., None]
    edges = lo + np.arange(k + 1, dtype=np.float64) * ((hi - lo) / k)
    edges[..., -1] = hi[..., 0]
    return edges


def bands_from_edges(categories: Sequence[Category], edges: Sequence[float]) -> tuple[Band, ...]:
    return tuple(
        Band(code=c.code, label=c.label, lower=float(edges[i]), upper=float(edges[i + 1]))
        for i, c in enumerate(categories)
    )


def realise(scheme: CategoryScheme, observed: ArrayLike) -> tuple[Band, ...]:
    """The concrete bands of a scheme for the observed index values (on the scheme's scale).

    Fixed schemes ignore ``observed``. Equal intervals need at least one finite value; with
    none, there are no bands (and so no categories). When every observed value is equal the
    edges coincide and, by the interval rule, everything falls in the lowest class.
    """
    if isinstance(scheme, FixedBands):
        return scheme.bands
    values = np.asarray(observed, dtype=np.float64)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return ()
    edges = equal_interval_edges(values.min(), values.max(), len(scheme.categories))
    return bands_from_edges(scheme.categories, edges.tolist())


def band_edges(bands: Sequence[Band]) -> NDArray[np.float64]:
    return np.array([bands[0].lower, *(b.upper for b in bands)], dtype=np.float64)


def classify_array(values: ArrayLike, edges: ArrayLike) -> NDArray[np.intp]:
    """Class index of each value (-1 outside the edges or NaN), vectorised.

    ``values`` has shape (..., n) and ``edges`` shape (..., k+1) with the same leading
    dimensions (or broadcastable), so one call classifies every bootstrap replicate against its
    own edges.
    """
    v = np.asarray(values, dtype=np.float64)
    e = np.asarray(edges, dtype=np.float64)
    interior = e[..., None, 1:-1] + BOUNDARY_TOLERANCE
    classes = np.sum(v[..., :, None] > interior, axis=-1).astype(np.intp)
    inside = (v >= e[..., :1] - BOUNDARY_TOLERANCE) & (v <= e[..., -1:] + BOUNDARY_TOLERANCE)
    return np.where(inside, classes, -1)


def classify(value: float | None, bands: Sequence[Band]) -> Band | None:
    """The band holding ``value``, or None (no value, no bands, or outside every band)."""
    if value is None or not bands:
        return None
    index = int(classify_array([value], band_edges(bands))[0])
    return bands[index] if index >= 0 else None
