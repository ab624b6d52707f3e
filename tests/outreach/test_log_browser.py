"""The message log on a 375 px phone: its filters stay inside the page."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.support.browser import log_in, screenshot
from tests.support.cast import Cast, build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cast(transactional_db: None) -> Cast:
    """Committed data for the live server, with every regency (the longest names count)."""
    from django.apps import apps

    importlib.import_module("kotan.regions.migrations.0002_load_kemendagri_2025").load(apps, None)
    return build_cast()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="id-ID")
    page = context.new_page()
    yield page
    context.close()


def test_the_log_filters_fit_a_phone(cast: Cast, live_server: Any, phone: Page) -> None:
    """The regency filter lists every regency of the national admin's scope; sized to its
    longest name it ran 65 px off the screen."""
    base = str(live_server)
    log_in(phone, base, cast.ani.username)
    phone.goto(f"{base}/pengingat/log/")
    select = phone.locator("select[name=wilayah]")
    assert select.locator("option").count() > 500
    box = select.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 375
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone, "outreach-log-375")
