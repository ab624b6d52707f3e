"""PDF from an HTML string (WeasyPrint), for every printable document of the system.

Documents carry their CSS inline and load nothing: the URL fetcher refuses every URL, so no
text typed by a user can make the renderer read a local file or call a server.
"""

from __future__ import annotations

from typing import Any, NoReturn

from weasyprint import HTML
from weasyprint.urls import URLFetcher


class NoFetching(URLFetcher):
    def fetch(self, url: str, headers: Any = None) -> NoReturn:
        raise ValueError(f"documents load no resources: {url[:80]}")


def html_to_pdf(html: str) -> bytes:
    return bytes(HTML(string=html, url_fetcher=NoFetching()).write_pdf())
