"""What a regency's result page shows, assembled from a stored run (read-only)."""

from __future__ import annotations

from dataclasses import dataclass

from kotan.collection.models import Quota
from kotan.instruments.queries import published_spec
from kotan.method.engine import rescale_100
from kotan.method.spec import InstrumentSpec, Unit
from kotan.scoring import runs
from kotan.scoring.models import IndexRun, RegencyResult


@dataclass(frozen=True)
class Part:
    code: str
    name: str
    weight: float | None
    score: float | None
    score_100: float | None
    parent: str = ""


@dataclass(frozen=True)
class RegencyReport:
    spec: InstrumentSpec
    variables: list[Part]
    indicators: list[Part]
    units: list[tuple[Unit, int, int]]  # unit, respondents counted, quota
    n_quota: int
    n_ranked: int
    n_province: int
    unchanged: bool  # the regency's answers are still those the run used


def _part(
    code: str,
    name: str,
    weight: float | None,
    score: float | None,
    spec: InstrumentSpec,
    parent: str = "",
) -> Part:
    score_100 = None if score is None else rescale_100(score, spec.scale_min, spec.scale_max)
    return Part(code, name, weight, score, score_100, parent)


def regency_report(run: IndexRun, result: RegencyResult) -> RegencyReport:
    spec = published_spec(run.instrument)
    variables = [
        _part(v.code, v.name, v.weight, result.variables.get(v.code), spec) for v in spec.variables
    ]
    indicators = [
        _part(d.code, d.name, d.weight, result.indicators.get(d.code), spec, v.code)
        for v in spec.variables
        for d in v.indicators
    ]
    quotas = dict(
        Quota.objects.filter(assignment__period=run.period_id, assignment__regency=result.regency)
        .order_by()
        .values_list("unit__code", "quota")
    )
    units = [(u, result.n_by_unit.get(u.code, 0), quotas.get(u.code, u.quota)) for u in spec.units]
    current = runs.read_input(run.period, spec, instrument=run.instrument, regency=result.regency)
    ranked = RegencyResult.objects.filter(run=run, status="ok")
    return RegencyReport(
        spec=spec,
        variables=variables,
        indicators=indicators,
        units=units,
        n_quota=sum(q for _u, _n, q in units),
        n_ranked=ranked.count(),
        n_province=ranked.filter(regency__province=result.regency.province_id).count(),
        unchanged=current.regency_digests.get(result.regency.code) == result.input_digest,
    )
