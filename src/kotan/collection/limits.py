"""Limits on what anonymous senders can send: per respondent link and per address.

Counted in the cache (django-ratelimit: local memory on one machine, Redis in production)
over fixed ten-minute windows. The numbers are sized so that an honest respondent, or a
meeting room of them behind one office address, is never refused; a refusal is 429 with
``Retry-After``, which every client (the offline outbox among them) treats as "try later".
Signed-in users are not counted here: their sessions are the limit (and the login lockout).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django_ratelimit.core import get_usage

from kotan.collection.models import RespondentLink
from kotan.core.errors import error_response
from kotan.core.network import client_address
from kotan.method.problems import register_messages

WINDOW_SECONDS = 600
# Requests per link and window: a questionnaire takes about ten (sections, review, send);
# going back and forth between sections on a bad signal, several times that.
REQUESTS_PER_USE = 60
UNLIMITED_USES = 50  # a link without a use limit counts as fifty uses

register_messages(
    {
        "rate.limited": (
            "Terlalu banyak permintaan dalam waktu singkat. Tunggu {seconds} detik lalu coba "
            "lagi; jawaban Anda tidak hilang.",
            "Too many requests in a short time. Wait {seconds} seconds and try again; your "
            "answers are not lost.",
        )
    }
)


def _link_rate(token: str) -> tuple[int, int]:
    uses = RespondentLink.objects.filter(token=token).values_list("max_uses", flat=True).first()
    return REQUESTS_PER_USE * max(1, uses or UNLIMITED_USES), WINDOW_SECONDS


def retry_after(request: HttpRequest, link_token: str | None) -> int | None:
    """Seconds to wait when this anonymous request is over a limit, else None (and counted)."""
    if request.user.is_authenticated or request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    address = client_address(request) or "unknown"
    checks: list[tuple[str, str, tuple[int, int] | Callable[..., tuple[int, int]]]] = [
        ("kotan-address", address, (settings.KOTAN_ADDRESS_REQUESTS, WINDOW_SECONDS))
    ]
    if link_token:
        checks.append(("kotan-link", link_token[:64], lambda _g, _r: _link_rate(link_token)))
    wait = None
    for group, value, rate in checks:
        usage = get_usage(
            request, group=group, key=lambda _g, _r, v=value: v, rate=rate, increment=True
        )
        if usage is not None and usage["should_limit"]:
            wait = max(wait or 0, int(usage["time_left"]) + 1)
    return wait


class AnonymousLimitMiddleware:
    """Counts anonymous POSTs to the questionnaire pages of a link (``/isi/<token>/…``:
    autosave, evidence uploads, sending). The JSON API counts its own, once it has read
    the link token from the body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., HttpResponse], args: tuple, kwargs: dict
    ) -> HttpResponse | None:
        token = kwargs.get("token")
        if not isinstance(token, str) or not request.path.startswith("/isi/"):
            return None
        wait = retry_after(request, token)
        return None if wait is None else limited_response(request, wait)


def limited_response(request: HttpRequest, wait: int) -> HttpResponse:
    response = error_response(request, 429, "rate.limited", params={"seconds": wait})
    response["Retry-After"] = str(wait)
    return response
