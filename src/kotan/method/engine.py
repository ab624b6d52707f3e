"""The IKOTAN index engine: plain data in, plain data out, no Django.

How responsive each regency/city is to the drug threat, from the answers of its respondents:

1. Item score per regency. Missing answers and "tidak tahu" are NaN and left out of every
   mean, never counted as zero.
   - ``pooled``: the mean over the regency's respondents who answered the item.
   - ``unit-balanced``: the mean per observation unit (gov, edu, biz, com, fam, ...), then the
     plain mean over the units that answered, so a unit with many respondents does not
     outweigh the others.
2. Indicator = weighted mean of its available items, variable = weighted mean of its available
   indicators; the weights are renormalised over what is available, so a skipped item neither
   pulls a score down nor leaves it undefined. Index = weighted mean of ALL the variables with
   the instrument's variable weights: a variable is never "unavailable". A regency without
   any answer for some variable (no family respondents: no KEL) has no index; those variables
   are listed in ``missing_variables`` and the others are still reported.
3. ``index`` is on the answer scale, ``index_100`` = (index - min) / (max - min) * 100.
4. Respondents are the rows with at least one scored answer: a row that is all empty or all
   "tidak tahu" says nothing about the regency, is not counted (``n_rows`` counts every row)
   and is not resampled. A regency with fewer than ``min_respondents`` respondents, or with a
   missing variable, is ``insufficient_data``: its scores are reported, but it gets no
   category and no rank, and it does not enter the observed range of a data-driven scheme.
5. Ranks: by index, highest first, national and within the province, competition ranking
   (1, 2, 2, 4). Two indices are tied when they agree after rounding to ``RANK_DECIMALS``
   decimals, so that the same answers reached through a different summation order (float
   noise around 1e-16) do not split a tie.
6. Uncertainty (``bootstrap`` > 0): respondents are resampled with replacement within each
   (regency, unit) stratum, so every replicate keeps the regency's mix of units and its
   respondent count. A variable can still vanish from a replicate when few respondents
   answered it (every drawn respondent skipped it): that replicate has no index for the
   regency, which then counts as a change of category and is left out of its index and rank
   percentiles. Per regency: the 5th-95th percentile of the index, of the national rank
   (among the ``ok`` regencies of each replicate), and the share of replicates that keep the
   point-estimate category (data-driven bands are recomputed in each replicate). The
   bootstrap runs with one BLAS thread: its many small products are slower threaded.
7. Sensitivity: national ranks again with equal variable weights, and the shift.

Determinism: rows are put in (regency, unit, respondent id) order before anything is summed,
so results never depend on the order the rows came in. Each regency draws from its own
generator, ``np.random.default_rng([seed, crc32(regency_code)])``, so a regency's bootstrap
is reproducible bit for bit and does not change when other regencies are added or removed.
"""

from __future__ import annotations

import math
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits

from kotan.method.categories import (
    BOUNDARY_TOLERANCE,
    Band,
    CategoryScheme,
    EqualIntervals,
    FixedBands,
    band_edges,
    classify_array,
    equal_interval_edges,
    get_scheme,
    realise,
)
from kotan.method.spec import AGGREGATIONS, WEIGHT_TOLERANCE, InstrumentSpec

ENGINE_VERSION = "ikotan-engine 1.1.0"
STATUS_OK = "ok"
STATUS_INSUFFICIENT = "insufficient_data"
RANK_DECIMALS = 12
CI_PERCENTILES = (5.0, 95.0)  # a 90% interval

Float = NDArray[np.float64]
Index = NDArray[np.intp]
Pair = tuple[float, float]
PercentileMethod = Literal["linear", "lower", "higher"]


class ScoringError(ValueError):
    """Input the engine cannot score; ``code`` is stable for clients to branch on.

    ``detail`` is for developers (English); ``params`` hold the values a translated message
    needs (kotan.method.tables has the Bahasa Indonesia and English texts per code).
    """

    def __init__(self, code: str, detail: str, **params: Any) -> None:
        self.code = code
        self.detail = detail
        self.params = params
        super().__init__(f"{code}: {detail}")


# --- instrument ------------------------------------------------------------------------
# The engine reads the InstrumentSpec (kotan.method.spec): codes, weights, units, the scale.


@dataclass(frozen=True, eq=False)
class _Compiled:
    """The instrument as weight matrices: one matmul per level of the hierarchy."""

    scale_min: float
    scale_max: float
    item_codes: tuple[str, ...]
    indicator_codes: tuple[str, ...]
    variable_codes: tuple[str, ...]
    item_units: tuple[frozenset[str] | None, ...]
    item_weights: Float  # (items, indicators), each column sums to 1
    indicator_weights: Float  # (indicators, variables)
    variable_weights: Float  # (variables, 1)


