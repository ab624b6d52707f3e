"""Enqueue-to-start latency of a task on the database backend (django-tasks-db), SQLite and
PostgreSQL, with the worker's default poll interval (1 s) and a short one (0.1 s).

`make bench-tasks`. For each database it migrates a throw-away database (a temporary SQLite file;
the PostgreSQL database `kotan_bench_tasks` on 127.0.0.1, created and dropped), starts the real
`kotan db_worker` as a separate process, enqueues 40 cheap tasks at random gaps of 0.05-0.5 s and
reads back enqueued_at and started_at of each. The baseline, measured in the same script, is the
same task called directly in this process: the ratio says how much the queue adds to the work.
Bounded: each run stops after 90 s; loopback only.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KOTAN = str(ROOT / ".venv" / "bin" / "kotan")
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH = "postgres://postgres@127.0.0.1:5432/kotan_bench_tasks"
TASKS = 40


def measure(database_url: str, interval: float) -> dict[str, float]:
    """Run in a child interpreter so each database gets its own Django settings."""
    code = f"""
import json, random, statistics, time, django
django.setup()
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult
from kotan.collection.tasks import purge_drafts
call_command("migrate", verbosity=0)
DBTaskResult.objects.all().delete()
t = time.perf_counter()
for _ in range(20):
    purge_drafts.call(days=30)
direct = (time.perf_counter() - t) / 20
random.seed(7)
for _ in range({TASKS}):
    purge_drafts.enqueue(days=30)
    time.sleep(random.uniform(0.05, 0.5))
deadline = time.monotonic() + 90
while DBTaskResult.objects.exclude(status="SUCCESSFUL").exists() and time.monotonic() < deadline:
    time.sleep(0.2)
rows = list(DBTaskResult.objects.values_list("enqueued_at", "started_at", "status"))
lat = sorted((s - e).total_seconds() for e, s, st in rows if s is not None)
done = sum(st == "SUCCESSFUL" for *_, st in rows)
print(json.dumps({{"direct": direct, "lat": lat, "done": done}}))
"""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "KOTAN_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "kotan.settings",
        "KOTAN_REDIS_URL": "",
    }
    subprocess.run([KOTAN, "migrate", "--noinput", "-v", "0"], env=env, check=True)  # noqa: S603
    worker = subprocess.Popen(  # noqa: S603
        [
            KOTAN,
            "db_worker",
            "--no-startup-delay",
            "--no-reload",
            "--interval",
            str(interval),
            "-v",
            "0",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        out = subprocess.run(  # noqa: S603
            [sys.executable, "-c", code],
            env=env,
            check=True,
            timeout=150,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    data = json.loads(out.strip().splitlines()[-1])
    lat = data["lat"]
    return {
        "done": data["done"],
        "p50": statistics.median(lat),
        "p95": lat[int(0.95 * (len(lat) - 1))],
        "max": lat[-1],
        "direct": data["direct"],
    }


def pg_available() -> bool:
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN.replace("postgres://", "postgresql://"), connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def pg(sql: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(sql)


def main() -> int:
    random.seed(7)
    runs: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        runs.append(("SQLite", f"sqlite:///{tmp}/bench.sqlite3"))
        if pg_available():
            pg("DROP DATABASE IF EXISTS kotan_bench_tasks")
            pg("CREATE DATABASE kotan_bench_tasks")
            runs.append(("PostgreSQL", PG_BENCH))
        try:
            print(
                f"{TASKS} tasks enqueued at random gaps of 0.05-0.5 s; latency = started - enqueued"
            )
            print(
                f"{'database':<11} {'interval':>8} {'done':>5} {'p50 s':>7} {'p95 s':>7} "
                f"{'max s':>7} {'direct ms':>9} {'p50/direct':>10}"
            )
            for name, url in runs:
                for interval in (1.0, 0.1):
                    r = measure(url, interval)
                    print(
                        f"{name:<11} {interval:>8.1f} {r['done']:>5.0f} {r['p50']:>7.3f} "
                        f"{r['p95']:>7.3f} {r['max']:>7.3f} {r['direct'] * 1000:>9.2f} "
                        f"{r['p50'] / r['direct']:>10.0f}"
                    )
        finally:
            if len(runs) > 1:
                pg("DROP DATABASE IF EXISTS kotan_bench_tasks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
