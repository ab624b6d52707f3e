"""Fixtures for every test: the cast (see tests/support/cast.py), built fresh for each test, and
the one Chromium of a test process (``browser``) for the browser tests of every directory.

Directories whose tests share a world built once per module override ``cast`` in their own
conftest (tests/collection, tests/scoring/test_runs.py, tests/accounts).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.browser import CHROMIUM
from tests.support.cast import Cast, build_cast

if TYPE_CHECKING:
    from playwright.sync_api import Browser


def pytest_itemcollected(item: pytest.Item) -> None:
    """A test on a world built once per module (a fixture taking ``django_db_blocker``) uses the
    database even when the test itself asks for no ``db``: mark it so pytest-django orders it
    with the database tests, before the transactional ones that empty every table."""
    if "django_db_blocker" in getattr(item, "fixturenames", ()) and not item.get_closest_marker(
        "django_db"
    ):
        item.add_marker(pytest.mark.django_db)


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


@pytest.fixture(scope="session")
def browser(django_db_setup: None) -> Iterator[Browser]:
    """Chromium, one per test process, started after the test database exists.

    Playwright's sync API runs an event loop in this thread, and a second one in the same
    process is refused, so every browser test shares this fixture. Creating the test database
    (and serialising it for ``serialized_rollback``) must happen before that loop starts.
    """
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make system-deps` "
            "(apt-get install -y chromium chromium-driver)"
        )
    # Playwright drives its own event loop; Django must not see it as an async context.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()
