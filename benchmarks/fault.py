"""Faults under load: nothing that got a receipt is lost, duplicated or left unparsed.

`make fault`, or `.venv/bin/python benchmarks/fault.py [--burst 120] [--keep]`. Bounded (a
hard limit of 6 minutes, then everything is stopped), loopback only, and it cleans up its
processes and its temporary directory on every exit. What it does (docs/reliability.md):

1. starts its own PostgreSQL cluster (initdb in a temporary directory, a free port on
   127.0.0.1, trust authentication; as the ``postgres`` account when run as root), never the
   shared server; migrates it and loads regions, organisations, the demo accounts, the
   published example instrument, a 2026 period for Jambi's regencies and respondent links;
2. starts gunicorn (``kotan.wsgi``, DEBUG off, sync workers) on a free 127.0.0.1 port;
3. runs client threads over the JSON API, OpenRosa and the web form, each retrying a failed
   questionnaire with the same client UUID until it gets a receipt (``fault_clients.py``);
4. meanwhile kills gunicorn workers (kill -9), kills the master (kill -9) and starts it again,
   restarts PostgreSQL (``pg_ctl restart -m fast``), kills the postmaster (kill -9) and starts it
   again, freezes it (SIGSTOP of the postmaster and its children, then SIGCONT) while timing
   ``/health/``;
5. counts by SQL: sent, receipts, stored (raw submissions, responses), duplicates, lost, stuck
   before and after ``kotan reprocess_pending --older-than 0s``.

Exit status 1 when anything was lost, duplicated, told a wrong receipt or still stuck after
reprocessing; 2 when the harness itself failed or ran out of time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import pwd
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fault_clients import HOST, ClientLog, Plan, start_clients  # noqa: E402

BIN = Path(sys.executable).parent
HARD_LIMIT = 360  # seconds: the whole run, set-up and clean-up included
DB_NAME = "kotan"
ODK_USER, ODK_PASSWORD, ODK_REGENCY = "enumerator.batanghari", "kotan-demo-2026", "15.04"
YEAR = 2026


class OutOfTime(Exception):
    pass


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port(preferred: int = 0) -> int:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT of an earlier run
        try:
            s.bind((HOST, preferred))
        except OSError:
            s.bind((HOST, 0))
        return int(s.getsockname()[1])


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with suppress(OSError):
            found += [int(p) for p in task.read_text().split()]
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def wait_gone(pids: list[int], seconds: float) -> list[int]:
    """Wait until these processes have exited; return those still alive after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = [p for p in pids if alive(p)]
        if not left:
            return []
        time.sleep(0.1)
    return [p for p in pids if alive(p)]


def signal_all(pids: list[int], sig: int) -> None:
    for pid in pids:
        with suppress(ProcessLookupError):
            os.kill(pid, sig)


# --- our own PostgreSQL cluster -----------------------------------------------------------------


def pg_tool(name: str) -> str:
    for candidate in (
        Path("/usr/local/bin") / name,
        *sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))[::-1],
    ):
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} not found (PostgreSQL server binaries are needed)")
    return found


