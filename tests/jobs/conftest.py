"""The jobs tests' world: the cast and the 2026 period (tests/support/periods.py), built once per
module and read again for each test; job files go to a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytest_django import DjangoDbBlocker

from kotan.collection.models import Period
from tests.support.cast import Cast, build_cast
from tests.support.periods import build_period
from tests.support.world import held_transaction


@dataclass
class World:
    cast: Cast
    period: Period


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[World]:
    with held_transaction(django_db_blocker):
        cast = build_cast()
        yield World(cast, build_period(cast))


@pytest.fixture
def cast(world: World, db: None) -> Cast:
    return world.cast.fresh()


@pytest.fixture
def period(world: World, db: None) -> Period:
    return Period.objects.get(pk=world.period.pk)


@pytest.fixture(autouse=True)
def media(settings: object, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    return tmp_path / "media"
