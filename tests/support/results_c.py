"""A measured world for the result pages and their exports (issue 13, part C): the period
world of ``periods.py`` answered and computed once, with a small bootstrap."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from pytest_django import DjangoDbBlocker

from kotan.collection.models import Period
from kotan.scoring import runs
from kotan.scoring.models import IndexRun
from tests.support.cast import Cast, build_cast
from tests.support.periods import MIN_RESPONDENTS, answer_some, build_period
from tests.support.world import held_transaction


@dataclass
class MeasuredWorld:
    cast: Cast
    period: Period
    run: IndexRun


@contextmanager
def measured_world(blocker: DjangoDbBlocker) -> Iterator[MeasuredWorld]:
    """Inside a held transaction: the cast, the answered 2026 period and one provisional run."""
    with held_transaction(blocker):
        cast = build_cast()
        period = build_period(cast, min_respondents=MIN_RESPONDENTS)
        answer_some(period, cast)
        run = runs.compute_run(actor=cast.ani, period=period, bootstrap=50)
        yield MeasuredWorld(cast, period, run)


def fixtures() -> tuple[Any, Any, Any]:
    """The module's fixtures ``world`` (built once per module), ``cast`` and ``run``:
    ``world, cast, run = fixtures()`` at the top of a test module."""

    @pytest.fixture(scope="module")
    def world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[MeasuredWorld]:
        with measured_world(django_db_blocker) as built:
            yield built

    @pytest.fixture
    def cast(world: MeasuredWorld, db: None) -> Cast:
        return world.cast.fresh()

    @pytest.fixture
    def run(world: MeasuredWorld, db: None) -> IndexRun:
        return IndexRun.objects.get(pk=world.run.pk)

    return world, cast, run