class Cluster:
    """A throw-away cluster in ``base``: data, socket and log directories of its own."""

    def __init__(self, base: Path, port: int) -> None:
        self.home = base / "pg"
        self.data = self.home / "data"
        self.log_file = self.home / "postgres.log"
        self.port = port
        self.known: set[int] = set()  # every process of this cluster seen, for the clean-up
        self.owner = pwd.getpwnam("postgres") if os.geteuid() == 0 else None

    @property
    def url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{DB_NAME}"

    def _run(self, *args: str, timeout: float = 90) -> None:
        cmd = list(args)
        if self.owner is not None:  # PostgreSQL refuses to run as root
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        # Output to a file, never a pipe: a postmaster started here inherits it and would
        # keep a pipe open for as long as it runs.
        with tempfile.TemporaryFile() as out:
            done = subprocess.run(cmd, stdout=out, stderr=out, timeout=timeout)  # noqa: S603
            out.seek(0)
            text = out.read().decode(errors="replace")
        if done.returncode:
            raise RuntimeError(f"{' '.join(args[:2])} failed: {text[-1500:]}{self.tail()}")

    def tail(self) -> str:
        with suppress(OSError):
            return "\n" + self.log_file.read_text(errors="replace")[-1500:]
        return ""

    def init(self) -> None:
        self.home.mkdir()
        if self.owner is not None:
            os.chown(self.home, self.owner.pw_uid, self.owner.pw_gid)
            self.home.parent.chmod(0o755)
        words = ["-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-instructions"]
        self._run(pg_tool("initdb"), "-D", str(self.data), *words)
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"listen_addresses = '{HOST}'\nport = {self.port}\n"
                f"unix_socket_directories = '{self.home}'\nmax_connections = 60\n"
                "shared_buffers = 128MB\nlog_min_messages = warning\n"
            )

    def pg_ctl(self, words: str, timeout: float = 90) -> None:
        self._run(pg_tool("pg_ctl"), "-D", str(self.data), *words.split(), timeout=timeout)

    def start(self) -> None:
        self.pg_ctl(f"-l {self.log_file} -w -t 60 start")
        self.processes()

    def restart_fast(self) -> None:
        self.processes()
        self.pg_ctl(f"-l {self.log_file} -m fast -w -t 60 restart")
        self.processes()

    def postmaster(self) -> int | None:
        with suppress(OSError, ValueError, IndexError):
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
            return pid if alive(pid) else None
        return None

    def processes(self) -> list[int]:
        pid = self.postmaster()
        found = [pid, *children(pid)] if pid else []
        self.known.update(found)
        return found

    def kill9(self) -> dict[str, int]:
        """kill -9 the postmaster, as the OOM killer would; the orphaned backends notice and
        exit by themselves (any left after 10 s are killed so that it can start again)."""
        found = self.processes()
        if not found:
            raise RuntimeError("no postmaster to kill")
        os.kill(found[0], signal.SIGKILL)
        left = wait_gone(found, 10)
        signal_all(left, signal.SIGKILL)
        wait_gone(left, 5)
        notes = {"processes": len(found), "killed_after_10s": len(left)}
        # A dead postmaster that init has not reaped yet still "exists" for kill(pid, 0), and
        # PostgreSQL would refuse to start over its lock file: wait, then remove the file.
        deadline = time.monotonic() + 3
        while Path(f"/proc/{found[0]}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        if Path(f"/proc/{found[0]}").exists():
            (self.data / "postmaster.pid").unlink(missing_ok=True)
            notes["stale_lock_removed"] = 1
        return notes

    def freeze(self) -> list[int]:
        found = self.processes()
        signal_all(found, signal.SIGSTOP)
        return found

    def thaw(self, frozen: list[int]) -> None:
        signal_all(frozen, signal.SIGCONT)

    def connect(self) -> psycopg.Connection[tuple[Any, ...]]:
        return psycopg.connect(self.url, connect_timeout=5, autocommit=True)

    def stop(self) -> None:
        signal_all(list(self.known), signal.SIGCONT)  # a frozen cluster cannot stop
        with suppress(Exception):
            self.pg_ctl("-m immediate -w -t 20 stop", timeout=30)
        left = [p for p in self.known if alive(p)]
        signal_all(left, signal.SIGKILL)
        wait_gone(left, 5)


# --- gunicorn -----------------------------------------------------------------------------------


def http_get(port: int, path: str, timeout: float) -> int:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


class Server:
    def __init__(self, port: int, env: dict[str, str], log_file: Path, workers: int) -> None:
        self.port, self.env, self.log_file, self.workers = port, env, log_file, workers
        self.proc: subprocess.Popen[bytes] | None = None
        self.groups: set[int] = set()  # process groups this script started (one per master)
        self.app_log = log_file.with_name("django.log")

    def start(self, wait: bool = True) -> float:
        """Start a master; with ``wait``, the seconds until /health/ answers 200."""
        cmd = [
            str(BIN / "gunicorn"),
            "kotan.wsgi",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(self.workers),
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
            "--error-logfile",
            str(self.log_file),
            "--log-level",
            "info",
        ]
        started = time.monotonic()
        with self.app_log.open("ab") as out:  # Django's own log lines (console handler)
            self.proc = subprocess.Popen(  # noqa: S603
                cmd, env=self.env, cwd=ROOT, start_new_session=True, stdout=out, stderr=out
            )
        self.groups.add(self.proc.pid)
        if not wait:
            return 0.0
        return self.wait_healthy(started)

    def wait_healthy(self, started: float, limit: float = 60) -> float:
        while True:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_file.read_text()[-1500:]}")
            with suppress(OSError, http.client.HTTPException):
                if http_get(self.port, "/health/", 3) == 200:
                    return time.monotonic() - started
            if time.monotonic() - started > limit:
                raise RuntimeError(f"gunicorn not healthy: {self.log_file.read_text()[-1500:]}")
            time.sleep(0.1)

    @property
    def master(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def worker_pids(self) -> list[int]:
        return children(self.master)

    def kill_worker(self, rng: random.Random) -> int | None:
        workers = self.worker_pids()
        if not workers:
            return None
        victim = rng.choice(workers)
        with suppress(ProcessLookupError):
            os.kill(victim, signal.SIGKILL)
        return victim

    def kill_master_and_restart(self) -> dict[str, float]:
        """kill -9 the master; its orphaned workers finish what they serve and leave (those
        still holding the port after 5 s are killed, as a service manager stops what is left
        of a service); then a new master on the same port."""
        assert self.proc is not None
        orphans = self.worker_pids()
        killed = time.monotonic()
        os.kill(self.master, signal.SIGKILL)
        self.proc.wait()
        left = wait_gone(orphans, 5)
        signal_all(left, signal.SIGKILL)
        wait_gone(left, 5)
        restarted = time.monotonic()
        self.start(wait=False)
        up = self.wait_healthy(restarted)
        return {
            "orphans": len(orphans),
            "orphans_left_after_5s": len(left),
            "new_master_after_s": round(restarted - killed, 1),
            "healthy_after_s": round(restarted - killed + up, 1),
        }

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            with suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=10)
        for group in self.groups:  # only the groups this script started
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(group, signal.SIGKILL)
        if self.proc is not None:
            with suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=5)


