"""The home page tests' world (tests/support/dashboard.py), built once per module; each test
runs in a savepoint rolled back at its end (tests/support/world.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_django import DjangoDbBlocker

from tests.support.cast import Cast
from tests.support.dashboard import HomeWorld, build_home_world
from tests.support.world import held_transaction


@pytest.fixture(scope="module")
def home_world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[HomeWorld]:
    with held_transaction(django_db_blocker):
        from tests.support.cast import build_cast

        yield build_home_world(build_cast())


@pytest.fixture
def world(home_world: HomeWorld, db: None) -> HomeWorld:
    return home_world


@pytest.fixture
def cast(world: HomeWorld) -> Cast:
    return world.cast.fresh()
