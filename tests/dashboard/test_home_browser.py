"""The home page in a real browser: the device outbox count, phone and desktop, a11y."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from kotan.collection.models import Assignment
from tests.support.browser import DESKTOP, log_in, screenshot
from tests.support.cast import Cast, build_cast
from tests.support.periods import build_period

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_375 = {"width": 375, "height": 800}


@pytest.fixture
def cast(transactional_db: None) -> Cast:
    """Committed data for the live server; the flush after the previous transactional test
    emptied the regions, so they are put back the way the data migration does."""
    from django.apps import apps

    importlib.import_module("kotan.regions.migrations.0002_load_kemendagri_2025").load(apps, None)
    return build_cast()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, locale="id-ID")
    page = context.new_page()
    yield page
    context.close()


def _outbox_entry(form: str, status: str, uuid: str) -> dict[str, Any]:
    return {
        "uuid": uuid,
        "form": form,
        "status": status,
        "created": "2026-12-04T08:00:00Z",
        "attempts": 0,
        "next": 0,
        "payload": {"answers": {}},
    }


def test_enumerator_sees_what_waits_in_the_device_outbox(
    cast: Cast, live_server: Any, page: Page
) -> None:
    period = build_period(cast)
    batanghari = Assignment.objects.get(period=period, regency__code="15.04")
    base = str(live_server)
    log_in(page, base, "eko")
    device = page.locator("#device-outbox")
    expect(device).to_contain_text("Tidak ada kuesioner yang menunggu di perangkat ini.")
    # Nothing leaves the outbox while we look: every send fails as a network error, which
    # keeps the entry waiting.
    page.route(f"{base}/api/**", lambda route: route.abort())
    page.goto(f"{base}/pengisian/")  # its outbox.js creates the device's database
    page.wait_for_load_state("networkidle")
    mine = f"pengisian/{batanghari.pk}/gov/{cast.eko.pk}"
    entries = [
        _outbox_entry(mine, "waiting", "a"),
        _outbox_entry(mine, "waiting", "b"),
        _outbox_entry(mine, "sent", "c"),  # already sent: not waiting
        _outbox_entry(f"pengisian/{batanghari.pk}/gov/{cast.eko.pk + 100}", "waiting", "d"),
    ]
    page.evaluate(
        """entries => new Promise((resolve, reject) => {
          const open = indexedDB.open('kotan', 1);
          open.onsuccess = () => {
            const tx = open.result.transaction('outbox', 'readwrite');
            entries.forEach(e => tx.objectStore('outbox').put(e));
            tx.oncomplete = () => { open.result.close(); resolve(); };
            tx.onerror = () => reject(tx.error);
          };
        })""",
        entries,
    )
    page.goto(f"{base}/")
    expect(device).to_contain_text("2 kuesioner menunggu dikirim dari perangkat ini.")
    expect(device.get_by_role("link", name="buka Pengisian")).to_have_attribute(
        "href", "/pengisian/"
    )
    for name, size in (("phone", PHONE_375), ("desktop", DESKTOP)):
        page.set_viewport_size(size)  # type: ignore[arg-type]
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        screenshot(page, f"home-enumerator-{name}")
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()


@pytest.mark.parametrize("username", ["budi", "dewi", "fajar"])
def test_home_fits_a_phone_and_passes_axe(
    cast: Cast, live_server: Any, page: Page, username: str
) -> None:
    build_period(cast)
    base = str(live_server)
    log_in(page, base, username)
    for name, size in (("phone", PHONE_375), ("desktop", DESKTOP)):
        page.set_viewport_size(size)  # type: ignore[arg-type]
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        screenshot(page, f"home-{username}-{name}")
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()