def _weights(values: Sequence[float | None], what: str, required: bool) -> list[float]:
    given = [w for w in values if w is not None]
    if not given and not required:
        return [1.0 / len(values)] * len(values)
    if len(given) != len(values) and required:
        raise ScoringError("weights.missing", f"every one of {what} needs a weight", what=what)
    if len(given) != len(values):
        raise ScoringError("weights.partial", f"weights of {what}: give all or none", what=what)
    if any(not math.isfinite(w) or w < 0 for w in given):
        raise ScoringError(
            "weights.negative", f"weights of {what} must be finite and >= 0", what=what
        )
    if abs(sum(given) - 1.0) > WEIGHT_TOLERANCE:
        raise ScoringError(
            "weights.sum",
            f"weights of {what} add up to {sum(given)}, not 1",
            what=what,
            total=sum(given),
        )
    return [float(w) for w in given]


def _compile(instrument: InstrumentSpec) -> _Compiled:
    """Check the structure and weights and turn them into matrices."""
    lo, hi = float(instrument.scale_min), float(instrument.scale_max)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ScoringError(
            "scale.order", f"answer scale {lo}..{hi}: min must be below max", min=lo, max=hi
        )
    variables = list(instrument.variables)
    if not variables:
        raise ScoringError("empty", "the instrument has no variables", name=instrument.code)
    indicators = [d for v in variables for d in v.indicators]
    items = [i for d in indicators for i in d.items]
    codes = [v.code for v in variables] + [d.code for d in indicators] + [i.code for i in items]
    if len(set(codes)) != len(codes):
        duplicate = next(c for c in codes if codes.count(c) > 1)
        raise ScoringError(
            "code.duplicate", f"code {duplicate!r} is used more than once", name=duplicate
        )
    item_w = np.zeros((len(items), len(indicators)))
    ind_w = np.zeros((len(indicators), len(variables)))
    var_w = np.array(_weights([v.weight for v in variables], "variables", True))[:, None]
    j = k = 0
    for vi, v in enumerate(variables):
        if not v.indicators:
            raise ScoringError("empty", f"variable {v.code!r} has no indicators", name=v.code)
        for d, w in zip(
            v.indicators, _weights([d.weight for d in v.indicators], v.code, False), strict=True
        ):
            ind_w[k, vi] = w
            if not d.items:
                raise ScoringError("empty", f"indicator {d.code!r} has no items", name=d.code)
            for w_item in _weights([i.weight for i in d.items], d.code, False):
                item_w[j, k] = w_item
                j += 1
            k += 1
    return _Compiled(
        scale_min=lo,
        scale_max=hi,
        item_codes=tuple(i.code for i in items),
        indicator_codes=tuple(d.code for d in indicators),
        variable_codes=tuple(v.code for v in variables),
        item_units=tuple(frozenset(i.units) if i.units else None for i in items),
        item_weights=item_w,
        indicator_weights=ind_w,
        variable_weights=var_w,
    )


# --- responses --------------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseRow:
    respondent_id: str
    regency_code: str  # "15.04"; the province is the part before the dot
    unit_code: str  # observation unit: gov, edu, biz, com, fam, ...
    answers: Mapping[str, float | None]  # item code -> score; None = missing or "tidak tahu"


@dataclass(frozen=True, eq=False)
class ResponseMatrix:
    """Answers as arrays: one row per respondent, one column per item, NaN = no score.

    ``regency_codes`` may list regencies without any row; they are reported with no data.
    """

    item_codes: tuple[str, ...]
    regency_codes: tuple[str, ...]
    unit_codes: tuple[str, ...]
    respondent_ids: tuple[str, ...]
    scores: Float  # (respondents, items)
    regency_index: Index  # (respondents,) into regency_codes
    unit_index: Index  # (respondents,) into unit_codes

    def __post_init__(self) -> None:
        object.__setattr__(self, "scores", np.asarray(self.scores, dtype=np.float64))
        object.__setattr__(self, "regency_index", np.asarray(self.regency_index, dtype=np.intp))
        object.__setattr__(self, "unit_index", np.asarray(self.unit_index, dtype=np.intp))
        n = len(self.respondent_ids)
        if self.scores.shape != (n, len(self.item_codes)):
            raise ScoringError(
                "responses.shape",
                f"scores have shape {self.scores.shape}, expected {(n, len(self.item_codes))}",
            )
        for name, index, codes in [
            ("regency", self.regency_index, self.regency_codes),
            ("unit", self.unit_index, self.unit_codes),
        ]:
            if index.shape != (n,) or (n and (index.min() < 0 or index.max() >= len(codes))):
                raise ScoringError("responses.shape", f"{name} index does not fit its codes")
        for name, codes in [
            ("item", self.item_codes),
            ("regency", self.regency_codes),
            ("unit", self.unit_codes),
            ("respondent", self.respondent_ids),
        ]:
            if len(set(codes)) != len(codes):
                duplicate = next(c for c, n in Counter(codes).items() if n > 1)
                raise ScoringError(
                    "code.duplicate",
                    f"{name} code {duplicate!r} is listed more than once",
                    name=duplicate,
                )

    @property
    def n_respondents(self) -> int:
        """Rows, blank ones included (the engine counts only rows with a scored answer)."""
        return len(self.respondent_ids)

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[ResponseRow],
        item_codes: Sequence[str],
        regency_codes: Iterable[str] = (),
    ) -> ResponseMatrix:
        """Build the arrays from rows; ``regency_codes`` adds regencies that have no rows."""
        rows = list(rows)
        column = {code: j for j, code in enumerate(item_codes)}
        regencies = sorted({r.regency_code for r in rows} | set(regency_codes))
        units = sorted({r.unit_code for r in rows})
        regency_at = {code: i for i, code in enumerate(regencies)}
        unit_at = {code: i for i, code in enumerate(units)}
        blank = [math.nan] * len(item_codes)
        table: list[list[float]] = []
        for row in rows:
            values = blank.copy()
            for code, value in row.answers.items():
                j = column.get(code)
                if j is None:
                    raise ScoringError(
                        "answer.unknown_item",
                        f"respondent {row.respondent_id!r} answers unknown item {code!r}",
                        item=code,
                    )
                if value is not None:
                    values[j] = float(value)
            table.append(values)
        return cls(
            item_codes=tuple(item_codes),
            regency_codes=tuple(regencies),
            unit_codes=tuple(units),
            respondent_ids=tuple(r.respondent_id for r in rows),
            scores=np.array(table, dtype=np.float64).reshape(len(rows), len(item_codes)),
            regency_index=np.array([regency_at[r.regency_code] for r in rows], dtype=np.intp),
            unit_index=np.array([unit_at[r.unit_code] for r in rows], dtype=np.intp),
        )


