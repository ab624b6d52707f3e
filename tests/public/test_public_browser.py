"""The public ranking and a public regency page in Chromium at 375 px and 1366 px: the page
never scrolls sideways, every row's category is on the phone screen, no axe violation."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from tests.support.browser import screenshot
from tests.support.cast import Cast, build_cast
from tests.support.public import build_published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 375, "height": 800}, "desktop": {"width": 1366, "height": 900}}
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def cast(transactional_db: None) -> Cast:
    """Committed data for the live server; the regions put back after the last flush."""
    from django.apps import apps

    importlib.import_module("kotan.regions.migrations.0002_load_kemendagri_2025").load(apps, None)
    return build_cast()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="id-ID")
    yield context.new_page()
    context.close()


def _open(page: Page, url: str, size_name: str) -> None:
    page.set_viewport_size(SIZES[size_name])  # type: ignore[arg-type]
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    assert page.evaluate(OVERFLOW) <= 0, (url, size_name)


def test_public_ranking_shows_every_category_on_a_phone(
    cast: Cast, live_server: Any, page: Page
) -> None:
    build_published(cast.ani, year=2026)  # all 514 regencies, the last without an index
    for query, shown in (("", None), ("?provinsi=15", 11), ("?q=kepulauan", None)):
        url = f"{live_server}/publik/2026/{query}"
        for size_name in SIZES:
            _open(page, url, size_name)
            rows = page.locator("table.public-ranking tbody tr")
            assert rows.count() >= 5 and (shown is None or rows.count() == shown)
            width = SIZES[size_name]["width"]
            for i in range(rows.count()):
                category = rows.nth(i).locator(".cat")
                assert category.is_visible(), (url, i)
                box = category.bounding_box()
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (
                    url,
                    size_name,
                    i,
                    box,
                )
            if query:
                continue
            screenshot(page, f"public-ranking-{size_name}")
            result = Axe().run(page)
            assert result.violations_count == 0, result.generate_report()


def test_public_regency_page_fits_a_phone_and_passes_axe(
    cast: Cast, live_server: Any, page: Page
) -> None:
    build_published(cast.ani, year=2026)
    url = f"{live_server}/publik/2026/15.04/"
    for size_name in SIZES:
        _open(page, url, size_name)
        assert "Batanghari" in page.locator("h1").inner_text()
        screenshot(page, f"public-regency-15.04-{size_name}")
        result = Axe().run(page)
        assert result.violations_count == 0, result.generate_report()
