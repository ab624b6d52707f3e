"""Ingestion under load: submissions per second over HTTP into gunicorn and PostgreSQL.

`make bench-ingest`, or `.venv/bin/python benchmarks/ingest.py [--seconds 30] [--clients 32]`.
A benchmark, not a test: it reports and asserts nothing.

On its own, the script
1. creates a fresh PostgreSQL database ``kotan_bench_ingest`` on 127.0.0.1:5432 for every
   server configuration (dropped first when it exists), migrates it and sets it up with the
   project's own actions: demo organisations, the published example instrument, a 2026 period,
   all 514 regencies assigned, one ``gov`` respondent link per regency;
2. starts the production server (gunicorn, DEBUG off, a secret key made for the run) on a free
   127.0.0.1 port, for each configuration in ``--configs``;
3. runs ``--clients`` client threads on keep-alive connections (`ingest_client.py`) for
   ``--warmup`` + ``--seconds``; ``--resend-share`` of the submissions are sent a second time
   at once, and must get 200 with the receipt of the first answer;
4. counts what the database holds (responses, raw submissions, receipts) against the UUIDs
   sent, and the queries one submission costs;
5. measures PostgreSQL's own single-row INSERT rate with pgbench, same client count, in a
   scratch database ``kotan_bench_pgbench``;
6. stops gunicorn and drops both databases at the end, even on error.

Payloads carry every item asked of the ``gov`` unit (45 of the instrument's 60 items; no unit is
asked all 60, and an answer to an item not asked is rejected as invalid), answered from the
synthetic generator of `kotan.method.synthetic` without missing values.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest_client import HOST, LoadPlan, LoadReport, run_load, summarise  # noqa: E402

BIN = Path(sys.executable).parent
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
BENCH_DB = "kotan_bench_ingest"
PGBENCH_DB = "kotan_bench_pgbench"
OURS = (BENCH_DB, PGBENCH_DB)  # the only databases this script creates or drops
UNIT = "gov"
DEFAULT_CONFIGS = "sync:3x1,sync:4x1,gthread:3x1,gthread:4x4"
TARGET_PER_S = 300
TARGET_P95_MS = 200


# --- databases ------------------------------------------------------------------------------


def connect(dbname: str, autocommit: bool = False) -> psycopg.Connection[tuple[Any, ...]]:
    return psycopg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=dbname, autocommit=autocommit
    )


def _admin(sql: str) -> None:
    """One statement on the maintenance database (CREATE/DROP DATABASE need autocommit)."""
    with connect("postgres", autocommit=True) as conn:
        conn.execute(sql)


def recreate_database(name: str) -> None:
    assert name in OURS, name
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")


def drop_database(name: str) -> None:
    assert name in OURS, name
    try:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except psycopg.Error as exc:
        print(f"could not drop {name}: {exc}", file=sys.stderr)


def query(sql: str, dbname: str = BENCH_DB) -> list[tuple[Any, ...]]:
    with connect(dbname) as conn:
        return conn.execute(sql).fetchall()


# --- the production server --------------------------------------------------------------------


STATIC_ROOT = Path(tempfile.gettempdir()) / "kotan-bench-ingest-static"  # empty: API only


def production_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KOTAN_", "DJANGO_"))}
    STATIC_ROOT.mkdir(exist_ok=True)
    env.update(
        KOTAN_DEBUG="0",
        KOTAN_SECRET_KEY=secrets.token_urlsafe(45),  # 60 characters, made for this run
        KOTAN_ALLOWED_HOSTS=HOST,
        KOTAN_SECURE_SSL_REDIRECT="0",
        KOTAN_HSTS_SECONDS="0",
        KOTAN_LOG_LEVEL="WARNING",
        KOTAN_STATIC_ROOT=str(STATIC_ROOT),
        DATABASE_URL=f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{BENCH_DB}",
        DJANGO_SETTINGS_MODULE="kotan.settings",
    )
    return env


@dataclass(frozen=True)
class ServerConfig:
    worker_class: str
    workers: int
    threads: int

    @classmethod
    def parse(cls, text: str) -> ServerConfig:
        kind, _, size = text.partition(":")
        workers, _, threads = size.partition("x")
        return cls(kind, int(workers), int(threads or 1))

    def __str__(self) -> str:
        return f"{self.worker_class} {self.workers}×{self.threads}"

    def args(self) -> list[str]:
        return ["--worker-class", self.worker_class, "--workers", str(self.workers)] + (
            ["--threads", str(self.threads)] if self.worker_class == "gthread" else []
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn(config: ServerConfig, env: dict[str, str], log: Path) -> Iterator[tuple[int, int]]:
    """Yield (port, master pid) once /health/ answers 200; stop the server afterwards."""
    port = free_port()
    cmd = [
        str(BIN / "gunicorn"),
        "kotan.wsgi",
        "--bind",
        f"{HOST}:{port}",
        *config.args(),
        "--error-logfile",
        str(log),
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited ({proc.returncode}): {log.read_text()[-2000:]}"
                )
            with suppress(OSError):
                conn = http.client.HTTPConnection(HOST, port, timeout=2)
                conn.request("GET", "/health/")
                if conn.getresponse().status == 200:
                    conn.close()
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn not healthy after 60 s: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield port, proc.pid
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # the group this script started, only
                proc.wait()


# --- CPU: who used the two cores during the measured window -----------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with suppress(OSError):
            found += [int(p) for p in task.read_text().split()]
    return found


def _machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    total = sum(values[:8])
    return (total - idle) / TICK, total / TICK


@dataclass
class CpuProbe:
    """CPU seconds per party at the opening and the closing of the measured window."""

    master: int
    marks: list[dict[str, Any]]

    def mark(self) -> None:
        # Our database's backends and the server's shared ones (WAL writer, checkpointer, …).
        sql = (
            "SELECT pid FROM pg_stat_activity"  # noqa: S608 - a constant name
            f" WHERE datname = '{BENCH_DB}' OR datname IS NULL"
        )
        backends = [r[0] for r in query(sql)]
        busy, total = _machine_cpu()
        self.marks.append(
            {
                "client": time.process_time(),
                "gunicorn": {p: _proc_cpu(p) for p in [self.master, *_children(self.master)]},
                "postgres": {p: _proc_cpu(p) for p in backends},
                "machine": busy,
                "machine_total": total,
            }
        )

    def shares(self) -> dict[str, float]:
        """Cores used on average over the window, per party (processes that ended are lost)."""
        first, last = self.marks
        wall = (last["machine_total"] - first["machine_total"]) / (os.cpu_count() or 1)
        used = {k: (last[k] - first[k]) / wall for k in ("client", "machine")}
        for k in ("gunicorn", "postgres"):
            used[k] = sum(v - first[k].get(p, 0.0) for p, v in last[k].items()) / wall
        used["other"] = used["machine"] - used["client"] - used["gunicorn"] - used["postgres"]
        return used


# --- set-up and checks inside Django (child processes with the production environment) -------


def child_setup() -> dict[str, Any]:
    """Organisations, instrument, period, 514 assignments and one link per regency."""
    from datetime import timedelta

    from django.utils import timezone

    from kotan.accounts.demo import load_demo
    from kotan.accounts.models import User
    from kotan.collection import actions
    from kotan.instruments.demo import load_demo_instrument
    from kotan.regions.models import Regency

    load_demo()
    instrument = load_demo_instrument()
    admin = User.objects.get(username="admin")
    today = timezone.localdate()
    period = actions.open_period(
        actor=admin,
        year=2026,
        name="IKOTAN 2026 (beban)",
        instrument=instrument,
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=60),
    )
    assignments = actions.assign_regencies(
        actor=admin,
        period=period,
        regencies=list(Regency.objects.order_by("code")),
        deadline=today + timedelta(days=30),
    )
    links = [
        actions.create_link(
            actor=admin, assignment=a, unit_code=UNIT, max_uses=10_000_000, valid_days=2
        ).token
        for a in assignments
    ]
    return {"assignments": len(assignments), "links": links}


def child_queries(token: str) -> dict[str, Any]:
    """Queries of one new submission and of its resend, through the ingestion function."""
    import uuid

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kotan.collection.ingest import ingest_submission
    from kotan.collection.models import Channel

    def make() -> dict[str, Any]:
        return {
            "uuid": str(uuid.uuid4()),
            "link": token,
            "unit": UNIT,
            "institution": "Instansi hitung kueri",
            "answers": answer_pool(1)[0],
        }

    # Steady state, as in a warm worker: instrument rules cached, assignment already started.
    ingest_submission(make(), channel=Channel.OFFLINE)
    payload = make()
    out: dict[str, Any] = {}
    for name in ("new", "resend"):
        with CaptureQueriesContext(connection) as ctx:
            result = ingest_submission(payload, channel=Channel.OFFLINE)
        out[name] = {
            "status": result.status,
            "queries": [q["sql"][:110] for q in ctx.captured_queries],
        }
    return out


def run_child(kind: str, env: dict[str, str], *extra: str) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", kind, *extra]
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)  # noqa: S603
    if done.returncode:
        raise RuntimeError(f"child {kind} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def prepare_database(env: dict[str, str]) -> list[str]:
    recreate_database(BENCH_DB)
    subprocess.run(  # noqa: S603
        [str(BIN / "kotan"), "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True
    )
    return list(run_child("setup", env)["links"])


# --- payloads ----------------------------------------------------------------------------------


def answer_pool(regencies: int = 20) -> list[dict[str, str]]:
    """Answer sets of the ``gov`` unit from the synthetic generator, with no missing value."""
    from kotan.method.reference import read_reference
    from kotan.method.spec import EXAMPLE, load_yaml
    from kotan.method.synthetic import SyntheticSettings, generate_rows, header, pick_regencies

    spec = load_yaml(EXAMPLE.read_text(encoding="utf-8"))
    codes = pick_regencies([r.code for r in read_reference().regencies], regencies)
    settings = SyntheticSettings(codes, respondents=180, seed=7, missing_rate=0.0)
    items = header(spec)[3:]
    return [
        {code: value for code, value in zip(items, row[3:], strict=True) if value}
        for row in generate_rows(spec, settings)
        if row[2] == UNIT
    ]


def items_per_unit() -> tuple[int, dict[str, int]]:
    """Items of the example instrument, and how many of them each unit is asked."""
    from kotan.method.spec import EXAMPLE, load_yaml

    spec = load_yaml(EXAMPLE.read_text(encoding="utf-8"))
    asked = {u.code: sum(u.code in item.units for item in spec.items) for u in spec.units}
    return len(spec.items), asked


# --- one configuration -------------------------------------------------------------------------


@dataclass
class RunResult:
    config: ServerConfig
    summary: dict[str, Any]
    stored: dict[str, int]
    cpu: dict[str, float]
    server_log: str


def check_database(report: LoadReport) -> dict[str, int]:
    """What the database holds against what the clients sent and were told."""
    (responses, answers, raws, accepted, uses) = query(
        "SELECT (SELECT count(*) FROM collection_response),"
        " (SELECT count(*) FROM collection_answer),"
        " (SELECT count(*) FROM collection_rawsubmission),"
        " (SELECT count(*) FROM collection_rawsubmission WHERE status = 'accepted'),"
        " (SELECT coalesce(sum(use_count), 0) FROM collection_respondentlink)"
    )[0]
    stored = dict(
        query(
            "SELECT client_uuid::text, receipt_number FROM collection_rawsubmission"
            " WHERE status <> 'conflict'"
        )
    )
    sent = report.sent_uuids
    told = report.receipts
    return {
        "uuids_sent": len(sent),
        "responses": responses,
        "raw_submissions": raws,
        "raw_accepted": accepted,
        "answers": answers,
        "link_uses": uses,
        "receipts_told": len(told),
        "receipts_differing": sum(1 for u, r in told.items() if stored.get(u) != r),
        "stored_not_sent": len(set(stored) - sent),
        "sent_not_stored": len(sent - set(stored)),
    }


def run_config(
    config: ServerConfig, args: argparse.Namespace, pool: list[dict[str, str]]
) -> RunResult:
    env = production_env()
    links = prepare_database(env)
    with tempfile.TemporaryDirectory(prefix="kotan-bench-") as tmp:
        log = Path(tmp) / "gunicorn.log"
        with gunicorn(config, env, log) as (port, master):
            plan = LoadPlan(
                port=port,
                links=links[: args.links],
                unit=UNIT,
                answer_pool=pool,
                clients=args.clients,
                warmup=args.warmup,
                seconds=args.seconds,
                resend_share=args.resend_share,
            )
            probe = CpuProbe(master, [])
            report = run_load(plan, at_window_start=probe.mark, at_window_end=probe.mark)
        server_log = log.read_text() if log.exists() else ""
    return RunResult(config, summarise(report), check_database(report), probe.shares(), server_log)


# --- pgbench -----------------------------------------------------------------------------------


def pgbench_path() -> str | None:
    found = shutil.which("pgbench")
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"))
    return str(candidates[-1]) if candidates else None


def preflight() -> str | None:
    """Why the benchmark cannot run here, or None; checked before minutes are spent."""
    try:
        query("SELECT 1", dbname="postgres")
    except psycopg.Error as exc:
        return (
            f"PostgreSQL is not reachable at {PG_HOST}:{PG_PORT} as {PG_USER} ({exc}).\n"
            'Start it, e.g. pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main '
            "start"
        )
    if pgbench_path() is None:
        return "pgbench not found (it comes with the PostgreSQL server packages)."
    if not (BIN / "gunicorn").exists():
        return f"gunicorn not found in {BIN} (run `make install`)."
    return None


def pgbench(clients: int, seconds: int) -> tuple[float, str]:
    """Transactions per second of a single-row INSERT (autocommit) from ``clients`` clients."""
    exe = pgbench_path() or "pgbench"
    recreate_database(PGBENCH_DB)
    with connect(PGBENCH_DB, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE scratch (id bigserial PRIMARY KEY, client_uuid uuid NOT NULL,"
            " note text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
        )
    script = "INSERT INTO scratch (client_uuid, note) VALUES (gen_random_uuid(), 'beban');\n"
    with tempfile.NamedTemporaryFile("w", suffix=".sql") as f:
        f.write(script)
        f.flush()
        cmd = [exe, "-n", "-h", PG_HOST, "-p", str(PG_PORT), "-U", PG_USER]
        cmd += ["-c", str(clients), "-j", "2", "-T", str(seconds), "-f", f.name, PGBENCH_DB]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout  # noqa: S603
    match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", out)
    if match is None:
        raise RuntimeError(f"pgbench output not understood:\n{out}")
    return float(match.group(1)), " ".join([*cmd[:-2], "<script>", PGBENCH_DB])


# --- report ------------------------------------------------------------------------------------


def busy_cores(seconds: float = 3.0) -> float:
    """Cores in use by anything on the machine, averaged over ``seconds``."""
    busy0, total0 = _machine_cpu()
    time.sleep(seconds)
    busy1, total1 = _machine_cpu()
    return (busy1 - busy0) / (total1 - total0) * (os.cpu_count() or 1)


def machine_facts() -> list[str]:
    import django

    server = query("SHOW server_version", dbname="postgres")[0][0]
    settings = dict(
        query(
            "SELECT name, setting FROM pg_settings WHERE name IN ('synchronous_commit', 'fsync',"
            " 'shared_buffers', 'max_connections', 'wal_level')",
            dbname="postgres",
        )
    )
    gunicorn_version = subprocess.run(  # noqa: S603
        [str(BIN / "gunicorn"), "--version"], capture_output=True, text=True
    ).stdout.strip()
    return [
        f"machine: {os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))}), "
        f"{platform.platform()}; before the run: load average {os.getloadavg()[0]:.2f}, "
        f"{busy_cores():.2f} cores busy",
        f"Python {platform.python_version()}, Django {django.get_version()}, {gunicorn_version}",
        f"PostgreSQL {server} on {PG_HOST}:{PG_PORT} ("
        + ", ".join(f"{k}={v}" for k, v in sorted(settings.items()))
        + ")",
    ]


def print_report(
    args: argparse.Namespace,
    facts: list[str],
    results: list[RunResult],
    pgbench_tps: float,
    pgbench_cmd: str,
    queries: dict[str, Any],
) -> None:
    total, units = items_per_unit()
    print("\n".join(facts))
    print(
        f"load: {args.clients} client threads on keep-alive HTTP/1.1 to {HOST}, "
        f"{args.warmup:g} s warm-up + {args.seconds:g} s measured per configuration, "
        f"{args.resend_share:.0%} of submissions resent at once with the same body"
    )
    print(
        f"payload: unit '{UNIT}', {units[UNIT]} answers (every item asked of the unit; items "
        f"asked per unit: {', '.join(f'{k} {v}' for k, v in units.items())}; "
        f"instrument {total} items), "
        f"one link per regency, spread at random over {min(args.links, 514)} regencies"
    )
    print(
        "server: gunicorn kotan.wsgi, KOTAN_DEBUG=0, fresh database per configuration, "
        "CONN_MAX_AGE=60"
    )
    print()
    head = (
        f"{'configuration':<18}{'accepted/s':>11}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}"
        f"{'p99 ms':>8}{'p95 new':>9}{'p95 resend':>11}{'non-2xx':>9}{'net err':>8}"
        f"{'resend bad':>11}{'connects':>9}"
    )
    print(head)
    for r in results:
        s = r.summary
        non_2xx = sum(n for code, n in s["statuses_all"].items() if code not in (200, 201, 0))
        print(
            f"{r.config!s:<18}{s['accepted_per_s']:>11.1f}{s['requests_per_s']:>8.1f}"
            f"{s['all_ms']['p50']:>8.1f}{s['all_ms']['p95']:>8.1f}{s['all_ms']['p99']:>8.1f}"
            f"{s['new_ms']['p95']:>9.1f}{s.get('resend_ms', {}).get('p95', float('nan')):>11.1f}"
            f"{non_2xx:>9}{sum(s['network_errors'].values()):>8}{s['resend_mismatch']:>11}"
            f"{s['connections_opened']:>9}"
        )
    print()
    print(
        f"{'configuration':<18}{'UUIDs sent':>11}{'responses':>10}{'raw':>8}{'accepted':>9}"
        f"{'answers':>9}{'link uses':>10}{'receipt ≠':>10}{'sent∖stored':>12}"
        f"{'stored∖sent':>12}{'equal':>7}"
    )
    for r in results:
        d = r.stored
        equal = d["uuids_sent"] == d["responses"] == d["raw_submissions"]
        print(
            f"{r.config!s:<18}{d['uuids_sent']:>11}{d['responses']:>10}{d['raw_submissions']:>8}"
            f"{d['raw_accepted']:>9}{d['answers']:>9}{d['link_uses']:>10}"
            f"{d['receipts_differing']:>10}{d['sent_not_stored']:>12}{d['stored_not_sent']:>12}"
            f"{'yes' if equal else 'NO':>7}"
        )
    print()
    print(
        f"CPU in the measured window: cores used on average (of {os.cpu_count()}), CPU ms per "
        "accepted submission (its resends included), and the rate the machine's cores would "
        "allow at that cost if nothing else ran (a ceiling: lock and fsync waits ignored)"
    )
    print(
        f"{'configuration':<18}{'gunicorn':>10}{'postgres':>10}{'client':>8}{'other':>8}"
        f"{'all':>8}{'srv ms':>8}{'pg ms':>8}{'ceiling/s':>11}"
    )
    for r in results:
        c = r.cpu
        rate = r.summary["accepted_per_s"]
        ours = c["gunicorn"] + c["postgres"] + c["client"]
        print(
            f"{r.config!s:<18}{c['gunicorn']:>10.2f}{c['postgres']:>10.2f}{c['client']:>8.2f}"
            f"{c['other']:>8.2f}{c['machine']:>8.2f}{c['gunicorn'] / rate * 1000:>8.1f}"
            f"{c['postgres'] / rate * 1000:>8.1f}{rate * (os.cpu_count() or 1) / ours:>11.0f}"
        )
    shared = [r for r in results if r.cpu["other"] > 0.2]
    if shared:
        print(
            "NOTE: other processes used "
            + ", ".join(f"{r.cpu['other']:.2f} cores ({r.config})" for r in shared)
            + " in the window: these figures understate what the machine does alone."
        )
    print()
    for r in results:
        print(
            f"statuses of all requests ({r.config}, warm-up included): {r.summary['statuses_all']}"
        )
    new, resend = queries["new"], queries["resend"]
    print(
        "queries of one submission through ingest_submission (CaptureQueriesContext): "
        f"new {len(new['queries'])} (status {new['status']}), "
        f"resend {len(resend['queries'])} (status {resend['status']})"
    )
    if args.show_queries:
        for q in new["queries"]:
            print("   ", q)
    best = max(results, key=lambda r: r.summary["accepted_per_s"])
    rate = best.summary["accepted_per_s"]
    p95 = best.summary["all_ms"]["p95"]
    print()
    print(f"pgbench: {pgbench_tps:,.0f} single-row INSERT transactions/s ({pgbench_cmd})")
    print(
        f"best configuration: {best.config}: {rate:.1f} submissions/s, p95 {p95:.1f} ms; "
        f"{rate / pgbench_tps:.3f} × pgbench's insert rate "
        f"(1 submission per {pgbench_tps / rate:.1f} pgbench inserts)"
    )
    print(
        f"targets: ≥ {TARGET_PER_S} submissions/s: {'met' if rate >= TARGET_PER_S else 'NOT met'}; "
        f"p95 < {TARGET_P95_MS} ms: {'met' if p95 < TARGET_P95_MS else 'NOT met'}"
    )
    for r in results:
        if r.server_log.strip():
            print(f"\ngunicorn log ({r.config}), last lines:\n{r.server_log[-1500:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--resend-share", type=float, default=0.10)
    parser.add_argument("--configs", default=DEFAULT_CONFIGS, help="KIND:WORKERSxTHREADS,…")
    parser.add_argument(
        "--links", type=int, default=514, help="spread over this many regencies' links"
    )
    parser.add_argument("--pgbench-seconds", type=int, default=15)
    parser.add_argument("--show-queries", action="store_true")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import django

        django.setup()
        kind, *rest = args.child
        out = child_setup() if kind == "setup" else child_queries(rest[0])
        print(json.dumps(out))
        return
    configs = [ServerConfig.parse(c) for c in args.configs.split(",")]
    problem = preflight()
    if problem:
        sys.exit(problem)
    # A plain `kill` must still stop gunicorn and drop the databases (the finally blocks).
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    facts = machine_facts()
    pool = answer_pool()
    results = []
    try:
        for config in configs:
            print(f"… {config}", file=sys.stderr, flush=True)
            results.append(run_config(config, args, pool))
        token = query("SELECT token FROM collection_respondentlink LIMIT 1")[0][0]
        queries = run_child("queries", production_env(), token)
        print("… pgbench", file=sys.stderr, flush=True)
        tps, cmd = pgbench(args.clients, args.pgbench_seconds)
    finally:
        drop_database(BENCH_DB)
        drop_database(PGBENCH_DB)
        with suppress(OSError):
            STATIC_ROOT.rmdir()
    print_report(args, facts, results, tps, cmd, queries)


if __name__ == "__main__":
    main()
