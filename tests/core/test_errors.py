"""Error answers: in the client's own form, in Bahasa Indonesia, never a raw Django page."""

from __future__ import annotations

import json
import time
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory, override_settings

from kotan.collection.models import RawSubmission
from kotan.core.errors import error_response
from tests.support.cast import Cast

DOWN = OperationalError("server closed the connection unexpectedly")


def test_each_client_gets_its_own_form() -> None:
    factory = RequestFactory()
    api = error_response(factory.post("/api/v1/submissions/"), 503, "service.unavailable")
    assert api["Content-Type"] == "application/json" and api["Retry-After"] == "30"
    body = json.loads(api.content)
    assert body["code"] == "service.unavailable" and body["problems"][0]["code"] == body["code"]
    odk = error_response(factory.post("/odk/submission"), 503, "service.unavailable")
    assert odk["Content-Type"].startswith("text/xml") and odk["X-OpenRosa-Version"] == "1.0"
    assert b"<OpenRosaResponse" in odk.content and b"tidak hilang" in odk.content
    page = error_response(factory.get("/wilayah/"), 404, "request.not_found")
    assert page["Content-Type"].startswith("text/html")
    assert "Halaman tidak ditemukan" in page.content.decode()


@pytest.mark.django_db
def test_the_api_answers_503_json_when_the_database_is_down() -> None:
    with mock.patch("kotan.collection.channels.api.ingest_submission", side_effect=DOWN):
        answer = Client().post("/api/v1/submissions/", "{}", content_type="application/json")
    assert answer.status_code == 503 and answer["Retry-After"] == "30"
    assert answer.json()["code"] == "service.unavailable"


def test_a_dead_connection_before_any_view_is_a_503_page(cast: Cast) -> None:
    """The session is read on a dead connection: handled outside the view, still a 503."""
    client = Client(raise_request_exception=False)
    client.force_login(cast.citra)
    with mock.patch("django.contrib.sessions.backends.db.SessionStore.load", side_effect=DOWN):
        page = client.get("/")
    assert page.status_code == 503
    text = page.content.decode()
    assert "Layanan sedang tidak tersedia" in text and "tidak hilang" in text


def test_an_unknown_page_is_styled_and_indonesian(client: Client, db: None) -> None:
    page = client.get("/tidak-ada/")
    assert page.status_code == 404
    assert "Halaman tidak ditemukan" in page.content.decode()
    assert "Not Found" not in page.content.decode()


def test_a_bad_request_is_styled(client: Client, db: None) -> None:
    page = client.get("/", HTTP_HOST="bad host name")
    assert page.status_code == 400
    assert "Permintaan tidak dapat dibaca" in page.content.decode()


def test_a_body_over_the_limit_is_refused_before_it_is_read(client: Client, db: None) -> None:
    with override_settings(KOTAN_MAX_REQUEST_BYTES=1000):
        page = client.post("/akun/masuk/", {"x": "y" * 2000})
        api = client.post("/api/v1/submissions/", "x" * 2000, content_type="application/json")
    assert page.status_code == 413 and "Kiriman terlalu besar" in page.content.decode()
    assert page["Connection"] == "close"
    assert api.status_code == 413 and api.json()["code"] == "request.too_large"
    assert not RawSubmission.objects.exists()


@pytest.mark.django_db
def test_a_statement_that_hangs_is_cut_off_and_answered_503() -> None:
    """PostgreSQL ends a statement past its timeout; the error is an unavailable database,
    which the API answers 503 (not a worker hung until the WSGI server kills it)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        # SQLite has no statement timeout; its writers wait at most the busy timeout.
        assert connection.settings_dict["OPTIONS"]["timeout"] == 10
        return
    assert "statement_timeout=" in connection.settings_dict["OPTIONS"]["options"]
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True

    def hang(*_args: object, **_kwargs: object) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 200")
            cursor.execute("SELECT pg_sleep(5)")

    started = time.monotonic()
    with mock.patch("kotan.collection.channels.api.ingest_submission", side_effect=hang):
        answer = Client().post("/api/v1/submissions/", "{}", content_type="application/json")
    assert answer.status_code == 503 and time.monotonic() - started < 3
    assert answer.json()["code"] == "service.unavailable"
