"""PDF from an HTML string (WeasyPrint), for every printable document of the system.

Documents carry their CSS inline and load nothing: the URL fetcher refuses every URL, so no
text typed by a user can make the renderer read a local file or call a server.

WeasyPrint is imported when the first PDF is made, not when the URLs load: it needs Pango, and
the rest of the system (migrations, forms, the API) starts on a machine without it.
"""

from __future__ import annotations

from functools import cache
from typing import Any, NoReturn


@cache
def _no_fetching() -> type:
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> NoReturn:
            raise ValueError(f"documents load no resources: {url[:80]}")

    return NoFetching


def __getattr__(name: str) -> Any:  # pdf.NoFetching, built on first use
    if name == "NoFetching":
        return _no_fetching()
    raise AttributeError(name)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=html, url_fetcher=_no_fetching()()).write_pdf())
