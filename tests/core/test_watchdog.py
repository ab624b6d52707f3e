"""The watchdog: a frozen database is answered 503 at once, and a query waiting on it ends."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import Client

from kotan.core import watchdog


@pytest.fixture
def frozen() -> Iterator[None]:
    watchdog.state.frozen.set()
    yield
    watchdog.state.frozen.clear()


def test_while_frozen_every_request_is_503_without_the_database(
    frozen: None, db: None, settings: object
) -> None:
    middleware = watchdog.DatabaseWatchdogMiddleware(lambda request: pytest.fail("reached"))
    middleware.enabled = True
    from django.test import RequestFactory

    api = middleware(RequestFactory().post("/api/v1/submissions/"))
    assert api.status_code == 503 and b"service.unavailable" in api.content
    page = middleware(RequestFactory().get("/wilayah/"))
    assert page.status_code == 503 and "tidak tersedia" in page.content.decode()


def test_health_says_unavailable_while_frozen(frozen: None, client: Client, db: None) -> None:
    started = time.monotonic()
    answer = client.get("/health/")
    assert answer.status_code == 503 and answer.json()["database"] == "unavailable"
    assert time.monotonic() - started < 0.5


@pytest.mark.django_db(transaction=True)
def test_a_query_waiting_on_a_frozen_database_is_interrupted() -> None:
    """The watchdog's signal ends a query that waits (here: pg_sleep) and drops its
    connection; the next query opens a new one."""
    if connection.vendor != "postgresql":
        # SQLite does not wait on a server: what can be checked is that a query is tracked.
        seen: list[float] = []

        def spy(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            seen.append(watchdog.state.in_query_since)
            return execute(sql, params, many, context)

        with (
            connection.execute_wrapper(watchdog._track),
            connection.execute_wrapper(spy),
            connection.cursor() as cursor,
        ):
            cursor.execute("SELECT 1")
        assert seen and seen[0] > 0 and watchdog.state.in_query_since == 0.0
        return
    previous = signal.signal(signal.SIGALRM, watchdog._interrupt)
    main = threading.main_thread().ident
    assert main is not None and threading.get_ident() == main
    timer = threading.Timer(0.5, signal.pthread_kill, args=(main, signal.SIGALRM))
    try:
        with connection.execute_wrapper(watchdog._track):
            timer.start()
            started = time.monotonic()
            with pytest.raises(watchdog.DatabaseFrozen), connection.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(10)")
            waited = time.monotonic() - started
    finally:
        timer.cancel()
        signal.signal(signal.SIGALRM, previous)
        with connection.cursor() as cursor:  # the server still sleeps for the gone client
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query = 'SELECT pg_sleep(10)' AND pid <> pg_backend_pid()"
            )
    assert waited < 3
    assert watchdog.state.in_query_since == 0.0
    with connection.cursor() as cursor:  # a new connection
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_signal_outside_a_query_changes_nothing() -> None:
    watchdog.state.in_query_since = 0.0
    watchdog._interrupt(signal.SIGALRM, None)  # returns: nothing waits
