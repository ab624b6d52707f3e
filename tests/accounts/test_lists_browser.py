"""The account, organisation and audit lists on a 375 px phone: nothing hidden sideways."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from kotan.accounts import actions
from tests.support.browser import log_in, screenshot
from tests.support.cast import Cast
from tests.support.review import cast, phone

__all__ = ["cast", "phone"]  # fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


WIDER_THAN_SHOWN = """() => [...document.querySelectorAll('.table-wrap')]
  .filter(w => w.scrollWidth > w.clientWidth + 1).map(w => w.scrollWidth)"""


def test_the_lists_fit_a_phone(cast: Cast, live_server: Any, phone: Page) -> None:
    """The lists were tables of 3 to 5 columns in a sideways-scrolling box (the audit trail
    3,000 px wide, from one unbroken wa.me address): they stack, and long values wrap."""
    actions.add_contact(
        actor=cast.ani,
        organization=cast.kesbangpol_batanghari,
        name="Sari Wulandari",
        email="sari@example.org",
        note="https://wa.me/6281200000101?text=" + "Yth.%20Sari%20" * 40,
    )
    base = str(live_server)
    log_in(phone, base, cast.ani.username)
    for path in ("/pengguna/", "/organisasi/", "/audit/"):
        phone.goto(base + path)
        assert phone.evaluate(WIDER_THAN_SHOWN) == [], path
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375, path
        screenshot(phone, "accounts-" + path.strip("/") + "-375")
