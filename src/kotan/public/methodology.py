"""The method of a published year, generated from what its run stored (never hand-written).

Everything here is read from the run (its method JSON, the bands as applied, its digest and
engine version) and from the run's instrument, which cannot change once published. So the page
built from it is true for every year, also when the weights or the category scheme change from
one year to the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from kotan.instruments.queries import published_spec
from kotan.method.categories import CUSTOM, PRESETS, CategoryScheme, EqualIntervals, FixedBands
from kotan.method.spec import AnswerOption, InstrumentSpec, Unit
from kotan.public import queries
from kotan.scoring.models import CATEGORY_LABELS, IndexRun


@dataclass(frozen=True)
class IndicatorPart:
    code: str
    name: str
    weight: float | None  # None: the indicators of the variable weigh the same
    n_items: int

    @property
    def weight_pct(self) -> float | None:
        return None if self.weight is None else self.weight * 100


@dataclass(frozen=True)
class VariablePart:
    code: str
    name: str
    weight: float
    indicators: list[IndicatorPart]

    @property
    def weight_pct(self) -> float:
        return self.weight * 100


@dataclass(frozen=True)
class BandPart:
    code: str
    label: str | Promise
    lower: float
    upper: float
    first: bool


@dataclass(frozen=True)
class Methodology:
    run: IndexRun
    spec: InstrumentSpec
    variables: list[VariablePart]
    options: list[AnswerOption]
    units: list[Unit]
    quota_total: int
    aggregation: str
    min_respondents: int
    scheme_name: str
    scheme_kind: str  # "fixed" or "equal_interval"
    scheme_scale: str  # "answer" or "0-100"
    scheme_partial: bool
    bands: list[BandPart]
    bootstrap: int
    ci_low: float
    ci_high: float
    seed: int
    engine_version: str
    input_digest: str
    instrument_digest: str
    rank_decimals: int
    boundary_tolerance: float

    @property
    def interval_level(self) -> int:
        """The interval's coverage in percent (5th to 95th percentile: 90)."""
        return round(self.ci_high - self.ci_low)

    @property
    def n_items(self) -> int:
        return sum(d.n_items for v in self.variables for d in v.indicators)

    @property
    def weight_total(self) -> float:
        return sum(v.weight for v in self.variables)


def _scheme(method: dict[str, Any], spec: InstrumentSpec) -> CategoryScheme | None:
    name = method.get("scheme", "")
    if name == CUSTOM:
        return spec.categories if not isinstance(spec.categories, str) else None
    return PRESETS.get(name)


def methodology(run: IndexRun) -> Methodology:
    """The method of ``run``, from its stored method and instrument."""
    spec = published_spec(run.instrument)
    method = run.method
    scheme = _scheme(method, spec)
    ci = method.get("ci_percentiles") or [5.0, 95.0]
    bands = run.bands
    return Methodology(
        run=run,
        spec=spec,
        variables=[
            VariablePart(
                v.code,
                v.name,
                v.weight,
                [IndicatorPart(d.code, d.name, d.weight, len(d.items)) for d in v.indicators],
            )
            for v in spec.variables
        ],
        options=list(spec.answer_options),
        units=list(spec.units),
        quota_total=sum(u.quota for u in spec.units),
        aggregation=method["aggregation"],
        min_respondents=method["min_respondents"],
        scheme_name=method.get("scheme", ""),
        scheme_kind="equal_interval" if isinstance(scheme, EqualIntervals) else "fixed",
        scheme_scale=method.get("scheme_scale", "answer"),
        scheme_partial=isinstance(scheme, FixedBands) and scheme.partial,
        bands=[
            BandPart(
                b["code"],
                CATEGORY_LABELS.get(b["code"], b["label"]),
                b["lower"],
                b["upper"],
                n == 0,
            )
            for n, b in enumerate(bands)
        ],
        bootstrap=method.get("bootstrap", 0),
        ci_low=float(ci[0]),
        ci_high=float(ci[1]),
        seed=method.get("seed", 0),
        engine_version=run.engine_version,
        input_digest=run.input_digest,
        instrument_digest=queries.instrument_digest(run.instrument),
        rank_decimals=method.get("rank_decimals", 0),
        boundary_tolerance=method.get("boundary_tolerance", 0.0),
    )
