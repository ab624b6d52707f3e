"""Page weight of the main pages: HTML, CSS and JS, raw and gzipped, as a first visit sees them.

Run with `make bench-weight` (uses the demo SQLite database from `make setup`).
"""

from __future__ import annotations

import gzip
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotan.settings")
os.environ.setdefault("KOTAN_DEBUG", "1")

import django

django.setup()

from django.test import Client  # noqa: E402

from kotan.accounts.models import User  # noqa: E402

PAGES = [
    "/akun/masuk/",
    "/",
    "/wilayah/",
    "/wilayah/15/",
    "/wilayah/15.04/",
    "/organisasi/",
    "/pengguna/",
    "/audit/",
    "/pengumpulan/",
    "/progres/",
    "/progres/kualitas/",
    "/pengisian/",
    "/odk/",
    "/monev/",
    "/monev/1/",
    "/monev/tindak-lanjut/",
    "/monev/analitik/",
    "/pengingat/hari-ini/",
    "/pemberitahuan/",
    "/tugas/",
    "/dasbor/",
    "/dasbor/15/",
    "/hasil/",
    "/publik/",  # the public pages are weighed as an anonymous visitor sees them
    "/publik/2025/",
    "/publik/2025/15.04/",
    "/publik/2025/metodologi/",
]
ASSET = re.compile(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"')


def main() -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    anonymous = Client(HTTP_HOST="127.0.0.1")
    print(f"{'page':<24}{'html':>8}{'html gz':>9}{'css+js':>8}{'css+js gz':>11}{'total gz':>10}")
    for path in PAGES:
        if path != "/akun/masuk/" and "_auth_user_id" not in client.session:
            client.force_login(User.objects.get(username="admin"))
        visitor = anonymous if path.startswith("/publik/") else client
        response = visitor.get(path)
        assert response.status_code == 200, (path, response.status_code)
        html = response.content
        assets = [
            b"".join(visitor.get(url).streaming_content)  # type: ignore[attr-defined]
            for url in sorted(set(ASSET.findall(html.decode())))
        ]
        html_gz = len(gzip.compress(html))
        raw = sum(len(a) for a in assets)
        gz = sum(len(gzip.compress(a)) for a in assets)
        print(f"{path:<24}{len(html):>8}{html_gz:>9}{raw:>8}{gz:>11}{html_gz + gz:>10}")


if __name__ == "__main__":
    main()
