from __future__ import annotations

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
    with mock.patch("kotan.core.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_security_headers(client: Client, db: None) -> None:
    response = client.get("/akun/masuk/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_server_error_page_renders_without_inline_style() -> None:
    """The 500 page renders on its own (no context) and obeys the CSP (no inline style)."""
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Tidak ada data yang hilang" in html and "site" in html
    assert "style=" not in html
