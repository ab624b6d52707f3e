from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kotan.core import watchdog

# One checking thread: a database that hangs holds at most this one, never every worker.
_checker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kotan-health")
_lock = threading.Lock()
_running: Future[None] | None = None
_running_since = 0.0


def _check_database() -> None:
    """Open a connection and run a query, as a request would (in the checking thread)."""
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connection.close()


def database_answers(timeout: float) -> bool:
    """True when the database answered within ``timeout`` seconds.

    Checked in another thread with a deadline: a frozen database (no answer, no error) is
    reported as unavailable in time, and while an earlier check still hangs the answer is
    unavailable at once instead of starting a second one."""
    global _running, _running_since
    with _lock:
        now = time.monotonic()
        if _running is not None and not _running.done():
            # A check under way (the watchdog's, another request's): share its answer.
            future, timeout = _running, timeout - (now - _running_since)
            if timeout <= 0:
                return False
        else:
            _running, _running_since = _checker.submit(_check_database), now
            future = _running
    try:
        future.result(timeout=timeout)
    except (FutureTimeout, DatabaseError):
        return False
    return True


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers: 200 when the database answers within
    KOTAN_HEALTH_TIMEOUT seconds, else 503 (also when it hangs)."""
    if watchdog.state.frozen.is_set() or not database_answers(settings.KOTAN_HEALTH_TIMEOUT):
        response = JsonResponse({"status": "error", "database": "unavailable"}, status=503)
        response["Retry-After"] = "30"
        return response
    return JsonResponse({"status": "ok", "database": "ok"})
