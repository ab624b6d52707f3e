"""Fixtures of the phone-width page checks: committed data for the live server, and a
375 px Chromium page."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.support.cast import Cast, build_cast

PHONE_WIDTH = 375


@pytest.fixture
def cast(transactional_db: None) -> Cast:
    """Committed data for the live server, with every regency (the flush after the previous
    transactional test emptied them; they are put back the way the data migration does)."""
    from django.apps import apps

    importlib.import_module("kotan.regions.migrations.0002_load_kemendagri_2025").load(apps, None)
    return build_cast()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 800}, locale="id-ID")
    page = context.new_page()
    yield page
    context.close()