# --- options and results ----------------------------------------------------------------


@dataclass(frozen=True)
class ScoringOptions:
    aggregation: str = "pooled"  # or "unit-balanced"
    min_respondents: int = 30
    scheme: CategoryScheme | str = "2022"  # a scheme or a preset name
    bootstrap: int = 0  # replicates; 0 = no uncertainty figures
    seed: int = 0

    def __post_init__(self) -> None:
        if self.aggregation not in AGGREGATIONS:
            raise ScoringError(
                "aggregation.unknown",
                f"unknown aggregation {self.aggregation!r} (choose: {', '.join(AGGREGATIONS)})",
                value=self.aggregation,
                allowed=", ".join(AGGREGATIONS),
            )
        if self.min_respondents < 1 or self.bootstrap < 0 or self.seed < 0:
            raise ScoringError(
                "options.range",
                "min_respondents must be >= 1, bootstrap and seed >= 0",
                min_respondents=self.min_respondents,
                bootstrap=self.bootstrap,
                seed=self.seed,
            )

    def resolved_scheme(self) -> CategoryScheme:
        return get_scheme(self.scheme) if isinstance(self.scheme, str) else self.scheme


@dataclass(frozen=True)
class Method:
    """Everything needed to reproduce a result from the same responses."""

    engine_version: str
    aggregation: str
    scheme: str
    scheme_scale: str
    min_respondents: int
    bootstrap: int
    seed: int
    ci_percentiles: tuple[float, float] = CI_PERCENTILES
    rank_decimals: int = RANK_DECIMALS
    boundary_tolerance: float = BOUNDARY_TOLERANCE


@dataclass(frozen=True)
class RegencyScore:
    regency_code: str
    province_code: str
    n_respondents: int  # respondents with at least one scored answer
    n_rows: int  # rows received, blank ones (all empty or "tidak tahu") included
    n_by_unit: Mapping[str, int]  # respondents (as counted) per observation unit
    status: str  # STATUS_OK or STATUS_INSUFFICIENT
    variables: Mapping[str, float | None]  # on the answer scale
    indicators: Mapping[str, float | None]
    missing_variables: tuple[str, ...]  # no answer at all: then there is no index
    index: float | None
    index_100: float | None
    category: str | None  # category code of the scheme
    rank_national: int | None
    rank_province: int | None
    index_ci: tuple[float, float] | None = None
    rank_ci: tuple[int, int] | None = None
    p_same_category: float | None = None
    rank_equal_weights: int | None = None

    @property
    def rank_shift(self) -> int | None:
        """Places lost (positive) or gained (negative) when all variables weigh the same."""
        if self.rank_national is None or self.rank_equal_weights is None:
            return None
        return self.rank_equal_weights - self.rank_national

    def flat(self) -> dict[str, Any]:
        """The scalar scores as flat columns (``FLAT_COLUMNS``), the intervals' ends apart and
        missing values None: one regency's row, both in a result file and in the database."""
        index_ci = self.index_ci or (None, None)
        rank_ci = self.rank_ci or (None, None)
        return {
            "status": self.status,
            "n_respondents": self.n_respondents,
            "n_rows": self.n_rows,
            "index": self.index,
            "index_100": self.index_100,
            "category": self.category,
            "rank_national": self.rank_national,
            "rank_province": self.rank_province,
            "index_ci_low": index_ci[0],
            "index_ci_high": index_ci[1],
            "rank_ci_low": rank_ci[0],
            "rank_ci_high": rank_ci[1],
            "p_same_category": self.p_same_category,
            "rank_equal_weights": self.rank_equal_weights,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "regency_code": self.regency_code,
            "province_code": self.province_code,
            "n_respondents": self.n_respondents,
            "n_rows": self.n_rows,
            "n_by_unit": dict(self.n_by_unit),
            "status": self.status,
            "variables": dict(self.variables),
            "indicators": dict(self.indicators),
            "missing_variables": list(self.missing_variables),
            "index": self.index,
            "index_100": self.index_100,
            "category": self.category,
            "rank_national": self.rank_national,
            "rank_province": self.rank_province,
            "index_ci": None if self.index_ci is None else list(self.index_ci),
            "rank_ci": None if self.rank_ci is None else list(self.rank_ci),
            "p_same_category": self.p_same_category,
            "rank_equal_weights": self.rank_equal_weights,
            "rank_shift": self.rank_shift,
        }


