"""Real-browser fixtures: Debian's Chromium driven by Playwright, against the live server."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from kotan.collection.models import Assignment, Period
from tests.support.browser import DESKTOP
from tests.support.cast import Cast
from tests.support.periods import build_period


@pytest.fixture(autouse=True)
def reference_regions(transactional_db: None) -> None:
    """Browser tests run in real transactions; the flush after each one empties every table,
    so put the reference regions back the way the data migration does (no audit noise)."""
    from django.apps import apps

    importlib.import_module("kotan.regions.migrations.0002_load_kemendagri_2025").load(apps, None)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, locale="id-ID")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def period(cast: Cast) -> Period:
    """Built for each test: the live server reads committed data."""
    return build_period(cast)


@pytest.fixture
def batanghari(period: Period) -> Assignment:
    return Assignment.objects.get(period=period, regency__code="15.04")
