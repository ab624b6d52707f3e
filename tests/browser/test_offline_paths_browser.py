"""Every offline path in a real browser: an expired session, documents kept on the device,
the enumerator's list prepared and opened with no signal, the back/forward cache."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from kotan.collection import actions
from kotan.collection.models import Assignment, Evidence, Response
from tests.support.browser import CHROMIUM, DESKTOP, PHONE, log_in, screenshot
from tests.support.cast import PASSWORD, Cast

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _answer(page: Page, code: str, label: str) -> None:
    page.locator(f"#q-{code}").get_by_text(label, exact=True).click()


def _drop_session(context: BrowserContext) -> None:
    """The session ends on the server's side of the device: its cookie is gone."""
    kept = [c for c in context.cookies() if c["name"] != "sessionid"]
    context.clear_cookies()
    context.add_cookies(kept)  # type: ignore[arg-type]


def test_an_expired_session_keeps_the_questionnaire_until_the_enumerator_signs_in_again(
    cast: Cast,
    batanghari: Assignment,
    live_server: Any,
    browser: Browser,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    base = str(live_server)
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    page = context.new_page()
    log_in(page, base, "eko")
    offline_url = f"{base}/pengisian/{batanghari.pk}/gov/luring/"
    page.goto(offline_url)
    expect(page.locator("html[data-offline-ready='1']")).to_have_count(1)
    # Enumerators see the item codes.
    expect(page.locator("#q-MAS1_01 .code")).to_have_text("MAS1_01")

    context.set_offline(True)
    page.get_by_label("Nama instansi").fill("Dinas Kesehatan Batanghari")
    _answer(page, "MAS1_01", "Setuju / sering")
    _answer(page, "MAS1_02", "Tidak tahu")
    # A document attached with no signal waits on the device with the answers.
    page.get_by_label("Dokumen pendukung (Perda, SK, anggaran)").set_input_files(
        files=[{"name": "SK Tim P4GN.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    expect(page.locator("#bukti-list li")).to_contain_text("SK Tim P4GN.pdf")
    expect(page.locator("#answered[data-saved='1']")).to_contain_text("2 dari 45")
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.locator("#outbox li[data-uuid]")).to_contain_text("menunggu dikirim")
    expect(page.locator("#outbox li[data-uuid]")).to_contain_text("1 dokumen")

    # Days later the session has ended; the signal comes back.
    _drop_session(context)
    context.set_offline(False)
    item = page.locator("#outbox li[data-uuid]")
    expect(item).to_contain_text("Masuk lagi untuk mengirim", timeout=15_000)
    expect(item).to_contain_text("menunggu dikirim")
    expect(page.locator("#signin-needed")).to_be_visible()
    assert Response.objects.count() == 0
    screenshot(page, "offline-signin-needed-phone")

    # Signing in returns to the questionnaire, which sends what waited: one response.
    item.get_by_role("link", name="Masuk lagi untuk mengirim").click()
    page.get_by_label("Nama pengguna").fill("eko")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(offline_url)
    expect(page.locator("#outbox li[data-uuid]")).to_contain_text("Terkirim", timeout=15_000)
    response = Response.objects.get()
    assert response.enumerator == cast.eko and response.channel == "offline"
    assert response.institution_name == "Dinas Kesehatan Batanghari"
    assert {a.item.code: a.value for a in response.answers.select_related("item")} == {
        "MAS1_01": "3",
        "MAS1_02": "TT",
    }
    expect(page.locator("#outbox .receipt-no")).to_have_text(response.receipt_number)
    assert [e.original_name for e in Evidence.objects.filter(response=response)] == [
        "SK Tim P4GN.pdf"
    ]
    expect(page.locator("#signin-needed")).to_be_hidden()
    page.reload()
    expect(page.locator("#outbox .receipt-no")).to_have_text(response.receipt_number)
    assert Response.objects.count() == 1
    screenshot(page, "offline-sent-after-signin-phone")
    context.close()


def test_a_stale_csrf_token_is_renewed_and_the_questionnaire_sent_once(
    cast: Cast,
    batanghari: Assignment,
    live_server: Any,
    browser: Browser,
) -> None:
    base = str(live_server)
    context = browser.new_context(viewport=PHONE, locale="id-ID", service_workers="block")
    page = context.new_page()
    log_in(page, base, "eko")
    page.goto(f"{base}/pengisian/{batanghari.pk}/fam/luring/")
    _answer(page, "KEL1_01", "Setuju / sering")
    # The token on the page no longer matches the device's (signed in again elsewhere).
    page.evaluate(
        "document.querySelector('input[name=csrfmiddlewaretoken]').value = 'x'.repeat(64)"
    )
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.locator("#outbox li[data-uuid]")).to_contain_text("Terkirim", timeout=15_000)
    assert Response.objects.count() == 1
    context.close()


def test_the_enumerators_list_prepares_every_unit_and_opens_with_no_signal(
    cast: Cast,
    batanghari: Assignment,
    live_server: Any,
    browser: Browser,
) -> None:
    base = str(live_server)
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    page = context.new_page()
    log_in(page, base, "eko")
    page.goto(f"{base}/pengisian/")
    expect(page.locator("html[data-offline-ready='1']")).to_have_count(1)
    # The browser reads the manifest without complaint: SI-KOTAN can go on the home screen.
    cdp = context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    cdp.detach()
    assert manifest["url"].endswith("/static/kotan/manifest.webmanifest")
    assert manifest["errors"] == [], manifest["errors"]
    assert '"start_url": "/pengisian/"' in manifest["data"]
    units = page.locator("[data-offline-url]").count()
    assert units >= 5  # eko's regency and the one his BNNK covers, every unit of each
    page.get_by_role("button", name="Siapkan semua untuk luring").click()
    expect(page.locator("#prepare-state")).to_contain_text(
        f"{units} dari {units} siap", timeout=30_000
    )
    expect(page.locator("#prepare-state")).to_contain_text("Semua formulir siap")
    expect(page.locator(".offline-ready:visible")).to_have_count(units)
    axe_result = Axe().run(page)
    assert axe_result.violations_count == 0, axe_result.generate_report()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, "pengisian-prepared-phone")
    page.set_viewport_size(DESKTOP)  # type: ignore[arg-type]
    screenshot(page, "pengisian-prepared-desktop")
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]

    # No signal: a unit never opened before opens from the device and takes answers.
    context.set_offline(True)
    page.goto(f"{base}/pengisian/{batanghari.pk}/com/luring/")
    _answer(page, "MAS1_01", "Tidak tahu")
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.locator("#outbox li[data-uuid]")).to_contain_text("menunggu dikirim")
    # The list opens with no signal too, and shows what waits.
    page.goto(f"{base}/pengisian/")
    expect(page.locator("#outbox li[data-uuid]")).to_contain_text("menunggu dikirim")
    expect(page.locator("#net-state")).to_contain_text("Tidak ada sinyal")
    screenshot(page, "pengisian-offline-phone")
    assert Response.objects.count() == 0
    context.set_offline(False)
    expect(page.locator("#outbox li[data-uuid]")).to_contain_text("Terkirim", timeout=15_000)
    assert Response.objects.count() == 1
    context.close()