FLAT_COLUMNS = (
    "status",
    "n_respondents",
    "n_rows",
    "index",
    "index_100",
    "category",
    "rank_national",
    "rank_province",
    "index_ci_low",
    "index_ci_high",
    "rank_ci_low",
    "rank_ci_high",
    "p_same_category",
    "rank_equal_weights",
)


@dataclass(frozen=True)
class ScoringResult:
    method: Method
    bands: tuple[Band, ...]  # as applied: data-driven bands hold the observed boundaries
    regencies: tuple[RegencyScore, ...]  # in regency code order
    max_rank_shift: int | None  # largest |rank_shift| over the ranked regencies
    _by_code: dict[str, RegencyScore] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {r.regency_code: r for r in self.regencies})

    def regency(self, code: str) -> RegencyScore:
        return self._by_code[code]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain data (no NaN: missing values are None)."""
        method = self.method
        return {
            "method": {
                "engine_version": method.engine_version,
                "aggregation": method.aggregation,
                "scheme": method.scheme,
                "scheme_scale": method.scheme_scale,
                "min_respondents": method.min_respondents,
                "bootstrap": method.bootstrap,
                "seed": method.seed,
                "ci_percentiles": list(method.ci_percentiles),
                "rank_decimals": method.rank_decimals,
                "boundary_tolerance": method.boundary_tolerance,
            },
            "bands": [
                {"code": b.code, "label": b.label, "lower": b.lower, "upper": b.upper}
                for b in self.bands
            ],
            "max_rank_shift": self.max_rank_shift,
            "regencies": [r.to_dict() for r in self.regencies],
        }


# --- computation ------------------------------------------------------------------------


def competition_ranks(values: Float) -> Float:
    """Ranks along the last axis, highest first, ties sharing the best rank (1, 2, 2, 4).

    Values are compared after rounding to RANK_DECIMALS; NaN gets no rank (NaN) and does not
    push the others down.
    """
    values = np.asarray(values, dtype=np.float64)
    missing = np.isnan(values)
    keys = np.where(missing, -np.inf, np.round(values, RANK_DECIMALS))
    order = np.argsort(-keys, axis=-1, kind="stable")
    ordered = np.take_along_axis(keys, order, axis=-1)
    position = np.broadcast_to(np.arange(1, keys.shape[-1] + 1), keys.shape)
    starts_tie = np.ones(keys.shape, dtype=bool)
    starts_tie[..., 1:] = ordered[..., 1:] != ordered[..., :-1]
    ranks_sorted = np.maximum.accumulate(np.where(starts_tie, position, 0), axis=-1)
    ranks = np.empty(keys.shape, dtype=np.float64)
    np.put_along_axis(ranks, order, ranks_sorted.astype(np.float64), axis=-1)
    ranks[missing] = np.nan
    return ranks


def _renormalised_mean(values: Float, weights: Float) -> Float:
    """Weighted means over the last axis of ``values`` with weights (n, m), skipping NaN.

    The weights of the available entries are rescaled to sum to 1; with nothing available
    (or only zero weights) the result is NaN.
    """
    available = ~np.isnan(values)
    numerator = np.where(available, values, 0.0) @ weights
    return _ratio(numerator, available.astype(np.float64) @ weights)


def _ratio(numerator: Float, denominator: Float) -> Float:
    """numerator / denominator, NaN where the denominator is 0 (nothing answered)."""
    has = denominator > 0
    return np.where(has, numerator / np.where(has, denominator, 1.0), np.nan)


def _sum_groups(values: Float, group: Index, n_groups: int) -> Float:
    """Sum of the rows of each group; rows must be sorted by group (empty groups give 0)."""
    out = np.zeros((n_groups, *values.shape[1:]))
    if len(group):
        starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
        out[group[starts]] = np.add.reduceat(values, starts, axis=0)
    return out


@dataclass(frozen=True, eq=False)
class _Prepared:
    """Responses in canonical order, aligned with the instrument's items."""

    regency_codes: tuple[str, ...]
    unit_codes: tuple[str, ...]
    n_rows: Index  # (regencies,) rows received, blank ones included
    sums_and_counts: Float  # (respondents, 2 * items): score (0 if missing), then answered
    stratum_start: Index  # first row of each (regency, unit) stratum
    stratum_size: Index
    stratum_regency: Index
    stratum_unit: Index


