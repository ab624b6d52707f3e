"""One limit on every request body, checked before a byte of it is read."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from kotan.core.errors import error_response
from kotan.method.problems import register_messages

register_messages(
    {
        "request.too_large": (
            "Kiriman terlalu besar (paling banyak {mb} MB). Kirim dokumen yang lebih kecil "
            "atau sedikit demi sedikit.",
            "The request is too large (at most {mb} MB). Send smaller documents, or a few at "
            "a time.",
        )
    }
)


def content_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


class BodyLimitMiddleware:
    """413 for a body announced larger than KOTAN_MAX_REQUEST_BYTES: refused before it is
    read, so a 50 MB upload costs neither the time nor the memory of reading it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if content_length(request) > settings.KOTAN_MAX_REQUEST_BYTES:
            mb = settings.KOTAN_MAX_REQUEST_BYTES // (1024 * 1024)
            response = error_response(request, 413, "request.too_large", params={"mb": mb})
            response["Connection"] = "close"  # the unread body must not be taken as a request
            return response
        return self.get_response(request)