def test_documents_refused_on_the_device_or_by_the_server_are_named(
    cast: Cast,
    batanghari: Assignment,
    live_server: Any,
    browser: Browser,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    link = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov")
    context = browser.new_context(viewport=PHONE, locale="id-ID", service_workers="block")
    page = context.new_page()
    page.goto(f"{live_server}/isi/{link.token}/luring/")
    documents = page.get_by_label("Dokumen pendukung (Perda, SK, anggaran)")
    documents.set_input_files(
        files=[{"name": "setup.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"}]
    )
    expect(page.locator("#bukti-error")).to_contain_text("hanya PDF, JPEG atau PNG")
    expect(page.locator("#bukti-list li")).to_have_count(0)
    documents.set_input_files(
        files=[
            {"name": "Perda.pdf", "mimeType": "application/pdf", "buffer": PDF},
            {"name": "foto.png", "mimeType": "image/png", "buffer": b"not a picture"},
        ]
    )
    expect(page.locator("#bukti-list li")).to_have_count(2)
    _answer(page, "MAS1_01", "Setuju / sering")
    page.get_by_role("button", name="Kirim jawaban").click()
    item = page.locator("#outbox li[data-uuid]")
    expect(item).to_contain_text("Terkirim", timeout=15_000)
    # Sent as a respondent, without an account: the questionnaire and the real PDF.
    response = Response.objects.get()
    assert [e.original_name for e in Evidence.objects.filter(response=response)] == ["Perda.pdf"]
    expect(item).to_contain_text("Dokumen tidak diterima:")
    expect(item).to_contain_text("foto.png")
    expect(page.locator("#bukti-list li")).to_have_count(0)  # the next questionnaire is empty
    context.close()


def test_the_outbox_waits_as_long_as_the_server_asks(
    cast: Cast,
    batanghari: Assignment,
    live_server: Any,
    browser: Browser,
) -> None:
    link = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="fam")
    context = browser.new_context(viewport=PHONE, locale="id-ID", service_workers="block")
    page = context.new_page()
    attempts: list[float] = []

    def busy_once(route: Route) -> None:
        attempts.append(time.monotonic())
        if len(attempts) == 1:
            route.fulfill(
                status=429,
                headers={"Retry-After": "5"},
                json={"code": "rate.limited", "detail": "", "location": "", "problems": []},
            )
        else:
            route.continue_()

    page.route("**/api/v1/submissions/**", busy_once)
    page.goto(f"{live_server}/isi/{link.token}/luring/")
    _answer(page, "KEL1_01", "Setuju / sering")
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.locator("#outbox li[data-uuid]")).to_contain_text("dicoba lagi otomatis")
    expect(page.locator("#outbox li[data-uuid]")).to_contain_text("Terkirim", timeout=20_000)
    assert len(attempts) == 2
    assert attempts[1] - attempts[0] >= 4.5  # Retry-After, not the first backoff of 2 s
    assert Response.objects.count() == 1
    context.close()