def _prepare(compiled: _Compiled, responses: ResponseMatrix) -> _Prepared:
    n_items = len(compiled.item_codes)
    unknown = set(responses.item_codes) - set(compiled.item_codes)
    if unknown:
        raise ScoringError(
            "answer.unknown_item",
            f"items not in the instrument: {sorted(unknown)}",
            item=", ".join(sorted(unknown)),
        )
    # Canonical order: regency code, unit code, respondent id, whatever order the rows had.
    regency_codes = tuple(sorted(responses.regency_codes))
    unit_codes = tuple(sorted(responses.unit_codes))
    regency_at = {c: i for i, c in enumerate(regency_codes)}
    unit_at = {c: i for i, c in enumerate(unit_codes)}
    regency = np.array([regency_at[c] for c in responses.regency_codes], dtype=np.intp)
    unit = np.array([unit_at[c] for c in responses.unit_codes], dtype=np.intp)
    regency = regency[responses.regency_index]
    unit = unit[responses.unit_index]
    order = np.lexsort((np.array(responses.respondent_ids, dtype=str), unit, regency))
    regency, unit = regency[order], unit[order]
    sorted_rows = responses.scores[order]  # one gather of whole rows: cache-friendly
    if responses.item_codes == compiled.item_codes:
        scores = sorted_rows
    else:
        # Items nobody was asked may be absent from the matrix: they stay NaN.
        column = {c: j for j, c in enumerate(responses.item_codes)}
        present = [j for j, c in enumerate(compiled.item_codes) if c in column]
        scores = np.full((len(order), n_items), np.nan)
        scores[:, present] = sorted_rows[:, [column[compiled.item_codes[j]] for j in present]]

    answered = ~np.isnan(scores)
    in_scale = (scores >= compiled.scale_min) & (scores <= compiled.scale_max)
    bad = answered & ~in_scale
    if bad.any():
        row, j = np.argwhere(bad)[0]
        raise ScoringError(
            "answer.out_of_scale",
            f"respondent {responses.respondent_ids[order[row]]!r}, item "
            f"{compiled.item_codes[j]!r}: {scores[row, j]} is outside "
            f"{compiled.scale_min}..{compiled.scale_max} (missing answers must be None)",
            respondent=responses.respondent_ids[order[row]],
            item=compiled.item_codes[j],
            value=float(scores[row, j]),
            min=compiled.scale_min,
            max=compiled.scale_max,
        )
    allowed = np.array(
        [[units is None or u in units for units in compiled.item_units] for u in unit_codes],
        dtype=bool,
    ).reshape(len(unit_codes), n_items)
    stray = answered & ~allowed[unit]
    if stray.any():
        row, j = np.argwhere(stray)[0]
        raise ScoringError(
            "answer.wrong_unit",
            f"respondent {responses.respondent_ids[order[row]]!r} of unit "
            f"{unit_codes[unit[row]]!r} answers item {compiled.item_codes[j]!r}, "
            "which that unit is not asked",
            respondent=responses.respondent_ids[order[row]],
            unit=unit_codes[unit[row]],
            item=compiled.item_codes[j],
        )

    n_rows = np.bincount(regency, minlength=len(regency_codes)).astype(np.intp)
    # A row without any scored answer is not a respondent: it adds nothing to any mean, and
    # counting (or resampling) it would inflate the respondent count behind a status.
    counted = answered.any(axis=1)
    if not counted.all():
        scores, answered = scores[counted], answered[counted]
        regency, unit = regency[counted], unit[counted]

    # Scores with 0 for missing next to the answered flags: summing (or multiplying by draw
    # counts) gives item sums and answer counts together. One allocation, it is the big array.
    sums_and_counts = np.empty((len(regency), 2 * n_items))
    sums_and_counts[:, :n_items] = scores
    np.copyto(sums_and_counts[:, :n_items], 0.0, where=~answered)
    sums_and_counts[:, n_items:] = answered
    stratum = regency * max(len(unit_codes), 1) + unit
    is_start = np.ones(len(stratum), dtype=bool)
    is_start[1:] = stratum[1:] != stratum[:-1]
    stratum_start = np.flatnonzero(is_start)
    stratum_size = np.diff(np.r_[stratum_start, len(stratum)]).astype(np.intp)
    return _Prepared(
        regency_codes=regency_codes,
        unit_codes=unit_codes,
        n_rows=n_rows,
        sums_and_counts=sums_and_counts,
        stratum_start=stratum_start,
        stratum_size=stratum_size,
        stratum_regency=regency[stratum_start],
        stratum_unit=unit[stratum_start],
    )