# --- set-up inside Django (a child process with the server's environment) ----------------------


def child_setup() -> dict[str, Any]:
    """Demo accounts, the example instrument, a 2026 period for Jambi, one ``gov`` link per
    regency (uses unlimited in practice), through the project's own actions."""
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
        year=YEAR,
        name=f"IKOTAN {YEAR} (uji gangguan)",
        instrument=instrument,
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=60),
    )
    assignments = actions.assign_regencies(
        actor=admin,
        period=period,
        regencies=list(Regency.objects.filter(code__startswith="15.").order_by("code")),
        deadline=today + timedelta(days=30),
    )
    links = [
        actions.create_link(
            actor=admin, assignment=a, unit_code="gov", max_uses=1_000_000, valid_days=2
        ).token
        for a in assignments
    ]
    return {"links": links}


def server_env(cluster: Cluster, base: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KOTAN_", "DJANGO_", "PG")) and k != "DATABASE_URL"
    }
    (base / "static").mkdir(exist_ok=True)
    env.update(
        KOTAN_DEBUG="0",
        KOTAN_SECRET_KEY=secrets.token_urlsafe(45),
        KOTAN_ALLOWED_HOSTS=HOST,
        KOTAN_SECURE_SSL_REDIRECT="0",
        KOTAN_HSTS_SECONDS="0",
        KOTAN_LOG_LEVEL="WARNING",
        KOTAN_STATIC_ROOT=str(base / "static"),
        KOTAN_MEDIA_ROOT=str(base / "media"),
        # Every client here comes from 127.0.0.1: the per-address limit would measure itself.
        KOTAN_ANONYMOUS_REQUESTS_PER_ADDRESS="100000000",
        DATABASE_URL=cluster.url,
        DJANGO_SETTINGS_MODULE="kotan.settings",
    )
    return env


