"""The message log on a 375 px phone: its filters stay inside the page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from tests.support.browser import log_in, screenshot
from tests.support.cast import Cast
from tests.support.review import cast, phone

__all__ = ["cast", "phone"]  # fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