def _item_means(stats: Float, reduce: Callable[[Float], Float], balanced: bool) -> Float:
    """Item scores from per-stratum (sums | counts) columns; ``reduce`` adds strata up."""
    n_items = stats.shape[-1] // 2
    sums, counts = stats[..., :n_items], stats[..., n_items:]
    if balanced:
        sums, counts = _unit_means(sums, counts)
    return _ratio(reduce(sums), reduce(counts))


def _unit_means(sums: Float, counts: Float) -> tuple[Float, Float]:
    """Per-unit means and whether the unit answered at all, ready to be added over units.

    A unit without answers has a sum of 0, so its "mean" is 0 and it is not counted; this
    keeps NaN (and its warnings) out of the hot loop of the bootstrap.
    """
    return sums / np.maximum(counts, 1.0), (counts > 0).astype(np.float64)


@dataclass(frozen=True, eq=False)
class _Levels:
    indicators: Float
    variables: Float
    index: Float


def _levels(compiled: _Compiled, item_means: Float) -> _Levels:
    # A weighted mean of scores on the scale stays on the scale except for rounding
    # (4.000000000000001); clipping removes that noise so the top score is exactly the top.
    def mean(values: Float, weights: Float) -> Float:
        return np.clip(_renormalised_mean(values, weights), compiled.scale_min, compiled.scale_max)

    indicators = mean(item_means, compiled.item_weights)
    variables = mean(indicators, compiled.indicator_weights)
    index = _complete(variables, mean(variables, compiled.variable_weights)[..., 0])
    return _Levels(indicators=indicators, variables=variables, index=index)


def _complete(variables: Float, index: Float) -> Float:
    """``index`` where every variable has a score, NaN where one is missing.

    The index is the mean of all the variables with their weights; renormalising over the
    available ones (a no-op for complete rows, so their values do not change) would rank a
    regency on a different index.
    """
    return np.where(np.isnan(variables).any(axis=-1), np.nan, index)


def _bootstrap_index(
    compiled: _Compiled, prepared: _Prepared, balanced: bool, replicates: int, seed: int
) -> Float:
    """Index of every regency in every replicate, shape (replicates, regencies)."""
    out = np.full((replicates, len(prepared.regency_codes)), np.nan)
    n_items = len(compiled.item_codes)
    data = prepared.sums_and_counts
    replicate_offset = np.arange(replicates, dtype=np.intp)[:, None]

    def drawn(rng: np.random.Generator, size: int) -> Index:
        """How often each of a stratum's ``size`` respondents is drawn in each replicate."""
        draws = rng.integers(0, size, size=(replicates, size))
        counts = np.bincount((draws + replicate_offset * size).ravel(), minlength=replicates * size)
        return counts.reshape(replicates, size)

    def product(counts: Index, start: int, stop: int) -> Float:
        """counts @ rows: every replicate's item sums and answer counts in one product."""
        return counts.astype(np.float64) @ data[start:stop]

    # Strata are sorted by regency: split them into one run per regency.
    runs = np.split(
        np.arange(len(prepared.stratum_start)),
        np.flatnonzero(np.diff(prepared.stratum_regency)) + 1,
    )
    for strata in runs:
        if not len(strata):
            continue
        r = int(prepared.stratum_regency[strata[0]])
        rng = np.random.default_rng([seed, zlib.crc32(prepared.regency_codes[r].encode())])
        starts = prepared.stratum_start[strata].tolist()
        sizes = prepared.stratum_size[strata].tolist()
        if balanced:
            totals = np.zeros((replicates, 2 * n_items))
            for start, size in zip(starts, sizes, strict=True):
                stats = product(drawn(rng, size), start, start + size)
                sums, answered = _unit_means(stats[:, :n_items], stats[:, n_items:])
                totals[:, :n_items] += sums
                totals[:, n_items:] += answered
        else:
            # Pooled needs no per-stratum sums: the regency's strata are contiguous rows, one
            # product covers them all (same draws, in the same order, as stratum by stratum).
            counts = np.concatenate([drawn(rng, size) for size in sizes], axis=1)
            totals = product(counts, starts[0], starts[-1] + sizes[-1])
        item_means = _ratio(totals[:, :n_items], totals[:, n_items:])
        out[:, r] = _levels(compiled, item_means).index
    return out


def rescale_100(values: Any, scale_min: float, scale_max: float) -> Any:
    """Scores on the answer scale rescaled to 0–100 (a float or an array)."""
    return (values - scale_min) / (scale_max - scale_min) * 100.0


def _on_scheme_scale(index: Float, compiled: _Compiled, scheme: CategoryScheme) -> Float:
    if scheme.scale == "answer":
        return index
    return rescale_100(index, compiled.scale_min, compiled.scale_max)


