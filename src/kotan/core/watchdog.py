"""A database that freezes (no answer, no error) must not hold every worker.

PostgreSQL's statement timeout runs on the server, so it cannot end a query to a server that
is stopped, and the kernel keeps the TCP connection open: a sync worker waits until the WSGI
server kills it, and meanwhile no request (``/health/`` included) is answered.

The watchdog, one thread per worker process, runs ``SELECT 1`` twice a second on its own
connection with a deadline of KOTAN_DB_WATCHDOG_SECONDS, 1 s
(``kotan.core.views.database_answers``). When the database has not answered in time:

- requests that need the database are answered 503 at once, without touching it
  (``DatabaseWatchdogMiddleware``), so workers stay free and ``/health/`` answers in time;
- a request waiting in a query on the worker's main thread (gunicorn sync workers) is
  interrupted with SIGALRM: its connection is dropped and it is answered 503. Every client
  sends again under the same UUID, so an interrupted submission is stored once (the raw row
  is committed or not; ``reprocess_pending`` finishes one left ``received``).

As soon as a check succeeds again, requests go through. Requests served on other threads
(``runserver``) are only guarded by the 503 answer, not interrupted.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import OperationalError, connections
from django.db.backends.signals import connection_created
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("kotan.watchdog")

CHECK_EVERY = 0.5


class DatabaseFrozen(OperationalError):
    """The query was interrupted because the database stopped answering."""


class _State:
    def __init__(self) -> None:
        self.frozen = threading.Event()
        self.in_query_since = 0.0  # monotonic time the main thread entered a query, 0 when out
        self.main = threading.main_thread().ident
        self.started = False
        self.lock = threading.Lock()


state = _State()


def _track(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
    if threading.get_ident() != state.main:
        return execute(sql, params, many, context)
    state.in_query_since = time.monotonic()
    try:
        return execute(sql, params, many, context)
    finally:
        state.in_query_since = 0.0


def _on_connection(sender: Any, connection: Any, **kwargs: Any) -> None:
    if _track not in connection.execute_wrappers:
        connection.execute_wrappers.append(_track)


def _interrupt(signum: int, frame: Any) -> None:
    if not state.in_query_since:
        return  # the query ended meanwhile: nothing to interrupt
    # Drop the connection under the waiting query (closing a socket never waits for the
    # server), then end the wait; the request is answered 503 by kotan.core.errors.
    state.in_query_since = 0.0
    try:
        connections["default"].close()
    except Exception:  # the connection is gone either way
        logger.exception("closing the frozen connection")
    raise DatabaseFrozen("the database did not answer within the watchdog's deadline")


def _watch(deadline: float) -> None:
    from kotan.core.views import database_answers

    while True:
        answered = database_answers(deadline)
        if answered:
            if state.frozen.is_set():
                logger.warning("database answers again")
            state.frozen.clear()
        else:
            if not state.frozen.is_set():
                logger.warning("database did not answer within %.1f s", deadline)
            state.frozen.set()
            since = state.in_query_since
            if since and time.monotonic() - since > deadline and state.main is not None:
                signal.pthread_kill(state.main, signal.SIGALRM)
        time.sleep(CHECK_EVERY)


def start() -> bool:
    """Start the watchdog of this process (once); False when it is switched off."""
    if not settings.KOTAN_DB_WATCHDOG:
        return False
    with state.lock:
        if state.started:
            return True
        state.started = True
    connection_created.connect(_on_connection, dispatch_uid="kotan-watchdog")
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGALRM, _interrupt)
    else:
        state.main = None  # requests run on other threads: answer 503, interrupt nothing
    threading.Thread(
        target=_watch,
        args=(settings.KOTAN_DB_WATCHDOG_SECONDS,),
        daemon=True,
        name="kotan-watchdog",
    ).start()
    return True


class DatabaseWatchdogMiddleware:
    """503 at once while the watchdog finds the database frozen (``/health/`` included)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.enabled = start()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # /health/ answers for itself (its JSON), from the same flag.
        if self.enabled and state.frozen.is_set() and request.path != "/health/":
            from kotan.core.errors import error_response

            return error_response(request, 503, "service.unavailable")
        return self.get_response(request)
