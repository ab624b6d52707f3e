"""Published years for the public regency, methodology and award pages (issue 13, part B).

Two measurement years whose instruments differ where the methodology page must follow them:
2025 weighs the variables differently and classifies with the fixed 0-100 "2019" scheme;
2026 uses the example instrument as it is (the data-driven "2022" scheme). Each year gets one
final run written as the engine would store it (hand-made figures, so that ranks, intervals
and categories are known exactly), and runs can be published, left unpublished or
provisional. No answers are needed: the public pages read only the stored runs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from pytest_django import DjangoDbBlocker

from kotan.accounts.models import User
from kotan.collection import actions as collection
from kotan.collection.models import Period
from kotan.instruments import actions as instruments
from kotan.instruments.models import Instrument
from kotan.method.engine import ENGINE_VERSION
from kotan.method.spec import EXAMPLE, Variable, load_yaml
from kotan.regions.models import Regency
from kotan.scoring import publication
from kotan.scoring.models import IndexRun, RegencyResult
from tests.support.cast import Cast, build_cast
from tests.support.world import held_transaction

VARIABLES = ("MAS", "WIL", "LEM", "HUK", "KEL")
# 2025: other weights (LEM 0.30 instead of 0.25, KEL 0.05 instead of 0.10).
WEIGHTS_2025 = {"MAS": 0.25, "WIL": 0.20, "LEM": 0.30, "HUK": 0.20, "KEL": 0.05}
BANDS_2019 = [
    {"code": "tidak_tanggap", "label": "Tidak Tanggap", "lower": 0.0, "upper": 20.0},
    {"code": "kurang_tanggap", "label": "Kurang Tanggap", "lower": 20.0, "upper": 40.0},
    {"code": "cukup_tanggap", "label": "Cukup Tanggap", "lower": 40.0, "upper": 60.0},
    {"code": "tanggap", "label": "Tanggap", "lower": 60.0, "upper": 80.0},
    {"code": "sangat_tanggap", "label": "Sangat Tanggap", "lower": 80.0, "upper": 100.0},
]
BANDS_2022 = [
    {"code": "cukup_tanggap", "label": "Cukup Tanggap", "lower": 2.3, "upper": 2.6},
    {"code": "tanggap", "label": "Tanggap", "lower": 2.6, "upper": 2.9},
    {"code": "sangat_tanggap", "label": "Sangat Tanggap", "lower": 2.9, "upper": 3.2},
]
# regency -> index on the 1-4 scale per year (None: insufficient data, not ranked).
INDEX = {
    2025: {"15.04": 3.1, "15.05": 2.9, "15.71": 2.2, "11.08": 2.5, "15.01": 2.9},
    2026: {"15.04": 3.2, "15.05": 2.8, "15.71": None, "11.08": 2.3, "15.01": 2.6},
}
DIGEST = "ab" * 32


def instrument_for(actor: User, year: int) -> Instrument:
    spec = load_yaml(EXAMPLE.read_text(encoding="utf-8"))
    if year == 2025:
        spec = dataclasses.replace(
            spec,
            year=2025,
            categories="2019",
            aggregation="unit-balanced",
            min_respondents=20,
            variables=tuple(
                Variable(v.code, v.name, WEIGHTS_2025[v.code], v.indicators) for v in spec.variables
            ),
        )
    else:
        spec = dataclasses.replace(spec, year=year)
    draft = instruments.import_instrument(actor=actor, spec=spec)
    return instruments.publish_instrument(actor=actor, instrument=draft)


def _ranks(values: dict[str, float | None]) -> dict[str, int]:
    ranked = {code: v for code, v in values.items() if v is not None}
    return {code: 1 + sum(1 for o in ranked.values() if o > v) for code, v in ranked.items()}


def _category(year: int, index: float) -> str:
    if year == 2025:
        value = (index - 1) / 3 * 100
        bands = BANDS_2019
    else:
        value, bands = index, BANDS_2022
    for band in bands:
        if value <= band["upper"] + 1e-9:
            return str(band["code"])
    return str(bands[-1]["code"])


def make_run(
    actor: User, period: Period, kind: str = IndexRun.Kind.FINAL, *, bootstrap: int = 200
) -> IndexRun:
    """A run of ``period`` with the hand-made figures of its year."""
    year = period.year
    instrument = period.instrument
    method: dict[str, Any] = {
        "engine_version": ENGINE_VERSION,
        "aggregation": instrument.aggregation,
        "scheme": "2019" if year == 2025 else "2022",
        "scheme_scale": "0-100" if year == 2025 else "answer",
        "min_respondents": instrument.min_respondents,
        "bootstrap": bootstrap,
        "seed": year,
        "ci_percentiles": [5.0, 95.0],
        "rank_decimals": 12,
        "boundary_tolerance": 1e-9,
    }
    run = IndexRun.objects.create(
        period=period,
        kind=kind,
        created_by=actor,
        instrument=instrument,
        instrument_year=instrument.year,
        instrument_version=instrument.version,
        engine_version=ENGINE_VERSION,
        method=method,
        bands=BANDS_2019 if year == 2025 else BANDS_2022,
        input_digest=DIGEST,
        n_responses=100,
        n_answers=1000,
        duration_ms=5,
    )
    values = INDEX[year]
    national = _ranks(values)
    rows = []
    for code, index in values.items():
        regency = Regency.objects.get(code=code)
        province = _ranks({c: v for c, v in values.items() if c[:2] == code[:2]})
        ok = index is not None
        variables = {
            v: (None if index is None and v == "KEL" else (index or 2.0) + 0.1 * (i - 2))
            for i, v in enumerate(VARIABLES)
        }
        rows.append(
            RegencyResult(
                run=run,
                regency=regency,
                n_respondents=40 if ok else 4,
                n_by_unit={"gov": 40 if ok else 4},
                n_answers=400,
                n_excluded=0,
                input_digest=DIGEST,
                status=RegencyResult.Status.OK if ok else RegencyResult.Status.INSUFFICIENT,
                variables=variables,
                indicators={},
                index=index,
                index_100=None if index is None else (index - 1) / 3 * 100,
                category="" if index is None else _category(year, index),
                rank_national=national.get(code),
                rank_province=province.get(code),
                index_ci_low=None if index is None else index - 0.1,
                index_ci_high=None if index is None else index + 0.1,
                rank_ci_low=None if index is None else max(1, national[code] - 1),
                rank_ci_high=None if index is None else min(national[code] + 2, len(national)),
                p_same_category=None if index is None else 0.8,
            )
        )
    RegencyResult.objects.bulk_create(rows)
    return run


@dataclass
class PublicYears:
    period_2025: Period
    period_2026: Period
    run_2025: IndexRun
    run_2026: IndexRun


def build_public_years(actor: User) -> PublicYears:
    """2025 and 2026, each with one final run, both published."""
    periods = {}
    for year in (2025, 2026):
        periods[year] = collection.open_period(
            actor=actor,
            year=year,
            name=f"IKOTAN {year}",
            instrument=instrument_for(actor, year),
            opens_on=date(year, 1, 1),
            closes_on=date(year, 12, 31),
        )
    run_2025 = make_run(actor, periods[2025])
    run_2026 = make_run(actor, periods[2026])
    for run in (run_2025, run_2026):
        publication.publish_run(actor=actor, run=run)
    return PublicYears(periods[2025], periods[2026], run_2025, run_2026)


@dataclass
class PublicWorld:
    cast: Cast
    years: PublicYears


@pytest.fixture(scope="module")
def public_world(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[PublicWorld]:
    """The cast and the two published years, built once per module."""
    with held_transaction(django_db_blocker):
        cast = build_cast()
        yield PublicWorld(cast, build_public_years(cast.ani))


@pytest.fixture
def cast(public_world: PublicWorld, db: None) -> Cast:
    return public_world.cast.fresh()


@pytest.fixture
def years(public_world: PublicWorld, db: None) -> PublicYears:
    y = public_world.years
    return PublicYears(
        Period.objects.get(pk=y.period_2025.pk),
        Period.objects.get(pk=y.period_2026.pk),
        IndexRun.objects.get(pk=y.run_2025.pk),
        IndexRun.objects.get(pk=y.run_2026.pk),
    )