def kotan(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    done = subprocess.run(  # noqa: S603
        [str(BIN / "kotan"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise RuntimeError(f"kotan {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def prepare(cluster: Cluster, env: dict[str, str]) -> list[str]:
    with psycopg.connect(
        f"postgres://postgres@{HOST}:{cluster.port}/postgres", autocommit=True
    ) as conn:
        conn.execute(f"CREATE DATABASE {DB_NAME} TEMPLATE template0 ENCODING 'UTF8'")
    kotan(env, "migrate", "--noinput", "-v", "0", timeout=180)
    kotan(env, "load_regions")
    kotan(env, "load_organizations")
    kotan(env, "collectstatic", "--noinput", "-v", "0")  # the form's pages name their files
    done = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--child"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode:
        raise RuntimeError(f"set-up failed:\n{done.stderr[-3000:]}")
    return list(json.loads(done.stdout.strip().splitlines()[-1])["links"])


def fetch_xform(port: int) -> str:
    import base64

    token = base64.b64encode(f"{ODK_USER}:{ODK_PASSWORD}".encode()).decode()
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(
            "GET",
            f"/odk/forms/{YEAR}/gov.xml",
            headers={"Authorization": f"Basic {token}", "X-OpenRosa-Version": "1.0"},
        )
        response = conn.getresponse()
        body = response.read().decode("utf-8")
    finally:
        conn.close()
    if response.status != 200:
        raise RuntimeError(f"XForm download answered {response.status}: {body[:300]}")
    return body


def answer_pool() -> list[dict[str, str]]:
    from ingest import answer_pool as pool  # the load benchmark's synthetic answers

    return pool(12)


# --- faults and the /health/ probe ------------------------------------------------------------


@dataclass
class Fault:
    name: str
    at: float  # seconds after the burst started
    ended: float = 0.0
    notes: dict[str, Any] = field(default_factory=dict)


@dataclass
class HealthProbe:
    """GET /health/ once a second, each in its own thread (a hung one never delays the next)."""

    port: int
    samples: list[tuple[float, float, int]] = field(default_factory=list)  # (sent, s, status)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def _one(self, origin: float) -> None:
        sent = time.monotonic()
        try:
            status = http_get(self.port, "/health/", 30)
        except (OSError, http.client.HTTPException):
            status = 0
        self.samples.append((sent - origin, time.monotonic() - sent, status))

    def run(self, origin: float, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end and not self._stop.is_set():
            t = threading.Thread(target=self._one, args=(origin,), daemon=True)
            t.start()
            self._threads.append(t)
            time.sleep(1.0)

    def join(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for t in self._threads:
            t.join(max(0.0, deadline - time.monotonic()))


def run_faults(
    server: Server, cluster: Cluster, origin: float, freeze_s: float, rng: random.Random
) -> tuple[list[Fault], HealthProbe]:
    """The fault schedule, in this thread, at fixed offsets from the burst's start."""
    faults: list[Fault] = []
    probe = HealthProbe(server.port)

    def at(offset: float) -> None:
        time.sleep(max(0.0, origin + offset - time.monotonic()))

    def mark(name: str) -> Fault:
        fault = Fault(name, time.monotonic() - origin)
        faults.append(fault)
        log(f"fault: {name}")
        return fault

    at(8)
    fault = mark("kill -9 of gunicorn workers (8, one every 1.5 s)")
    fault.notes["killed"] = []
    for _ in range(8):
        fault.notes["killed"].append(server.kill_worker(rng))
        time.sleep(1.5)
    fault.ended = time.monotonic() - origin

    at(28)
    fault = mark("kill -9 of the gunicorn master, then a new master")
    fault.notes.update(server.kill_master_and_restart())
    fault.ended = time.monotonic() - origin

    at(48)
    fault = mark("pg_ctl restart -m fast")
    started = time.monotonic()
    cluster.restart_fast()
    fault.notes["down_s"] = round(time.monotonic() - started, 1)
    fault.ended = time.monotonic() - origin

    at(66)
    fault = mark("kill -9 of the postmaster, then pg_ctl start")
    started = time.monotonic()
    fault.notes.update(cluster.kill9())
    cluster.start()
    fault.notes["down_s"] = round(time.monotonic() - started, 1)
    fault.ended = time.monotonic() - origin

    at(86)
    healthy = HealthProbe(server.port)
    healthy.run(origin, 3)
    healthy.join(10)
    fault = mark(f"SIGSTOP of the postmaster and its children for {freeze_s:g} s, then SIGCONT")
    fault.notes["before"] = healthy.samples
    prober = threading.Thread(target=probe.run, args=(origin, freeze_s + 8), daemon=True)
    frozen = cluster.freeze()
    prober.start()
    fault.notes["frozen"] = len(frozen)
    time.sleep(freeze_s)
    cluster.thaw(frozen)
    fault.ended = time.monotonic() - origin
    prober.join()
    probe.join(35)
    return faults, probe


# --- counting by SQL ------------------------------------------------------------------------------


COUNT_SQL = """
WITH per_q AS (
    SELECT s.channel, s.questionnaire, bool_or(s.sending) AS sending,
           max(s.receipt) AS receipt, bool_or(s.refused) AS refused,
           count(DISTINCT r.id) FILTER (WHERE r.status <> 'conflict') AS raws,
           count(DISTINCT r.id) FILTER (WHERE r.status = 'conflict') AS conflicts,
           count(DISTINCT r.id) FILTER (WHERE r.status = 'invalid') AS invalid,
           count(DISTINCT r.id) FILTER (WHERE r.status = 'received') AS received,
           count(DISTINCT r.id) FILTER (
               WHERE r.processed_at - r.received_at > interval '5 seconds') AS late,
           count(DISTINCT resp.id) AS responses,
           bool_or(r.receipt_number = s.receipt AND resp.id IS NOT NULL) AS receipt_found
    FROM fault_sent s
    LEFT JOIN collection_rawsubmission r ON r.client_uuid = s.uuid
    LEFT JOIN collection_response resp ON resp.raw_id = r.id
    GROUP BY s.channel, s.questionnaire
)
SELECT channel,
       count(*) AS questionnaires,
       count(*) FILTER (WHERE sending) AS sent,
       count(*) FILTER (WHERE receipt <> '') AS receipts,
       count(*) FILTER (WHERE receipt = '' AND sending) AS no_receipt,
       count(*) FILTER (WHERE refused) AS refused,
       sum(raws) AS raws,
       sum(responses) AS responses,
       count(*) FILTER (WHERE responses > 1) AS duplicates,
       count(*) FILTER (WHERE receipt <> '' AND raws = 0) AS lost_raw,
       count(*) FILTER (WHERE receipt <> '' AND responses = 0) AS lost_response,
       count(*) FILTER (WHERE receipt <> '' AND responses > 0 AND NOT receipt_found)
           AS wrong_receipt,
       sum(received) AS stuck,
       sum(late) AS parsed_late,
       sum(conflicts) AS conflicts,
       sum(invalid) AS invalid
FROM per_q GROUP BY channel ORDER BY channel
"""

COLUMNS = (
    "questionnaires",
    "sent",
    "receipts",
    "no_receipt",
    "refused",
    "raws",
    "responses",
    "duplicates",
    "lost_raw",
    "lost_response",
    "wrong_receipt",
    "stuck",
    "parsed_late",
    "conflicts",
    "invalid",
)


def load_sent(cluster: Cluster, logs: list[ClientLog]) -> None:
    rows: list[tuple[str | None, str, int, str, bool, bool]] = []
    for n, q in enumerate(q for log_ in logs for q in log_.questionnaires):
        uuids = {u for u in q.uuids if u}
        if not uuids:  # a web questionnaire that never reached its sending
            rows.append((None, q.channel, n, "", False, bool(q.refusal)))
        for u in uuids:
            rows.append((u, q.channel, n, q.receipt, True, bool(q.refusal)))
    with cluster.connect() as conn:
        conn.execute(
            "CREATE TABLE fault_sent (uuid uuid, channel text, questionnaire int,"
            " receipt text, sending bool, refused bool)"
        )
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO fault_sent VALUES (%s, %s, %s, %s, %s, %s)", rows)


def count(cluster: Cluster) -> dict[str, dict[str, int]]:
    with cluster.connect() as conn:
        rows = conn.execute(COUNT_SQL).fetchall()
        totals = conn.execute(
            "SELECT (SELECT count(*) FROM collection_rawsubmission),"
            " (SELECT count(*) FROM collection_rawsubmission WHERE status = 'received'),"
            " (SELECT count(*) FROM collection_response),"
            " (SELECT count(*) FROM collection_rawsubmission r WHERE NOT EXISTS"
            "   (SELECT 1 FROM fault_sent s WHERE s.uuid = r.client_uuid)),"
            " (SELECT count(*) FROM collection_draft),"
            " (SELECT count(*) FROM collection_draft WHERE submitted_receipt = '')"
        ).fetchone()
    out = {row[0]: dict(zip(COLUMNS, (int(v or 0) for v in row[1:]), strict=True)) for row in rows}
    assert totals is not None
    out["database"] = dict(
        zip(
            (
                "raw_rows",
                "received_rows",
                "response_rows",
                "raw_not_sent",
                "drafts",
                "drafts_unsent",
            ),
            (int(v) for v in totals),
            strict=True,
        )
    )
    return out


def stuck_rows(cluster: Cluster) -> list[tuple[Any, ...]]:
    with cluster.connect() as conn:
        return conn.execute(
            "SELECT r.id, r.channel, r.client_uuid::text, r.received_at,"
            " s.receipt <> '' AS receipted"
            " FROM collection_rawsubmission r LEFT JOIN fault_sent s ON s.uuid = r.client_uuid"
            " WHERE r.status = 'received' ORDER BY r.id"
        ).fetchall()


# --- the report -------------------------------------------------------------------------------


def window_statuses(
    logs: list[ClientLog], origin: float, faults: list[Fault], burst_end: float
) -> list[tuple[str, dict[str, Counter[int]]]]:
    """Statuses of every request per channel, by the window from one fault to the next."""
    marks = [("before any fault", 0.0)] + [(f.name, f.at) for f in faults]
    marks.append(("after the last fault", faults[-1].ended))
    marks.append(("retries only (no new questionnaires)", burst_end))
    marks.sort(key=lambda mark: mark[1])
    windows: list[tuple[str, dict[str, Counter[int]]]] = [(name, {}) for name, _ in marks]
    starts = [at for _, at in marks]
    for log_ in logs:
        for t, status in log_.events:
            offset = t - origin
            index = max(i for i, s in enumerate(starts) if s <= offset) if offset >= 0 else 0
            windows[index][1].setdefault(log_.channel, Counter())[status] += 1
    return windows


LEGEND = """columns: questionnaires the clients set out to send; sent (reached the sending step);
  receipts received by clients; no_receipt (sent, no receipt by the end); refused (a final
  answer without a receipt); raws / responses stored for their UUIDs; duplicates (more than
  one response for one questionnaire); lost_raw / lost_response (a receipt, no raw submission /
  no response); wrong_receipt (the receipt told is not the one stored); stuck (raw rows still
  'received'); parsed_late (raw rows parsed more than 5 s after they were stored: finished by a
  retry or by reprocess_pending after a crash or a hang); conflicts, invalid (raw rows)"""


def print_table(title: str, counts: dict[str, dict[str, int]]) -> None:
    print(title)
    widths = [max(len(c), 5) + 2 for c in COLUMNS]
    print(f"{'channel':<8}" + "".join(f"{c:>{w}}" for c, w in zip(COLUMNS, widths, strict=True)))
    total = Counter[str]()
    for channel in ("api", "odk", "web", "all"):
        row = counts.get(channel) if channel != "all" else total
        if row is None:
            continue
        if channel != "all":
            total.update(row)
        cells = zip(COLUMNS, widths, strict=True)
        print(f"{channel:<8}" + "".join(f"{row[c]:>{w}}" for c, w in cells))
    print(f"database: {counts['database']}")


def machine_facts() -> str:
    import django

    gunicorn_version = subprocess.run(  # noqa: S603
        [str(BIN / "gunicorn"), "--version"], capture_output=True, text=True
    ).stdout.strip()
    initdb = subprocess.run(  # noqa: S603
        [pg_tool("initdb"), "--version"], capture_output=True, text=True
    ).stdout.strip()
    return (
        f"machine: {os.cpu_count()} cores, {platform.platform()}, load average "
        f"{os.getloadavg()[0]:.2f} at start; Python {platform.python_version()}, Django "
        f"{django.get_version()}, {gunicorn_version}, {initdb}"
    )


# --- main ---------------------------------------------------------------------------------------


@contextmanager
def hard_limit(seconds: int) -> Iterator[None]:
    def expired(_signum: int, _frame: FrameType | None) -> None:
        raise OutOfTime(f"the run passed its limit of {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--burst", type=float, default=120, help="seconds of new questionnaires")
    parser.add_argument("--drain", type=float, default=40, help="seconds of retries after it")
    parser.add_argument("--freeze", type=float, default=20, help="seconds PostgreSQL is frozen")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--api", type=int, default=6, help="JSON API client threads")
    parser.add_argument("--odk", type=int, default=1, help="OpenRosa client threads")
    parser.add_argument("--web", type=int, default=2, help="web form client threads")
    parser.add_argument("--think", type=float, default=0.05, help="pause between questionnaires")
    parser.add_argument("--pg-port", type=int, default=55439)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import django

        django.setup()
        print(json.dumps(child_setup()))
        return 0
    if args.burst < 95:
        parser.error("--burst must be at least 95 s: the faults take the first 95 s")
    # A plain `kill` must still clean up (the finally blocks below).
    signal.signal(signal.SIGTERM, lambda _s, _f: sys.exit(143))
    began = time.monotonic()
    base = Path(tempfile.mkdtemp(prefix="kotan-fault-"))
    cluster = Cluster(base, free_port(args.pg_port))
    servers: list[Server] = []
    try:
        with hard_limit(HARD_LIMIT):
            return run(args, base, cluster, began, servers.append)
    except OutOfTime as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 2
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the clean-up is not interrupted
        log("stopping gunicorn and PostgreSQL")
        for server in servers:
            server.stop()
        log("gunicorn stopped")
        cluster.stop()
        log("cluster stopped")
        if args.keep:
            log(f"kept {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
        log(f"cleaned up after {time.monotonic() - began:.0f} s")


def run(
    args: argparse.Namespace,
    base: Path,
    cluster: Cluster,
    began: float,
    register: Callable[[Server], None],
) -> int:
    facts = machine_facts()
    log(f"PostgreSQL cluster in {cluster.home}, port {cluster.port}")
    cluster.init()
    cluster.start()
    env = server_env(cluster, base)
    links = prepare(cluster, env)
    log(f"database ready ({len(links)} links) after {time.monotonic() - began:.0f} s")
    server = Server(free_port(), env, base / "gunicorn.log", args.workers)
    register(server)
    server.start()
    xform = fetch_xform(server.port)
    pool = answer_pool()
    origin = time.monotonic()
    plan = Plan(
        port=server.port,
        links=links,
        answer_pool=pool,
        send_until=origin + args.burst,
        retry_until=origin + args.burst + args.drain,
        think=args.think,
        odk_user=ODK_USER,
        odk_password=ODK_PASSWORD,
        odk_xform=xform,
        odk_regency=ODK_REGENCY,
    )
    log(f"burst of {args.burst:g} s + {args.drain:g} s of retries on port {server.port}")
    threads, logs = start_clients(plan, {"api": args.api, "odk": args.odk, "web": args.web})
    faults, probe = run_faults(server, cluster, origin, args.freeze, random.Random(7))  # noqa: S311
    for t in threads:
        t.join(max(0.0, plan.retry_until + 50 - time.monotonic()))
    hung = [t.name for t in threads if t.is_alive()]
    server.stop()
    log(f"clients done after {time.monotonic() - began:.0f} s; counting")
    load_sent(cluster, logs)
    before = count(cluster)
    stuck_before = stuck_rows(cluster)
    reprocessed = kotan(env, "reprocess_pending", "--older-than", "0s").strip()
    after = count(cluster)

    print(facts)
    print(
        f"run: {args.api} JSON API, {args.odk} OpenRosa, {args.web} web form client threads; "
        f"{args.burst:g} s of new questionnaires, then {args.drain:g} s of retries; gunicorn "
        f"{args.workers} sync workers (timeout 30 s); PostgreSQL on {HOST}:{cluster.port}"
    )
    print()
    print("faults (seconds after the burst started):")
    for f in faults:
        notes = {k: v for k, v in f.notes.items() if k != "before"}
        print(f"  {f.at:6.1f}–{f.ended:6.1f}  {f.name}  {notes}")
    print()
    print("statuses of every request, by window (0: no answer: refused, reset or timed out):")
    for name, by_channel in window_statuses(logs, origin, faults, args.burst):
        print(f"  {name}:")
        for channel, statuses in sorted(by_channel.items()):
            print(f"    {channel}: {dict(sorted(statuses.items()))}")
    errors = sum((log_.errors for log_ in logs), Counter[str]())
    print(f"network errors: {dict(errors)}")
    print()
    before_health = faults[-1].notes.get("before", [])
    print(
        "/health/ before the freeze: "
        + ", ".join(f"{status} in {s:.2f} s" for _t, s, status in before_health)
    )
    freeze = faults[-1]
    print(f"/health/ during the freeze ({freeze.at:.1f}–{freeze.ended:.1f} s), once a second:")
    for sent, seconds, status in sorted(probe.samples):
        where = "frozen" if sent < freeze.ended else "thawed"
        print(f"  sent at {sent:6.1f} s ({where}): {status or 'no answer'} after {seconds:.2f} s")
    frozen = [(s, status) for sent, s, status in probe.samples if sent < freeze.ended]
    print(
        f"/health/ while frozen: {len(frozen)} probes; answered within 2 s: "
        f"{sum(1 for s, status in frozen if status and s <= 2)}; answered 503: "
        f"{sum(1 for _s, status in frozen if status == 503)}; no answer within 30 s: "
        f"{sum(1 for _s, status in frozen if not status)}; slowest answer "
        f"{max((s for s, status in frozen if status), default=0):.1f} s"
    )
    print()
    print(LEGEND)
    print_table("before reprocess_pending:", before)
    if stuck_before:
        print("stuck rows (status received):")
        for row in stuck_before:
            raw_id, channel, uid, received, receipted = row
            print(f"  raw #{raw_id} {channel} {uid} at {received:%H:%M:%S.%f}, receipt {receipted}")
    print(f"kotan reprocess_pending --older-than 0s: {reprocessed}")
    print()
    print_table("after reprocess_pending:", after)
    refusals = Counter(q.refusal[:100] for log_ in logs for q in log_.questionnaires if q.refusal)
    if refusals:
        print(f"questionnaires ended without a receipt: {dict(refusals)}")
    if hung:
        print(f"client threads still running at the end: {hung}")
    server_log = (base / "gunicorn.log").read_text(errors="replace")
    print(
        "gunicorn log: "
        + ", ".join(
            f"{needle!r} {server_log.count(needle)}"
            for needle in ("WORKER TIMEOUT", "was sent SIGKILL", "Traceback", "Booting worker")
        )
    )
    app_log = server.app_log.read_text(errors="replace")
    print(
        "Django log: "
        + ", ".join(
            f"{needle!r} {app_log.count(needle)}"
            for needle in ("database unavailable", "Internal Server Error", "Traceback")
        )
    )
    print(f"whole run: {time.monotonic() - began:.0f} s")

    totals = Counter[str]()
    for channel, counts in after.items():
        if channel != "database":
            totals.update(counts)
    failed = {
        "lost": totals["lost_raw"] + totals["lost_response"],
        "duplicated": totals["duplicates"],
        "wrong receipt": totals["wrong_receipt"],
        "stuck after reprocessing": after["database"]["received_rows"],
    }
    bad = {k: v for k, v in failed.items() if v}
    print("RESULT: " + ("FAILED " + str(bad) if bad else "0 lost, 0 duplicated, 0 stuck"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
