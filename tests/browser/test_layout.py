"""The base layout in a real browser: login, role navigation, phone and desktop, a11y, weight."""

from __future__ import annotations

import gzip

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.support.browser import DESKTOP, PHONE, log_in, screenshot
from tests.support.cast import Cast

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

CSS_JS_BUDGET_GZIP = 50 * 1024


@pytest.mark.parametrize(("size_name", "size"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_login_and_role_navigation(
    cast: Cast, live_server: object, page: Page, size_name: str, size: dict[str, int]
) -> None:
    base = str(live_server)
    page.set_viewport_size(size)  # type: ignore[arg-type]
    page.goto(f"{base}/akun/masuk/")
    screenshot(page, f"login-{size_name}")
    log_in(page, base, "budi")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Selamat datang")
    nav = page.get_by_role("navigation", name="Navigasi utama")
    assert nav.get_by_role("link", name="Wilayah").is_visible()
    assert nav.get_by_role("link", name="Pengguna").is_visible()
    assert nav.get_by_role("link", name="Jejak audit").count() == 0  # admins only
    screenshot(page, f"home-province-operator-{size_name}")
    nav.get_by_role("link", name="Wilayah").click()
    page.get_by_role("link", name="Jambi").click()
    # expect() waits for the province page to finish loading; count() would not.
    expect(page.get_by_role("cell", name="Kabupaten Batanghari")).to_have_count(1)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"horizontal scroll of {overflow}px at {size_name} size"
    screenshot(page, f"province-jambi-{size_name}")


def test_enumerator_navigation_is_minimal(cast: Cast, live_server: object, page: Page) -> None:
    log_in(page, str(live_server), "eko")
    nav = page.get_by_role("navigation", name="Navigasi utama")
    links = [a.inner_text() for a in nav.get_by_role("link").all()]
    assert links == [
        "Beranda",
        "Pengisian",
        "Pengumpulan",
        "Progres",
        "Hasil",
        "Wilayah",
        "Instrumen",
    ]


def test_language_switch_to_english(cast: Cast, live_server: object, page: Page) -> None:
    base = str(live_server)
    page.goto(f"{base}/akun/masuk/")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to SI-KOTAN")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Masuk ke SI-KOTAN")


PAGES = [
    "/akun/masuk/",
    "/",
    "/wilayah/",
    "/wilayah/15/",
    "/wilayah/15.04/",
    "/organisasi/",
    "/pengguna/",
    "/audit/",
]


def test_pages_pass_axe_and_stay_under_the_weight_budget(
    cast: Cast, live_server: object, page: Page
) -> None:
    from kotan.instruments.actions import import_instrument, publish_instrument
    from kotan.method.spec import EXAMPLE, load_yaml

    instrument = publish_instrument(
        actor=cast.ani,
        instrument=import_instrument(actor=cast.ani, spec=load_yaml(EXAMPLE.read_text())),
    )
    base = str(live_server)
    log_in(page, base, "ani")
    axe = Axe()
    for path in [*PAGES, "/instrumen/", f"/instrumen/{instrument.pk}/"]:
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
        urls = page.evaluate(
            "[...document.querySelectorAll('link[rel=stylesheet], script[src]')]"
            ".map(e => e.href || e.src)"
        )
        assert urls, f"{path}: no stylesheet"
        assert page.evaluate("document.styleSheets[0].cssRules.length") > 10  # CSS applied
        # Weigh what a first visit downloads, whatever the browser cache holds now.
        weight = sum(len(gzip.compress(page.request.get(url).body())) for url in urls)
        assert weight < CSS_JS_BUDGET_GZIP, f"{path}: {weight} B of CSS+JS gzipped"
        if path.startswith("/instrumen/"):
            for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
                page.set_viewport_size(size)  # type: ignore[arg-type]
                screenshot(page, f"instrument{'-detail' if path != '/instrumen/' else ''}-{name}")
        result = axe.run(page)
        assert result.violations_count == 0, f"{path}: {result.generate_report()}"
