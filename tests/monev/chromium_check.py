"""Drives Debian's Chromium against a running server, in its own process.

Run by tests/monev/test_browser.py as ``python -m tests.monev.chromium_check SCENARIO BASE
JSON``: Playwright's sync API allows one instance per thread, and the browser tests under
tests/browser keep theirs open for the whole session, so these checks run in a child process.
Prints a JSON list of problems (empty when all is well).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect, sync_playwright

CHROMIUM = os.environ.get("KOTAN_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
PASSWORD = "kotan-demo-2026"  # the demo accounts' password (kotan.accounts.demo)


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/akun/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/")


def pages(page: Page, base: str, data: dict[str, Any]) -> list[str]:
    problems = []
    log_in(page, base, "bnnp.jambi")
    page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Monev").click()
    expect(page.get_by_role("link", name=data["title"])).to_be_visible()
    axe = Axe()
    for name, path in data["pages"].items():
        page.goto(f"{base}{path}")
        for size_name, size in (("phone", PHONE), ("desktop", DESKTOP)):
            page.set_viewport_size(size)  # type: ignore[arg-type]
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                problems.append(f"{name}: horizontal scroll of {overflow}px at {size_name}")
            screenshot(page, f"monev-{name}-{size_name}")
        result = axe.run(page)
        if result.violations_count:
            problems.append(f"{name}: {result.generate_report()}")
    page.goto(f"{base}/monev/tindak-lanjut/?status=terlambat")
    late = page.locator("tr.is-late").count()
    if late != data["late"]:
        problems.append(f"{late} late rows highlighted, expected {data['late']}")
    return problems


def verify(page: Page, base: str, data: dict[str, Any]) -> list[str]:
    url = f"{base}/monev/tindak-lanjut/{data['follow_up']}/"
    log_in(page, base, "bnnk.batanghari")
    page.goto(url)
    page.get_by_label("Status baru").select_option("selesai")
    page.get_by_role("button", name="Simpan status").click()
    expect(page.get_by_text("Status tindak lanjut diubah.")).to_be_visible()
    page.get_by_role("button", name="Keluar").click()
    log_in(page, base, "bnnp.jambi")
    page.goto(url)
    page.get_by_label("Catatan verifikasi").fill("Notulen sudah dilampirkan.")
    page.get_by_role("button", name="Verifikasi selesai").click()
    expect(page.get_by_text("Tindak lanjut diverifikasi.")).to_be_visible()
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    screenshot(page, "monev-follow-up-verified-phone")
    return []


SCENARIOS = {"pages": pages, "verify": verify}


def main() -> None:
    scenario, base, data = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_context(viewport=DESKTOP, locale="id-ID").new_page()
        try:
            problems = SCENARIOS[scenario](page, base, data)
        except Exception as exc:  # reported to the parent test, which fails with it
            problems = [f"{type(exc).__name__}: {exc}"]
        browser.close()
    print(json.dumps(problems))


if __name__ == "__main__":
    main()
