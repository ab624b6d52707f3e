"""Published results for the public pages: a period with a FINAL run, published.

The run's figures are synthetic (deterministic, no engine): building 514 regencies takes a
fraction of a second, so the public pages' tests and benchmarks do not compute bootstraps.
The run is written the way ``compute_run`` writes one (an immutable ``IndexRun`` and its
``RegencyResult`` rows) and published through the real action.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pytest
from pytest_django import DjangoDbBlocker

from kotan.accounts.models import User
from kotan.collection import actions as collection
from kotan.collection.models import Period
from kotan.instruments.demo import load_demo_instrument
from kotan.instruments.models import Instrument
from kotan.regions.models import Regency
from kotan.scoring import publication
from kotan.scoring.models import IndexRun, RegencyResult
from tests.support.cast import Cast, build_cast
from tests.support.world import held_transaction

BANDS = [
    {"code": "tidak_tanggap", "label": "Tidak Tanggap", "lower": 1.0, "upper": 1.6},
    {"code": "kurang_tanggap", "label": "Kurang Tanggap", "lower": 1.6, "upper": 2.2},
    {"code": "cukup_tanggap", "label": "Cukup Tanggap", "lower": 2.2, "upper": 2.8},
    {"code": "tanggap", "label": "Tanggap", "lower": 2.8, "upper": 3.4},
    {"code": "sangat_tanggap", "label": "Sangat Tanggap", "lower": 3.4, "upper": 4.0},
]
MIN_RESPONDENTS = 30


def make_period(actor: User, year: int = 2026, instrument: Instrument | None = None) -> Period:
    """An open period of ``year`` with the demo instrument (loaded when not given)."""
    existing = Period.objects.filter(year=year).first()
    if existing is not None:
        return existing
    if instrument is None:
        instrument = load_demo_instrument()
    return collection.open_period(
        actor=actor,
        year=year,
        name=f"IKOTAN {year}",
        instrument=instrument,
        opens_on=date(year, 1, 1),
        closes_on=date(year, 12, 31),
    )


def _category(index: float) -> str:
    for band in BANDS:
        if index < band["upper"]:
            return str(band["code"])
    return str(BANDS[-1]["code"])


def synthetic_run(
    period: Period,
    *,
    actor: User,
    final: bool = True,
    regencies: Sequence[Regency] | None = None,
    insufficient: int = 1,
    seed: int = 1,
) -> IndexRun:
    """A run of ``period`` over ``regencies`` (default: all 514) with plausible figures; the
    last ``insufficient`` regencies (by code) have too few respondents and no index."""
    if regencies is None:
        regencies = list(Regency.objects.select_related("province").order_by("code"))
    rng = np.random.default_rng(seed)
    instrument = period.instrument
    run = IndexRun(
        period=period,
        kind=IndexRun.Kind.FINAL if final else IndexRun.Kind.PROVISIONAL,
        created_by=actor,
        instrument=instrument,
        instrument_year=instrument.year,
        instrument_version=instrument.version,
        engine_version="kotan-method test",
        method={
            "engine_version": "kotan-method test",
            "aggregation": "pooled",
            "scheme": "bnn-5",
            "scheme_scale": "1-4",
            "min_respondents": MIN_RESPONDENTS,
            "bootstrap": 1000,
            "seed": period.year,
            "ci_percentiles": [5.0, 95.0],
            "rank_decimals": 6,
            "boundary_tolerance": 1e-9,
        },
        bands=BANDS,
        input_digest="ab" * 32,
        n_responses=0,
        n_answers=0,
        duration_ms=1,
        max_rank_shift=0,
    )
    run.save()
    ranked = regencies[: len(regencies) - insufficient]
    indexes = {r.pk: float(np.round(rng.uniform(1.3, 3.9), 6)) for r in ranked}
    order = sorted(ranked, key=lambda r: (-indexes[r.pk], r.code))
    national = {r.pk: i + 1 for i, r in enumerate(order)}
    province_rank: dict[int, int] = {}
    seen: dict[int, int] = {}
    for r in order:
        seen[r.province_id] = seen.get(r.province_id, 0) + 1
        province_rank[r.pk] = seen[r.province_id]
    rows = []
    n = len(order)
    for regency in regencies:
        ok = regency.pk in indexes
        index = indexes.get(regency.pk)
        rank = national.get(regency.pk)
        rows.append(
            RegencyResult(
                run=run,
                regency=regency,
                n_respondents=int(rng.integers(30, 120)) if ok else 4,
                n_rows=0,
                n_by_unit={},
                n_answers=0,
                n_excluded=0,
                input_digest="cd" * 32,
                status="ok" if ok else "insufficient_data",
                variables={},
                indicators={},
                index=index,
                index_100=None if index is None else round((index - 1) / 3 * 100, 6),
                category=_category(index) if index is not None else "",
                rank_national=rank,
                rank_province=province_rank.get(regency.pk),
                index_ci_low=None if index is None else round(index - 0.12, 6),
                index_ci_high=None if index is None else round(index + 0.12, 6),
                rank_ci_low=None if rank is None else max(1, rank - 5),
                rank_ci_high=None if rank is None else min(n, rank + 5),
                p_same_category=None if index is None else round(float(rng.uniform(0.4, 1)), 3),
                rank_equal_weights=rank,
            )
        )
    RegencyResult.objects.bulk_create(rows, batch_size=500)
    return run


def build_published(
    actor: User,
    *,
    year: int = 2026,
    regencies: Sequence[Regency] | None = None,
    note: str = "",
) -> IndexRun:
    """A period of ``year`` with a final run, published by ``actor`` (a national admin)."""
    period = make_period(actor, year)
    run = synthetic_run(period, actor=actor, regencies=regencies)
    publication.publish_run(actor=actor, run=run, note=note)
    return run


@dataclass
class PublicWorld:
    """2026: a final run of all 514 regencies, published, and a provisional run (not public);
    2025: a final run, not published; 2024: a provisional run only."""

    cast: Cast
    run: IndexRun
    provisional: IndexRun
    unpublished: IndexRun
    provisional_only: IndexRun


def build_public_world() -> PublicWorld:
    cast = build_cast()
    run = build_published(cast.ani, year=2026)
    small = list(Regency.objects.filter(code__startswith="15.").order_by("code"))
    return PublicWorld(
        cast=cast,
        run=run,
        provisional=synthetic_run(run.period, actor=cast.ani, final=False, regencies=small),
        unpublished=synthetic_run(make_period(cast.ani, 2025), actor=cast.ani, regencies=small),
        provisional_only=synthetic_run(
            make_period(cast.ani, 2024), actor=cast.ani, final=False, regencies=small
        ),
    )


def public_world_fixtures() -> tuple[Any, Any]:
    """The fixtures ``world`` (built once per module) and ``cast`` (fresh per test) of a test
    module on ``PublicWorld``: ``world, cast = public_world_fixtures()`` at module level."""

    @pytest.fixture(scope="module")
    def world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[PublicWorld]:
        with held_transaction(django_db_blocker):
            yield build_public_world()

    @pytest.fixture
    def cast(world: PublicWorld, db: None) -> Cast:
        return world.cast.fresh()

    return world, cast
