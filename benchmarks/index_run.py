"""An index run of the national synthetic set from the database: reading, scoring, storing.

Run (PostgreSQL)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kotan_bench \
        .venv/bin/python benchmarks/index_run.py

Without DATABASE_URL it uses a temporary SQLite file. A benchmark, not a test: it reports and
asserts nothing.

1. Creates the database named in DATABASE_URL (dropped first if it exists; the name must
   contain "bench", so a mistaken URL can never reach real data) and migrates it.
2. Sets up, with the project's own actions: a national admin, one BNNP per province, the
   published example instrument, a period with all 514 regencies assigned.
3. Loads the synthetic national set (``kotan.method.synthetic``: 514 regencies × 180
   respondents, seed 1) through a FAST PATH THAT EXISTS ONLY FOR THIS BENCHMARK: raw
   submissions, responses and answers are bulk inserted directly (COPY on PostgreSQL), not
   through ``ingest_submission``, which would take hours for 92,520 questionnaires. Then
   ANALYZE, as autovacuum would after such a load.
4. Times ``runs.response_matrix`` (reading), ``engine.score`` on that matrix (scoring) and
   ``runs.compute_run`` end to end (reading + scoring + storing 514 rows), with bootstrap
   B = 0 and B = 1,000, and ``runs.recompute`` of the B = 1,000 run.
5. Drops the database at the end (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

T = TypeVar("T")


def _pg_params(url: str) -> dict[str, Any]:
    import dj_database_url

    cfg = dj_database_url.parse(url)
    params = {
        "host": cfg.get("HOST") or "127.0.0.1",
        "port": int(cfg.get("PORT") or 5432),
        "user": cfg.get("USER") or "postgres",
    }
    if cfg.get("PASSWORD"):
        params["password"] = cfg["PASSWORD"]
    return {**params, "dbname": cfg["NAME"]}


def _recreate_pg(url: str, drop_only: bool = False) -> None:
    import psycopg
    from psycopg import sql

    params = _pg_params(url)
    name = params.pop("dbname")
    if "bench" not in name or name in ("test", "postgres") or name.startswith("template"):
        raise SystemExit(f"refusing to (re)create database {name!r}: use a name with 'bench'")
    # The maintenance database is only connected to, to issue CREATE/DROP DATABASE.
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


CPU: dict[int, list[float]] = {}  # id(list of wall times) -> this process's CPU times


def _timed(fn: Callable[[], T], repeat: int) -> tuple[list[float], T]:
    """Wall times of ``repeat`` calls; this process's CPU times are kept in CPU."""
    times: list[float] = []
    cpu: list[float] = []
    result = None
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    assert result is not None
    CPU[id(times)] = cpu
    return times, result


def _setup(regencies: int) -> tuple[Any, Any]:
    """Admin, offices, instrument, period and assignments, through the project's actions."""
    from kotan.accounts import actions as accounts
    from kotan.accounts.models import Role
    from kotan.collection import actions as collection
    from kotan.instruments.demo import load_demo_instrument
    from kotan.method.synthetic import pick_regencies
    from kotan.regions.models import Province, Regency

    bnn = accounts.create_organization(actor=None, name="BNN RI", kind="bnn_ri")
    admin = accounts.create_user(
        actor=None, username="bench", password=None, role=Role.NATIONAL_ADMIN, organization=bnn
    )
    for province in Province.objects.all():
        accounts.create_organization(
            actor=None, name=f"BNNP {province.name}", kind="bnnp", province=province
        )
    instrument = load_demo_instrument()
    period = collection.open_period(
        actor=admin,
        year=2026,
        name="IKOTAN 2026 (benchmark)",
        instrument=instrument,
        opens_on=date(2026, 1, 1),
        closes_on=date(2026, 12, 31),
    )
    codes = pick_regencies(list(Regency.objects.values_list("code", flat=True)), regencies)
    collection.assign_regencies(
        actor=admin,
        period=period,
        regencies=list(Regency.objects.filter(code__in=codes)),
        deadline=date(2026, 12, 15),
    )
    return admin, period


