"""The questionnaire form in a real browser: a respondent on a phone, keyboard and touch, a11y."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from kotan.collection import actions
from kotan.collection.models import Assignment, Evidence, Response
from tests.support.browser import DESKTOP, PHONE, screenshot
from tests.support.cast import Cast

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def check_page(page: Page, axe: Axe, name: str) -> None:
    """No axe violations, no sideways scrolling on a phone, and a screenshot."""
    result = axe.run(page)
    assert result.violations_count == 0, f"{name}: {result.generate_report()}"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: horizontal scroll of {overflow}px"
    screenshot(page, name)


def test_a_respondent_fills_and_sends_the_form_on_a_phone(
    cast: Cast,
    batanghari: Assignment,
    live_server: Any,
    page: Page,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    link = actions.create_link(
        actor=cast.citra,
        assignment=batanghari,
        unit_code="gov",
        institution=cast.kesbangpol_batanghari,
    )
    axe = Axe()
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    page.goto(f"{live_server}/isi/{link.token}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Ketahanan masyarakat"
    assert page.get_by_text("Bagian 1 dari 4").is_visible()
    assert page.get_by_label("Nama instansi").input_value() == "Kesbangpol Kabupaten Batanghari"
    check_page(page, axe, "form-section-phone")

    # Keyboard: Space picks the focused option, the arrow keys move within the question.
    first = page.locator("#q-MAS1_01")
    first.get_by_role("radio").first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    assert first.get_by_role("radio", name="Tidak setuju / jarang").is_checked()
    # Touch: the whole option (its label) is the target.
    second = page.locator("#q-MAS1_02")
    second.get_by_text("Sangat setuju / selalu").click()
    assert second.get_by_role("radio", name="Sangat setuju / selalu").is_checked()
    # The counter follows the answers as they are ticked, before any button.
    expect(page.locator("#answered-count")).to_have_text("2 dari 45 butir terjawab")
    assert page.locator("#answered-bar").evaluate("bar => bar.value") == 2
    assert page.locator("fieldset.q .code").count() == 0  # no item codes for respondents

    # A document that is not what its name says is refused, with a linked error summary.
    page.get_by_label("Dokumen pendukung (Perda, SK, anggaran)").set_input_files(
        files=[{"name": "perda.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00"}]
    )
    page.get_by_role("button", name="Simpan & unggah dokumen").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("tidak sesuai dengan jenisnya")
    check_page(page, axe, "form-error-phone")
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_bukti"
    page.get_by_label("Dokumen pendukung (Perda, SK, anggaran)").set_input_files(
        files=[{"name": "Perda 7 2024.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Simpan & unggah dokumen").click()
    expect(page.get_by_role("button", name="Hapus Perda 7 2024.pdf")).to_be_visible()
    # The answers given before the upload were kept.
    assert (
        page.locator("#q-MAS1_02").get_by_role("radio", name="Sangat setuju / selalu").is_checked()
    )

    page.get_by_role("button", name="Simpan & lanjut").click()
    expect(page.get_by_text("Bagian 2 dari 4")).to_be_visible()
    page.set_viewport_size(DESKTOP)  # type: ignore[arg-type]
    check_page(page, axe, "form-section-desktop")
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    for _ in range(2):
        page.locator("fieldset.q").first.get_by_text("Setuju / sering").click()
        page.get_by_role("button", name="Simpan & lanjut").click()
    page.locator("fieldset.q").first.get_by_text("Tidak tahu").click()
    page.get_by_role("button", name="Periksa & kirim").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Periksa sebelum mengirim")
    expect(page.get_by_text("5 dari 45 butir terjawab")).to_be_visible()
    check_page(page, axe, "form-review-phone")
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.get_by_text("Nomor tanda terima:")).to_be_visible()

    receipt = Response.objects.get()
    number = page.locator(".receipt-no").inner_text()
    assert number == receipt.receipt_number and number.startswith("KTN-")
    assert page.get_by_text("Nomor tanda terima:").is_visible()
    assert Evidence.objects.get().response == receipt
    # When, in WIB, and a receipt the respondent can keep.
    received = timezone.localtime(receipt.raw.received_at, ZoneInfo("Asia/Jakarta"))
    expect(page.locator(".receipt-time")).to_have_text(
        f"Diterima {date_format(received, 'j F Y')} pukul {received:%H.%M} WIB"
    )
    expect(page.get_by_role("button", name="Cetak / simpan tanda terima")).to_be_visible()
    check_page(page, axe, "form-receipt-phone")
    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible()
    assert not page.get_by_role("button", name="Cetak / simpan tanda terima").is_visible()
    assert page.locator(".receipt-no").is_visible()
    screenshot(page, "form-receipt-print")
    page.emulate_media(media="screen")
    page.reload()  # reloading shows the same receipt, never a second response
    assert page.locator(".receipt-no").inner_text() == number
    page.set_viewport_size(DESKTOP)  # type: ignore[arg-type]
    check_page(page, axe, "form-receipt-desktop")
    assert Response.objects.count() == 1


def test_the_enumerator_pages_pass_axe(
    cast: Cast,
    batanghari: Assignment,
    live_server: Any,
    page: Page,
) -> None:
    from tests.support.browser import log_in

    log_in(page, str(live_server), "eko")
    axe = Axe()
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    page.goto(f"{live_server}/pengisian/")
    start = re.compile(r"^Isi kuesioner baru\s*: Masyarakat, Kabupaten Batanghari$")
    page.get_by_role("link", name=start).click()
    page.locator("fieldset.q").first.get_by_text("Setuju / sering").click()
    page.get_by_role("button", name="Simpan & lanjut").click()
    page.goto(f"{live_server}/pengisian/")
    assert page.get_by_role("link", name="Lanjutkan").count() == 1
    check_page(page, axe, "form-enumerator-home-phone")
    page.set_viewport_size(DESKTOP)  # type: ignore[arg-type]
    check_page(page, axe, "form-enumerator-home-desktop")
