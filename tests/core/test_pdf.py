"""Printable documents load nothing from outside the document."""

from __future__ import annotations

from typing import Any, NoReturn

import pytest

from kotan.core import pdf


def test_no_url_is_fetched_while_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    refuse = pdf.NoFetching.fetch

    def spy(self: pdf.NoFetching, url: str, headers: Any = None) -> NoReturn:
        asked.append(url)
        refuse(self, url, headers)

    monkeypatch.setattr(pdf.NoFetching, "fetch", spy)
    html = '<p>Teks</p><img src="file:///etc/hostname"><img src="http://127.0.0.1:9/x.png">'
    assert pdf.html_to_pdf(html).startswith(b"%PDF")
    assert asked == ["file:///etc/hostname", "http://127.0.0.1:9/x.png"]
    with pytest.raises(ValueError, match="no resources"):
        refuse(pdf.NoFetching(), "file:///etc/hostname")


def test_the_system_starts_without_the_pdf_renderer() -> None:
    """Loading every URL (as migrate's checks do) must not need Pango: WeasyPrint is lazy."""
    import subprocess
    import sys

    code = (
        "import sys, django; django.setup(); from django.urls import get_resolver; "
        "get_resolver().url_patterns; print('weasyprint' in sys.modules)"
    )
    env = {"DJANGO_SETTINGS_MODULE": "kotan.settings", "KOTAN_DEBUG": "1", "PATH": "/usr/bin"}
    out = subprocess.run(  # noqa: S603 - this interpreter, fixed code
        [sys.executable, "-c", code], env=env, capture_output=True, text=True
    )
    assert out.stdout.strip() == "False", out.stderr[-2000:]
