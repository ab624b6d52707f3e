"""The load client of `benchmarks/ingest.py`: threads that POST submissions to 127.0.0.1 only.

Each client thread keeps one HTTP/1.1 connection (reopened when the server closes it, as
gunicorn's sync workers do after every response) and sends payloads with fresh UUIDs until
the time is up. A share of the sends is repeated at once with the same body, like a device
that lost the answer; the resend must get 200 and the first receipt. Standard library only.
"""

from __future__ import annotations

import http.client
import json
import random
import statistics
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

HOST = "127.0.0.1"  # never anything else: this client must not leave the machine
PATH = "/api/v1/submissions/"
NETWORK_ATTEMPTS = 3  # a device resends after a network error; so do we


@dataclass(frozen=True)
class Sample:
    finished: float  # perf_counter at the end of the request
    seconds: float
    status: int  # 0: network error
    resend: bool  # True: a deliberate resend (the "10 % retried")


class _Connection(http.client.HTTPConnection):
    """Counts its (re)connections: gunicorn's sync workers close after every response."""

    opened = 0

    def connect(self) -> None:
        self.opened += 1
        super().connect()


@dataclass
class ClientLog:
    samples: list[Sample] = field(default_factory=list)
    connections: int = 0
    receipts: dict[str, str] = field(default_factory=dict)  # uuid → receipt of the first 201
    sent: set[str] = field(default_factory=set)  # every UUID that left this client
    resend_mismatch: int = 0  # resends not answered 200 with the first receipt
    errors: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class LoadPlan:
    port: int
    links: Sequence[str]  # respondent link tokens, one per regency
    unit: str
    answer_pool: Sequence[dict[str, str]]
    clients: int
    warmup: float
    seconds: float
    resend_share: float
    seed: int = 1


@dataclass
class LoadReport:
    plan: LoadPlan
    window_start: float
    window_end: float
    logs: list[ClientLog]

    @property
    def samples(self) -> list[Sample]:
        return [s for log in self.logs for s in log.samples]

    def measured(self) -> list[Sample]:
        return [s for s in self.samples if self.window_start <= s.finished <= self.window_end]

    @property
    def sent_uuids(self) -> set[str]:
        return set().union(*(log.sent for log in self.logs))

    @property
    def receipts(self) -> dict[str, str]:
        return {k: v for log in self.logs for k, v in log.receipts.items()}


def _body(plan: LoadPlan, rng: random.Random, serial: int) -> tuple[str, bytes]:
    uid = str(uuid.uuid4())  # random, as a device makes it; never repeated across runs
    now = datetime.now(UTC)
    payload = {
        "uuid": uid,
        "link": plan.links[rng.randrange(len(plan.links))],
        "unit": plan.unit,
        "institution": f"Instansi beban {serial}",
        "started_at": (now - timedelta(minutes=rng.randint(8, 30))).isoformat(),
        "submitted_at": now.isoformat(),
        "answers": plan.answer_pool[rng.randrange(len(plan.answer_pool))],
    }
    return uid, json.dumps(payload, separators=(",", ":")).encode("utf-8")


def _post(conn: http.client.HTTPConnection, body: bytes) -> tuple[int, dict[str, object]]:
    conn.request("POST", PATH, body=body, headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    data = response.read()
    try:
        parsed = json.loads(data) if data else {}
    except ValueError:
        parsed = {}
    return response.status, parsed if isinstance(parsed, dict) else {}


def _client(plan: LoadPlan, index: int, stop_at: float, log: ClientLog) -> None:
    rng = random.Random(plan.seed * 1_000_003 + index)  # noqa: S311 - load shape, not secrets
    conn = _Connection(HOST, plan.port, timeout=30)
    serial = 0

    def send(body: bytes, resend: bool) -> tuple[int, dict[str, object]]:
        for _attempt in range(NETWORK_ATTEMPTS):
            started = time.perf_counter()
            try:
                status, data = _post(conn, body)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                log.errors[type(exc).__name__] += 1
                log.samples.append(Sample(time.perf_counter(), 0.0, 0, resend))
                continue
            finished = time.perf_counter()
            log.samples.append(Sample(finished, finished - started, status, resend))
            return status, data
        return 0, {}

    try:
        while time.perf_counter() < stop_at:
            serial += 1
            uid, body = _body(plan, rng, index * 10_000_000 + serial)
            log.sent.add(uid)
            status, data = send(body, resend=False)
            receipt = str(data.get("receipt", ""))
            if status == 201:
                log.receipts[uid] = receipt
            if rng.random() < plan.resend_share:
                again, again_data = send(body, resend=True)
                expected = log.receipts.get(uid)
                if again != 200 or (expected and again_data.get("receipt") != expected):
                    log.resend_mismatch += 1
    finally:
        conn.close()
        log.connections = conn.opened


def run_load(
    plan: LoadPlan,
    at_window_start: Callable[[], None] | None = None,
    at_window_end: Callable[[], None] | None = None,
) -> LoadReport:
    """Warm up, then measure for ``plan.seconds``; every thread stops by itself.

    The callbacks run in the calling thread when the measured window opens and closes.
    """
    logs = [ClientLog() for _ in range(plan.clients)]
    started = time.perf_counter()
    window_start = started + plan.warmup
    window_end = window_start + plan.seconds
    threads = [
        threading.Thread(target=_client, args=(plan, i, window_end, logs[i]), daemon=True)
        for i in range(plan.clients)
    ]
    for t in threads:
        t.start()
    for moment, callback in ((window_start, at_window_start), (window_end, at_window_end)):
        time.sleep(max(0.0, moment - time.perf_counter()))
        if callback is not None:
            callback()
    for t in threads:
        t.join()
    return LoadReport(plan, window_start, window_end, logs)


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0..1) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def summarise(report: LoadReport) -> dict[str, object]:
    """Throughput and latency over the measured window (warm-up and the tail left out)."""
    measured = report.measured()
    seconds = report.window_end - report.window_start
    new = [s.seconds for s in measured if not s.resend and s.status == 201]
    resends = [s.seconds for s in measured if s.resend and s.status == 200]
    answered = [s.seconds for s in measured if s.status]
    statuses = Counter(s.status for s in report.samples)
    out: dict[str, object] = {
        "seconds": seconds,
        "accepted_per_s": len(new) / seconds,
        "requests_per_s": len(answered) / seconds,
        "new_in_window": len(new),
        "resends_in_window": len(resends),
        "statuses_all": dict(sorted(statuses.items())),
        "network_errors": dict(sum((log.errors for log in report.logs), Counter())),
        "resend_mismatch": sum(log.resend_mismatch for log in report.logs),
        "sends_total": sum(1 for s in report.samples if not s.resend),
        "resends_total": sum(1 for s in report.samples if s.resend),
        "connections_opened": sum(log.connections for log in report.logs),
    }
    for name, values in (("all", answered), ("new", new), ("resend", resends)):
        if values:
            out[f"{name}_ms"] = {
                "p50": percentile(values, 0.50) * 1000,
                "p95": percentile(values, 0.95) * 1000,
                "p99": percentile(values, 0.99) * 1000,
                "mean": statistics.fmean(values) * 1000,
                "max": max(values) * 1000,
            }
    return out
