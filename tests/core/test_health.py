from __future__ import annotations

import threading
import time
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client


@pytest.mark.django_db
def test_health_reports_the_database(client: Client) -> None:
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_is_503_when_the_database_fails(client: Client) -> None:
    with mock.patch("kotan.core.views._check_database", side_effect=OperationalError("down")):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert response["Retry-After"] == "30"


@pytest.mark.django_db
def test_health_is_503_in_time_when_the_database_hangs(client: Client) -> None:
    """A database that neither answers nor fails (frozen) is unavailable after the deadline;
    while that check still hangs, the next one answers at once."""
    release = threading.Event()
    with mock.patch("kotan.core.views._check_database", side_effect=lambda: release.wait(10)):
        started = time.monotonic()
        first = client.get("/health/")
        waited = time.monotonic() - started
        started = time.monotonic()
        second = client.get("/health/")
        again = time.monotonic() - started
        release.set()
    assert first.status_code == 503 and 1.5 < waited < 4
    assert second.status_code == 503 and again < 0.5
    time.sleep(0.1)
    assert client.get("/health/").status_code == 200  # the database is back


def test_security_headers(client: Client, db: None) -> None:
    response = client.get("/akun/masuk/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_server_error_page_renders_without_inline_style() -> None:
    """The 500 page renders on its own (no context) and obeys the CSP (no inline style)."""
    from django.template.loader import render_to_string

    html = render_to_string(
        "error.html",
        {"status": 500, "title": "Terjadi kesalahan", "detail": "Tidak ada data yang hilang"},
    )
    assert "Tidak ada data yang hilang" in html and "site" in html
    assert "style=" not in html
