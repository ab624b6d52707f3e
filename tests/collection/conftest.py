"""The collection tests' world: the cast and a 2026 period with the demo instrument, measuring
Jambi's regencies and Aceh Utara (tests/support/periods.py), built once per module.

``cast`` and ``period`` come from that world, read again for each test; each test runs in a
savepoint rolled back at its end (tests/support/world.py), so it sees the world as built.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from pytest_django import DjangoDbBlocker

from kotan.collection.models import Assignment, Period
from tests.support.cast import Cast, build_cast
from tests.support.periods import build_period
from tests.support.world import held_transaction


@dataclass
class PeriodWorld:
    cast: Cast
    period: Period


@pytest.fixture(scope="module")
def period_world(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[PeriodWorld]:
    with held_transaction(django_db_blocker):
        cast = build_cast()
        yield PeriodWorld(cast, build_period(cast))


@pytest.fixture
def cast(period_world: PeriodWorld, db: None) -> Cast:
    return period_world.cast.fresh()


@pytest.fixture
def period(period_world: PeriodWorld, db: None) -> Period:
    return Period.objects.get(pk=period_world.period.pk)


@pytest.fixture
def batanghari(period: Period) -> Assignment:
    return Assignment.objects.get(period=period, regency__code="15.04")


@pytest.fixture
def without_periods(period_world: PeriodWorld, db: None) -> None:
    """The world with its period removed, for a test about the state before any period
    (inside the test's savepoint: the next test has the period again)."""
    Assignment.objects.all().delete()
    Period.objects.all().delete()
