"""Every error answer of the system, in the form its client reads.

- ``/api/``: the one JSON problem shape ``{code, detail, location, problems}``;
- ``/odk/``: an OpenRosa response document, which ODK Collect shows to the enumerator;
- everything else: a page in Bahasa Indonesia (``error.html``), which needs no database, so
  it can be shown when the database is the problem.

The database being unavailable (refused, timed out, restarted under a connection) is not a
server bug: it is answered 503 with ``Retry-After``, and every client (the offline outbox,
ODK Collect, scripts) keeps the submission and sends it again.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from kotan.method.problems import Problem, problem_document, register_messages

logger = logging.getLogger("kotan.errors")

RETRY_AFTER_SECONDS = 30
UNAVAILABLE = (OperationalError, InterfaceError)

register_messages(
    {
        "auth.csrf": (
            "Token CSRF tidak ada atau tidak valid. Muat ulang halaman lalu kirim lagi.",
            "The CSRF token is missing or invalid. Reload the page and send again.",
        ),
        "service.unavailable": (
            "Server sedang tidak dapat menyimpan data. Kiriman Anda tidak hilang: kirim lagi "
            "beberapa saat lagi.",
            "The server cannot store data right now. Your submission is not lost: send it "
            "again in a moment.",
        ),
        "request.bad": (
            "Permintaan tidak dapat dibaca oleh server.",
            "The server could not read the request.",
        ),
        "request.forbidden": (
            "Anda tidak memiliki akses ke halaman atau data ini.",
            "You do not have access to this page or data.",
        ),
        "request.not_found": (
            "Halaman atau data ini tidak ada, atau berada di luar wilayah tugas Anda.",
            "This page or record does not exist, or is outside your area.",
        ),
        "server.error": (
            "Terjadi kesalahan pada server. Tidak ada data yang hilang; coba lagi beberapa "
            "saat lagi.",
            "A server error occurred. No data was lost; please try again shortly.",
        ),
    }
)


def _kind(request: HttpRequest) -> str:
    path = request.path
    if path.startswith("/api/"):
        return "json"
    if path.startswith("/odk/") and not path.rstrip("/").endswith("/odk"):
        return "openrosa"
    return "html"


def _titles() -> dict[int, str]:
    return {
        400: _("Permintaan tidak dapat dibaca"),
        403: _("Akses ditolak"),
        404: _("Halaman tidak ditemukan"),
        413: _("Kiriman terlalu besar"),
        429: _("Terlalu banyak permintaan"),
        500: _("Terjadi kesalahan pada server"),
        503: _("Layanan sedang tidak tersedia"),
    }


def problem_json(status: int, problems: list[Problem], **extra: object) -> JsonResponse:
    """A refusal as JSON in the one problem shape (kotan.method.problems.problem_document)."""
    return JsonResponse(problem_document(problems, **extra), status=status)


def error_response(
    request: HttpRequest,
    status: int,
    code: str,
    detail: str = "",
    *,
    params: dict[str, Any] | None = None,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """The answer for an error ``code`` (a registered problem code, with its ``params``) with
    ``status``: JSON in the one problem shape, an OpenRosa document, or a page. ``detail``
    replaces the catalogue's message on the page and in OpenRosa."""
    problem = Problem(code, "", params or {})
    kind = _kind(request)
    response: HttpResponse
    if kind == "json":
        response = problem_json(status, [problem])
    elif kind == "openrosa":
        detail = detail or problem.message()
        body = render_to_string(
            "collection/odk/response.xml", {"message": detail, "nature": "error"}
        )
        response = HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
        response["X-OpenRosa-Version"] = "1.0"
    else:
        detail = detail or problem.message()
        page = {
            "status": status,
            "title": _titles().get(status, _("Terjadi kesalahan")),
            "detail": detail,
            **(context or {}),
        }
        # No request context: the page must render without a session or a database.
        response = HttpResponse(render_to_string("error.html", page), status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def unavailable_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    logger.warning("database unavailable on %s: %s", request.path, exc)
    return error_response(request, 503, "service.unavailable")


class DatabaseUnavailableMiddleware:
    """A view that meets an unavailable database answers 503, never 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        return unavailable_response(request, exc) if isinstance(exc, UNAVAILABLE) else None


# --- the handlers of kotan.urls --------------------------------------------------------------


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 400, "request.bad")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 403, "request.forbidden")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 404, "request.not_found")


def server_error(request: HttpRequest) -> HttpResponse:
    # Called inside Django's exception handling: an exception raised before any view ran
    # (the session or user lookup on a dead connection) is still a 503, not a 500.
    exc = sys.exc_info()[1]
    if isinstance(exc, UNAVAILABLE):
        return unavailable_response(request, exc)
    return error_response(request, 500, "server.error")


# Fields never carried over to the page that re-sends a form.
_NOT_KEPT = ("csrfmiddlewaretoken", "password")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF refusal (an expired token, a page left open for days).

    On a page of forms, the posted fields are kept in a form with a fresh token, so one tap
    sends them again: a questionnaire section's answers are not lost. Uploaded files cannot be
    carried over; the page says so.
    """
    if _kind(request) != "html":
        return error_response(request, 403, "auth.csrf")
    kept = [
        (name, value)
        for name, values in request.POST.lists()
        if not any(word in name.lower() for word in _NOT_KEPT)
        for value in values
    ]
    context = {
        "title": _("Halaman perlu dikirim ulang"),
        "csrf": True,
        "kept": kept,
        "had_files": bool(request.FILES),
        "action": request.get_full_path(),
        "token": get_token(request),  # also sets a fresh cookie on this answer
    }
    return error_response(
        request,
        403,
        "auth.csrf",
        _(
            "Halaman ini sudah terlalu lama terbuka, sehingga pengirimannya tidak dapat "
            "diperiksa. Isian Anda belum hilang: tekan tombol di bawah untuk mengirimnya lagi."
        ),
        context=context,
    )
