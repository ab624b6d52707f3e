"""The public regency, methodology and award pages in Chromium: a 375 px phone and a desktop,
without JavaScript, nothing wider than the screen, no axe violation."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from kotan.scoring import publication
from tests.support.browser import screenshot
from tests.support.cast import Cast, build_cast
from tests.support.public_b import build_public_years

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 375, "height": 800}, "desktop": {"width": 1366, "height": 900}}
PAGES = {
    "regency": "/publik/2026/15.04/",
    "regency-insufficient": "/publik/2026/15.71/",
    "methodology": "/publik/2025/metodologi/",
    "awards": "/publik/2026/penghargaan/",
}


@pytest.fixture
def cast(transactional_db: None) -> Cast:
    """Committed data for the live server; the regions put back after the last flush."""
    from django.apps import apps

    importlib.import_module("kotan.regions.migrations.0002_load_kemendagri_2025").load(apps, None)
    return build_cast()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # Without JavaScript for the pages themselves; axe injects its script through
    # Playwright, which the setting does not block, so a second context runs it.
    context = browser.new_context(java_script_enabled=False, locale="id-ID")
    yield context.new_page()
    context.close()


def test_public_pages_fit_a_phone_and_pass_axe(
    cast: Cast, live_server: Any, page: Page, browser: Browser
) -> None:
    years = build_public_years(cast.ani)
    publication.set_award_rule(
        actor=cast.ani, run=years.run_2026, top_national=2, top_per_category=1
    )
    base = str(live_server)
    checker = browser.new_context(locale="id-ID").new_page()
    for name, path in PAGES.items():
        for size_name, size in SIZES.items():
            page.set_viewport_size(size)  # type: ignore[arg-type]
            response = page.goto(base + path)
            assert response is not None and response.status == 200
            screenshot(page, f"public-{name}-{size_name}")
            checker.set_viewport_size(size)  # type: ignore[arg-type]
            checker.goto(base + path)
            wide = checker.evaluate(
                "[...document.querySelectorAll('main *')]"
                ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
                ".map(e => e.tagName + '.' + e.className)"
            )
            assert wide == [], (name, size_name, wide)
            result = Axe().run(checker)
            assert result.violations_count == 0, result.generate_report()
    checker.context.close()
