"""The dashboards' world: the cast, the open 2026 period, and a synthetic final run for each of
2025 and 2026 over all 514 regencies (results written directly: the engine is tested in
tests/scoring; here only the reading and drawing of stored results matters)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from kotan.collection import actions as collection
from kotan.collection.models import Period
from kotan.instruments.queries import published_spec
from kotan.regions.models import Regency
from kotan.scoring.models import IndexRun, RegencyResult
from tests.support.cast import Cast
from tests.support.monev import Monev, build_monev
from tests.support.periods import build_period

BANDS = [
    {"code": "cukup_tanggap", "label": "Cukup Tanggap", "lower": 2.6, "upper": 3.064},
    {"code": "tanggap", "label": "Tanggap", "lower": 3.064, "upper": 3.532},
    {"code": "sangat_tanggap", "label": "Sangat Tanggap", "lower": 3.532, "upper": 4.0},
]
INSUFFICIENT = "15.71"  # Kota Jambi: no index, no category


@dataclass
class DashboardWorld:
    cast: Cast
    period: Period
    runs: dict[int, IndexRun]  # year -> final run
    monev: Monev  # an overdue follow-up in Jambi and one in Aceh


def category_of(index: float) -> str:
    return next(b["code"] for b in BANDS if index <= b["upper"] + 1e-9)


def synthetic_run(period: Period, *, seed: int, kind: str = IndexRun.Kind.FINAL) -> IndexRun:
    spec = published_spec(period.instrument)
    variables = [v.code for v in spec.variables]
    run = IndexRun.objects.create(
        period=period,
        kind=kind,
        instrument=period.instrument,
        instrument_year=period.instrument.year,
        instrument_version=period.instrument.version,
        engine_version="uji",
        method={"aggregation": "pooled", "seed": seed, "bootstrap": 200},
        bands=BANDS,
        input_digest=f"{seed:064d}",
        n_responses=0,
        n_answers=0,
        duration_ms=1,
    )
    rng = random.Random(seed)
    regencies = list(Regency.objects.order_by("code"))
    scores = {r.code: round(rng.uniform(2.6, 4.0), 3) for r in regencies if r.code != INSUFFICIENT}
    order = sorted(scores, key=lambda code: -scores[code])
    n = len(order)
    rows = []
    for regency in regencies:
        index = scores.get(regency.code)
        rank = order.index(regency.code) + 1 if index is not None else None
        rows.append(
            RegencyResult(
                run=run,
                regency=regency,
                n_respondents=30,
                n_by_unit={},
                n_answers=300,
                n_excluded=0,
                input_digest="0" * 64,
                status="ok" if index is not None else "insufficient_data",
                variables={
                    v: (None if index is None else round(index - 0.1 * i, 3))
                    for i, v in enumerate(variables)
                },
                indicators={},
                index=index,
                index_100=None if index is None else (index - 1) / 3 * 100,
                category=category_of(index) if index is not None else "",
                rank_national=rank,
                rank_ci_low=None if rank is None else max(1, rank - 20),
                rank_ci_high=None if rank is None else min(n, rank + 20),
                p_same_category=None if index is None else 0.8,
            )
        )
    RegencyResult.objects.bulk_create(rows)
    return run


def build_dashboard_world(cast: Cast) -> DashboardWorld:
    period = build_period(cast)
    earlier = collection.open_period(
        actor=cast.ani,
        year=2025,
        name="IKOTAN 2025",
        instrument=period.instrument,
        opens_on=date(2025, 1, 1),
        closes_on=date(2025, 12, 31),
    )
    runs = {2025: synthetic_run(earlier, seed=2025), 2026: synthetic_run(period, seed=2026)}
    synthetic_run(period, seed=7, kind=IndexRun.Kind.PROVISIONAL)  # never on a dashboard
    return DashboardWorld(cast, period, runs, build_monev(cast))
