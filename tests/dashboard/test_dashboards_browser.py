"""The dashboards in Chromium at 375 px and 1366 px: the national one for the national viewer,
Jambi's for its province operator. Both maps are drawn, a tile or a dot opens its dashboard,
the page never scrolls sideways (a map may scroll inside its own box), no axe violation."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from tests.support.browser import log_in, screenshot
from tests.support.cast import Cast, build_cast
from tests.support.dashboards import build_dashboard_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 375, "height": 800}, "desktop": {"width": 1366, "height": 900}}
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
TILES = "svg.map-tiles"
DOTS = "svg.map-dots"


@pytest.fixture
def cast(transactional_db: None) -> Cast:
    """Committed data for the live server; the regions and Monev themes (which the Monev
    follow-ups of the world need) put back after the last flush."""
    from django.apps import apps

    importlib.import_module("kotan.regions.migrations.0002_load_kemendagri_2025").load(apps, None)
    importlib.import_module("kotan.monev.migrations.0002_seed_themes").seed(apps, None)
    return build_cast()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="id-ID")
    yield context.new_page()
    context.close()


def _check(page: Page, url: str, name: str) -> None:
    """Both maps at both sizes, nothing wider than the screen, screenshots, axe."""
    for size_name, size in SIZES.items():
        page.set_viewport_size(size)  # type: ignore[arg-type]
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        assert page.locator(TILES).count() == 1 and page.locator(DOTS).count() == 1
        assert page.locator(f"{TILES} rect[rx]").count() == 38
        assert page.locator(TILES).is_visible() and page.locator(DOTS).is_visible()
        assert page.evaluate(OVERFLOW) <= 0, (url, size_name)
        screenshot(page, f"dashboard-{name}-{size_name}")
        result = Axe().run(page)
        assert result.violations_count == 0, result.generate_report()


def test_national_dashboard_for_the_national_viewer(
    cast: Cast, live_server: Any, page: Page
) -> None:
    build_dashboard_world(cast)
    base = str(live_server)
    log_in(page, base, "fajar")
    _check(page, f"{base}/dasbor/", "national")
    assert page.locator(f"{TILES} a.tile").count() == 38
    assert page.locator(f"{DOTS} circle > title").count() == 514
    for size_name, size in SIZES.items():
        page.set_viewport_size(size)  # type: ignore[arg-type]
        page.goto(f"{base}/dasbor/")
        page.locator(f'{TILES} a.tile[data-code="11"]').click()
        page.wait_for_url(f"{base}/dasbor/11/")
        assert "Aceh" in page.locator("h1").inner_text(), size_name


def test_province_dashboard_for_its_operator(cast: Cast, live_server: Any, page: Page) -> None:
    build_dashboard_world(cast)
    base = str(live_server)
    log_in(page, base, "budi")
    _check(page, f"{base}/dasbor/15/", "province-15")
    # Only Jambi's tile is a link for Jambi's operator; the others are drawn, not linked.
    assert page.locator(f"{TILES} a.tile").count() == 1
    assert page.locator(f"{TILES} g.tile").count() == 37
    assert page.locator(f"{DOTS} a").count() == 11
    for size_name, size in SIZES.items():
        page.set_viewport_size(size)  # type: ignore[arg-type]
        page.goto(f"{base}/dasbor/")
        page.locator(f'{TILES} a.tile[data-code="15"]').click()
        page.wait_for_url(f"{base}/dasbor/15/")
        page.locator(f'{DOTS} a[href="/dasbor/15.04/"]').click()
        page.wait_for_url(f"{base}/dasbor/15.04/")
        assert "Batanghari" in page.locator("h1").inner_text(), size_name