def _percentile_pairs(
    samples: Float, low_method: PercentileMethod, high_method: PercentileMethod
) -> list[Pair | None]:
    """(low, high) CI_PERCENTILES per column over its finite values; None if there are none."""
    low_q, high_q = CI_PERCENTILES
    finite = np.isfinite(samples)
    if finite.all():
        lows = np.percentile(samples, low_q, axis=0, method=low_method)
        highs = np.percentile(samples, high_q, axis=0, method=high_method)
        return [(float(a), float(b)) for a, b in zip(lows, highs, strict=True)]
    pairs: list[Pair | None] = []
    for column in range(samples.shape[1]):
        values = samples[finite[:, column], column]
        if values.size == 0:
            pairs.append(None)
            continue
        low = np.percentile(values, low_q, method=low_method)
        high = np.percentile(values, high_q, method=high_method)
        pairs.append((float(low), float(high)))
    return pairs


@dataclass(frozen=True, eq=False)
class _Uncertainty:
    index_ci: list[Pair | None]
    rank_ci: list[Pair | None]
    p_same_category: list[float | None]


def _uncertainty(
    compiled: _Compiled,
    prepared: _Prepared,
    options: ScoringOptions,
    scheme: CategoryScheme,
    bands: tuple[Band, ...],
    index: Float,
    ok_at: Index,
    classes: Index,
) -> _Uncertainty:
    n_regencies = len(prepared.regency_codes)
    result = _Uncertainty([None] * n_regencies, [None] * n_regencies, [None] * n_regencies)
    balanced = options.aggregation == "unit-balanced"
    # Thousands of small (B x n) @ (n x 2J) products: threaded OpenBLAS spends more time
    # waking and spinning its threads than multiplying (national set, B = 1000, busy 2-core
    # machine: 31-43 s threaded, 6 s with one thread). One thread, for the bootstrap only; the
    # limit is process-wide while it lasts. Avoiding BLAS (gathering the drawn rows and
    # np.add.reduceat) was measured too: 8x slower than the single-threaded product.
    with threadpool_limits(1, user_api="blas"):
        replicated = _bootstrap_index(compiled, prepared, balanced, options.bootstrap, options.seed)
    has_index = np.flatnonzero(np.isfinite(index))
    pairs = _percentile_pairs(replicated[:, has_index], "linear", "linear")
    for i, pair in zip(has_index, pairs, strict=True):
        result.index_ci[i] = pair
    if not len(ok_at):
        return result
    # Every replicate ranks and classifies the regencies that are ``ok`` in the point
    # estimate: strata keep their size, so the respondent count cannot change. A variable can
    # vanish from a replicate (every drawn respondent skipped it); the regency then has no
    # index there (NaN): no rank in that replicate, not in the range of data-driven bands, and
    # a change of category.
    replicated_ok = replicated[:, ok_at]
    pairs = _percentile_pairs(competition_ranks(replicated_ok), "lower", "higher")
    for i, pair in zip(ok_at, pairs, strict=True):
        result.rank_ci[i] = pair
    scaled = _on_scheme_scale(replicated_ok, compiled, scheme)
    if isinstance(scheme, EqualIntervals):
        finite = np.isfinite(scaled)
        any_finite = finite.any(axis=1)
        # NaN edges (no index at all in a replicate) classify nothing, without inf - inf.
        low = np.where(any_finite, np.where(finite, scaled, np.inf).min(axis=1), np.nan)
        high = np.where(any_finite, np.where(finite, scaled, -np.inf).max(axis=1), np.nan)
        edges = equal_interval_edges(low, high, len(scheme.categories))
    else:
        edges = np.broadcast_to(band_edges(bands), (options.bootstrap, len(bands) + 1))
    # A replicate without an index for the regency counts as a change of category.
    same = classify_array(scaled, edges) == classes[ok_at]
    for i, share in zip(ok_at, same.mean(axis=0), strict=True):
        result.p_same_category[i] = float(share)
    return result


def _province_ranks(index: Float, ok_at: Index, provinces: Sequence[str]) -> Float:
    ranks = np.full(len(index), np.nan)
    ok_provinces = np.array([provinces[i] for i in ok_at], dtype=str)
    for province in sorted(set(ok_provinces.tolist())):
        members = ok_at[ok_provinces == province]
        ranks[members] = competition_ranks(index[members])
    return ranks


def _optional(value: float) -> float | None:
    return None if math.isnan(value) else value


def _optional_int(value: float) -> int | None:
    return None if math.isnan(value) else int(value)