@pytest.fixture
def bfcache_browser(browser: Browser) -> Iterator[Browser]:
    """Chromium with the back/forward cache on (Playwright turns it off by default)."""
    other = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        ignore_default_args=["--disable-back-forward-cache"],
    )
    yield other
    other.close()


def test_the_offline_page_survives_the_back_forward_cache(
    cast: Cast,
    batanghari: Assignment,
    live_server: Any,
    bfcache_browser: Browser,
) -> None:
    link = actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="fam")
    context = bfcache_browser.new_context(viewport=PHONE, locale="id-ID")
    page = context.new_page()
    url = f"{live_server}/isi/{link.token}/luring/"
    page.goto(url)
    expect(page.locator("html[data-offline-ready='1']")).to_have_count(1)
    _answer(page, "KEL1_01", "Setuju / sering")
    expect(page.locator("#answered[data-saved='1']")).to_contain_text("1 dari")
    page.evaluate("window.kept = 'still here'")
    page.goto(f"{live_server}/akun/masuk/")
    # Meanwhile another page of the site sends a questionnaire of this form.
    page.evaluate(
        """(form) => new Promise((done) => {
          const open = indexedDB.open('kotan', 1);
          open.onsuccess = () => {
            const tx = open.result.transaction('outbox', 'readwrite');
            tx.objectStore('outbox').put({uuid: 'u-1', form, status: 'sent', receipt: 'KTN-LAIN',
              created: new Date().toISOString(), attempts: 1, next: 0,
              payload: {institution: '', answers: {KEL1_01: '3'}}});
            tx.oncomplete = () => { open.result.close(); done(); };
          };
        })""",
        f"isi/{link.token}",
    )
    page.go_back(wait_until="commit")  # a page restored from the cache fires no "load"
    expect(page.locator("#outbox .receipt-no")).to_have_text("KTN-LAIN")  # shown again
    reasons = page.evaluate(
        "JSON.stringify(performance.getEntriesByType('navigation')[0].notRestoredReasons)"
    )
    assert page.evaluate("window.kept") == "still here", reasons  # restored, not reloaded
    expect(page.locator("#answered")).to_contain_text("1 dari")
    context.close()
