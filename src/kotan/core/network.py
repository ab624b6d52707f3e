"""Addresses: the client's, as the lockout sees it, and the site's, for links sent by jobs."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or behind KOTAN_PROXY_COUNT trusted proxies the address the first of them saw.

    Each proxy appends the address it received from to X-Forwarded-For, so only the last
    PROXY_COUNT hops are trusted; anything a client writes into the header sits further left
    and is ignored.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.PROXY_COUNT
    if not count:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [a for a in forwarded if a] + ([remote] if remote else [])
    return hops[-(count + 1)] if len(hops) > count else hops[0] if hops else None


def site_url(path: str) -> str:
    """``path`` on this site's address (KOTAN_SITE_URL): for links in messages written without a
    request (reminders, notification emails). A page answering a request uses the request's."""
    return settings.KOTAN_SITE_URL + path