def _load_answers(period: Any, respondents: int) -> tuple[int, int]:
    """The benchmark-only fast path: bulk insert raw submissions, responses and answers."""
    from django.db import connection
    from django.utils import timezone

    from kotan.collection.models import Answer, Assignment, RawSubmission, Response
    from kotan.instruments.models import ObservationUnit
    from kotan.instruments.queries import instrument_spec
    from kotan.method.synthetic import SyntheticSettings, generate_rows

    spec = instrument_spec(period.instrument)
    assignment_of = dict(
        Assignment.objects.filter(period=period).values_list("regency__code", "pk")
    )
    unit_of = dict(
        ObservationUnit.objects.filter(instrument=period.instrument).values_list("code", "pk")
    )
    item_ids = np.array(
        [period.instrument.items.get(code=i.code).pk for i in spec.items], dtype=np.int64
    )
    score_of = {o.code: o.score for o in spec.answer_options}
    settings = SyntheticSettings(sorted(assignment_of), respondents=respondents, seed=1)
    rows = list(generate_rows(spec, settings))
    cells = np.array([r[3:] for r in rows], dtype="<U4")
    respondent, column = np.nonzero(cells != "")
    values = cells[respondent, column]
    scores = np.full(len(values), np.nan)
    for code, value in score_of.items():
        if value is not None:
            scores[values == code] = value
    now = timezone.now().isoformat()
    first = 1 + max(
        RawSubmission.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        Response.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
    )
    ids = range(first, first + len(rows))

    def raws() -> Iterator[tuple[Any, ...]]:
        for pk, r in zip(ids, rows, strict=True):
            yield (pk, str(uuid.uuid4()), '{"benchmark": true}', "-", "excel", "accepted", "[]",
                   f"BENCH-{pk:09d}", assignment_of[r[1]], now, now)  # fmt: skip

    def responses() -> Iterator[tuple[Any, ...]]:
        for pk, r in zip(ids, rows, strict=True):
            yield (pk, pk, assignment_of[r[1]], unit_of[r[2]], "", "excel", now,
                   f"BENCH-{pk:09d}", "[]", False, "")  # fmt: skip

    def answers() -> Iterator[tuple[Any, ...]]:
        response_pk = (respondent + first).tolist()
        item_pk = item_ids[column].tolist()
        score = [None if np.isnan(s) else s for s in scores.tolist()]
        yield from zip(response_pk, item_pk, values.tolist(), score, strict=True)

    tables = [
        (RawSubmission, ["id", "client_uuid", "payload", "payload_hash", "channel", "status",
                         "errors", "receipt_number", "assignment", "received_at",
                         "processed_at"], raws),
        (Response, ["id", "raw", "assignment", "unit", "institution_name", "channel",
                    "submitted_at", "receipt_number", "flags", "excluded", "excluded_reason"],
         responses),
        (Answer, ["response", "item", "value", "score"], answers),
    ]  # fmt: skip
    for model, fields, make in tables:
        table = model._meta.db_table
        columns = [model._meta.get_field(f).column for f in fields]
        if connection.vendor == "postgresql":
            from psycopg import sql

            connection.ensure_connection()
            pg = connection.connection
            names = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
            with pg.cursor() as cursor:
                statement = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table), names)
                with cursor.copy(statement) as copy:
                    for row in make():
                        copy.write_row(row)
                if "id" in fields:
                    cursor.execute(
                        sql.SQL(
                            "SELECT setval(pg_get_serial_sequence({}, 'id'), MAX(id)) FROM {}"
                        ).format(sql.Literal(table), sql.Identifier(table))
                    )
            pg.commit()
        else:
            marks = ", ".join(["%s"] * len(columns))
            # Table and column names come from the models, not from input.
            statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
            with connection.cursor() as cursor:
                cursor.executemany(statement, list(make()))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return len(rows), len(values)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--regencies", type=int, default=514)
    parser.add_argument("--respondents", type=int, default=180)
    parser.add_argument("--bootstrap", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    sqlite_file = None
    if url.startswith("postgres"):
        _recreate_pg(url)
    else:
        os.environ.pop("DATABASE_URL", None)
        sqlite_file = Path(tempfile.mkdtemp()) / "index-run-bench.sqlite3"
        os.environ["KOTAN_SQLITE_PATH"] = str(sqlite_file)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotan.settings")
    os.environ["KOTAN_DEBUG"] = "1"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from kotan.instruments.queries import instrument_spec
    from kotan.method.engine import ScoringOptions, score
    from kotan.scoring import runs

    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        admin, period = _setup(args.regencies)
        setup_s = time.perf_counter() - started
        started = time.perf_counter()
        n_responses, n_answers = _load_answers(period, args.respondents)
        load_s = time.perf_counter() - started
        print(
            f"database: {connection.vendor} {connection.settings_dict['NAME']}; "
            f"{args.regencies} regencies × {args.respondents} respondents = {n_responses:,} "
            f"responses, {n_answers:,} answer rows (setup {setup_s:.0f} s, fast load "
            f"{load_s:.0f} s)"
        )
        spec = instrument_spec(period.instrument)
        read_times, (matrix, _digest) = _timed(lambda: runs.response_matrix(period), args.repeat)
        results: list[tuple[str, list[float]]] = [("read: response_matrix", read_times)]
        for b in (0, args.bootstrap):
            options = ScoringOptions(bootstrap=b, seed=period.year)
            times, _ = _timed(lambda o=options: score(spec, matrix, o), args.repeat)
            results.append((f"score: engine B={b}", times))
        run = None
        for b in (0, args.bootstrap):
            times, run = _timed(
                lambda b=b: runs.compute_run(actor=admin, period=period, bootstrap=b), args.repeat
            )
            results.append((f"compute_run B={b} (total)", times))
        assert run is not None
        times, identical = _timed(lambda: runs.recompute(run), 1)
        results.append((f"recompute B={args.bootstrap}", times))
        # CPU: time spent in this process (SQLite included); on PostgreSQL the rest of the
        # wall time is the server and the wait for it.
        print(f"{'step':<32}{'median s':>10}{'min s':>9}{'CPU s (median)':>16}")
        for label, t in results:
            cpu = statistics.median(CPU[id(t)])
            print(f"{label:<32}{statistics.median(t):>10.3f}{min(t):>9.3f}{cpu:>16.3f}")
        print(
            f"stored duration_ms of the last run: {run.duration_ms}; recompute identical: "
            f"{identical}; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}"
            " MB"
        )
        print(json.dumps({label: statistics.median(t) for label, t in results}))
    finally:
        connections.close_all()
        if url.startswith("postgres") and not args.keep:
            _recreate_pg(url, drop_only=True)
        if sqlite_file is not None and not args.keep:
            shutil.rmtree(sqlite_file.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
