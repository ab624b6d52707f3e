"""Time the public ranking page and the open data of a published run of all 514 regencies.

`.venv/bin/python benchmarks/bench_public.py [--requests 200] [--keep]`. It creates its own
PostgreSQL database ``kotan_bench_public`` on ``postgres@127.0.0.1:5432`` (override with
``BENCH_PG``, a libpq URL of the server without the database name), migrates it, builds a
final run of the 514 regencies with synthetic figures (``tests/support/public.py``),
publishes it, and requests each page ``--requests`` times through Django's test client
(the whole middleware stack, DEBUG off, no network). Baseline in the same run: ``/health/``.
Prints p50, p95 and max wall time in milliseconds, the p95 of this process's CPU time
(Django's own work, less sensitive to a busy machine) and the response size; the database
is dropped at the end unless ``--keep``. Target: p95 under 100 ms for the ranking page and the JSON.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

DB = "kotan_bench_public"
SERVER = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")


def _admin(sql: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    _admin(f"DROP DATABASE IF EXISTS {DB}")
    _admin(f"CREATE DATABASE {DB}")
    os.environ["DATABASE_URL"] = f"{SERVER}/{DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotan.settings")
    os.environ.pop("KOTAN_DEBUG", None)  # measure as in production: DEBUG off
    os.environ.setdefault("KOTAN_SECRET_KEY", "bench-only-" + "x" * 40)
    os.environ.setdefault("KOTAN_ALLOWED_HOSTS", "testserver")
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connections
        from django.test import Client, override_settings

        from kotan.accounts.models import Role
        from tests.support.cast import make_user
        from tests.support.public import build_published

        call_command("migrate", verbosity=0)
        admin = make_user("bench-admin", Role.NATIONAL_ADMIN)
        started = time.perf_counter()
        run = build_published(admin, year=2026)
        print(f"built run #{run.pk}: 514 regencies in {time.perf_counter() - started:.1f} s")
        if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        # No collectstatic here: plain static URLs instead of the hashed manifest.
        override_settings(
            STORAGES={
                **settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            }
        ).enable()
        client = Client()
        targets = [
            ("baseline /health/", "/health/"),
            ("ranking, page 1", "/publik/2026/"),
            ("ranking, name sort p3", "/publik/2026/?sort=name&halaman=3"),
            ("ranking, search+province", "/publik/2026/?q=kota&provinsi=15"),
            ("years", "/publik/"),
            ("open data JSON", "/publik/2026/data.json"),
            ("open data CSV", "/publik/2026/data.csv"),
            ("open data XLSX", "/publik/2026/data.xlsx"),
        ]
        print(
            f"{'page':28} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'cpu p95':>8} {'bytes':>9}"
            f" {'gzip':>8}"
        )
        for label, url in targets:
            n = args.requests if "XLSX" not in label else max(20, args.requests // 5)
            for _ in range(5):  # warm-up
                response = client.get(url, secure=True)
                assert response.status_code == 200, (url, response.status_code)
            times, cpu = [], []
            for _ in range(n):
                t0, c0 = time.perf_counter(), time.process_time()
                response = client.get(url, secure=True)
                times.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
            size, packed = len(response.content), len(gzip.compress(response.content))
            print(
                f"{label:28} {statistics.median(times):8.1f} {percentile(times, 95):8.1f} "
                f"{max(times):8.1f} {percentile(cpu, 95):8.1f} {size:9d} {packed:8d}"
            )
        connections.close_all()
    finally:
        if not args.keep:
            _admin(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