def score(
    instrument: InstrumentSpec,
    responses: ResponseMatrix,
    options: ScoringOptions | None = None,
) -> ScoringResult:
    """Score every regency in ``responses``; the rules are in the module docstring."""
    options = options or ScoringOptions()
    scheme = options.resolved_scheme()
    compiled = _compile(instrument)
    prepared = _prepare(compiled, responses)
    n_regencies = len(prepared.regency_codes)
    if isinstance(scheme, FixedBands) and not scheme.partial:
        _check_covers(scheme, compiled)

    stratum_stats = (
        np.add.reduceat(prepared.sums_and_counts, prepared.stratum_start, axis=0)
        if len(prepared.stratum_start)
        else np.zeros((0, prepared.sums_and_counts.shape[1]))
    )

    def per_regency(values: Float) -> Float:
        return _sum_groups(values, prepared.stratum_regency, n_regencies)

    item_means = _item_means(stratum_stats, per_regency, options.aggregation == "unit-balanced")
    levels = _levels(compiled, item_means)
    index = levels.index
    n_variables = len(compiled.variable_codes)
    equal_weights = np.full((n_variables, 1), 1.0 / n_variables)
    index_equal = _complete(
        levels.variables, _renormalised_mean(levels.variables, equal_weights)[:, 0]
    )

    n_respondents = np.zeros(n_regencies, dtype=np.intp)
    np.add.at(n_respondents, prepared.stratum_regency, prepared.stratum_size)
    # No index (a missing variable, or no respondent at all) is insufficient data too.
    ok = (n_respondents >= options.min_respondents) & np.isfinite(index)
    ok_at = np.flatnonzero(ok)

    ranks = np.full(n_regencies, np.nan)
    ranks[ok_at] = competition_ranks(index[ok_at])
    ranks_equal = np.full(n_regencies, np.nan)
    ranks_equal[ok_at] = competition_ranks(index_equal[ok_at])
    provinces = [code.split(".", 1)[0] for code in prepared.regency_codes]
    ranks_province = _province_ranks(index, ok_at, provinces)

    on_scale = _on_scheme_scale(index, compiled, scheme)
    bands = realise(scheme, on_scale[ok_at])
    classes = np.full(n_regencies, -1, dtype=np.intp)
    if bands:
        classes[ok_at] = classify_array(on_scale[ok_at], band_edges(bands))

    if options.bootstrap:
        uncertainty = _uncertainty(
            compiled, prepared, options, scheme, bands, index, ok_at, classes
        )
    else:
        none: list[Any] = [None] * n_regencies
        uncertainty = _Uncertainty(none, none, none)

    index_100 = rescale_100(index, compiled.scale_min, compiled.scale_max)
    units_of: list[list[tuple[str, int]]] = [[] for _ in range(n_regencies)]
    for s in range(len(prepared.stratum_start)):
        units_of[int(prepared.stratum_regency[s])].append(
            (prepared.unit_codes[int(prepared.stratum_unit[s])], int(prepared.stratum_size[s]))
        )
    variables = levels.variables.tolist()
    indicators = levels.indicators.tolist()
    regencies = []
    for i, code in enumerate(prepared.regency_codes):
        rank_ci = uncertainty.rank_ci[i]
        regencies.append(
            RegencyScore(
                regency_code=code,
                province_code=provinces[i],
                n_respondents=int(n_respondents[i]),
                n_rows=int(prepared.n_rows[i]),
                n_by_unit=dict(units_of[i]),
                status=STATUS_OK if ok[i] else STATUS_INSUFFICIENT,
                variables={
                    c: _optional(v)
                    for c, v in zip(compiled.variable_codes, variables[i], strict=True)
                },
                indicators={
                    c: _optional(v)
                    for c, v in zip(compiled.indicator_codes, indicators[i], strict=True)
                },
                missing_variables=tuple(
                    c
                    for c, v in zip(compiled.variable_codes, variables[i], strict=True)
                    if math.isnan(v)
                ),
                index=_optional(float(index[i])),
                index_100=_optional(float(index_100[i])),
                category=bands[classes[i]].code if classes[i] >= 0 else None,
                rank_national=_optional_int(float(ranks[i])),
                rank_province=_optional_int(float(ranks_province[i])),
                index_ci=uncertainty.index_ci[i],
                rank_ci=None if rank_ci is None else (int(rank_ci[0]), int(rank_ci[1])),
                p_same_category=uncertainty.p_same_category[i],
                rank_equal_weights=_optional_int(float(ranks_equal[i])),
            )
        )
    shifts = [abs(r.rank_shift) for r in regencies if r.rank_shift is not None]
    return ScoringResult(
        method=Method(
            engine_version=ENGINE_VERSION,
            aggregation=options.aggregation,
            scheme=scheme.name,
            scheme_scale=scheme.scale,
            min_respondents=options.min_respondents,
            bootstrap=options.bootstrap,
            seed=options.seed,
        ),
        bands=bands,
        regencies=tuple(regencies),
        max_rank_shift=max(shifts) if shifts else None,
    )


def _check_covers(scheme: FixedBands, compiled: _Compiled) -> None:
    """Fixed bands must cover their whole scale, so every index gets a category (unless the
    scheme is ``partial``: a published table over the observed range, outside it no category)."""
    low, high = (
        (compiled.scale_min, compiled.scale_max) if scheme.scale == "answer" else (0.0, 100.0)
    )
    if (
        scheme.bands[0].lower > low + BOUNDARY_TOLERANCE
        or scheme.bands[-1].upper < high - BOUNDARY_TOLERANCE
    ):
        raise ScoringError(
            "categories.coverage",
            f"scheme {scheme.name!r} does not cover the {scheme.scale} scale {low}..{high}",
            scheme=scheme.name,
            min=low,
            max=high,
        )
