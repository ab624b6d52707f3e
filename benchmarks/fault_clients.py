"""The clients of `benchmarks/fault.py`: threads that send questionnaires to 127.0.0.1 only.

Three kinds, one per channel, each behaving like a device that must not lose a questionnaire:

- ``api``: POST /api/v1/submissions/ (JSON, anonymous through a respondent link);
- ``odk``: POST /odk/submission (multipart, the XForm instance, HTTP Basic as an enumerator);
- ``web``: the questionnaire pages of a link (GET and POST every section, the review page,
  then the receipt page), with its cookies, as a browser does.

Every failure (no connection, a reset, a timeout, 5xx, 429) is retried with the same body, so
the same client UUID (OpenRosa: the same instanceID; web: the same draft and its cookie) until
the server gives a receipt or the run's retry deadline passes. Every questionnaire and its
outcome is recorded. Standard library only.
"""

from __future__ import annotations

import base64
import html.parser
import http.client
import json
import random
import re
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TypeVar
from urllib.parse import urlencode, urlsplit

HOST = "127.0.0.1"  # never anything else: these clients must not leave the machine
REQUEST_TIMEOUT = 45.0  # longer than gunicorn's 30 s worker timeout: the server decides
RECEIPT = re.compile(r"KTN-[0-9A-F]{10}")
XF = "{http://www.w3.org/2002/xforms}"
ODK_FIELDS = ("start", "end", "regency", "institution")
OPTIONS = ("1", "2", "3", "4", "TT")
T = TypeVar("T")


@dataclass
class Questionnaire:
    """One questionnaire a client set out to send, and what became of it."""

    channel: str
    uuid: str  # the client UUID (web: the draft key when it was sent)
    started: float  # monotonic time of the first attempt
    receipt: str = ""
    status: int = 0  # the answer that ended it: 201/200 with a receipt, or a refusal
    attempts: int = 0
    refusal: str = ""  # a final answer without a receipt (4xx other than 429)
    uuids: set[str] = field(default_factory=set)  # web: every key the draft had


@dataclass
class ClientLog:
    channel: str
    questionnaires: list[Questionnaire] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)  # 0: no answer (network error)
    events: list[tuple[float, int]] = field(default_factory=list)  # (monotonic end, status)
    errors: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class Plan:
    port: int
    links: Sequence[str]  # respondent link tokens of the ``gov`` unit
    answer_pool: Sequence[dict[str, str]]
    send_until: float  # monotonic: no new questionnaire after this
    retry_until: float  # monotonic: give up retrying after this
    think: float  # seconds between two questionnaires of one client
    odk_user: str = ""
    odk_password: str = ""
    odk_xform: str = ""
    odk_regency: str = ""
    seed: int = 1


class Retry(Exception):
    """This attempt failed in a way a device retries (no answer, 5xx, 429)."""

    def __init__(self, wait: float = 0.0) -> None:
        super().__init__()
        self.wait = wait


class Refused(Exception):
    """A final answer: retrying the same body cannot change it."""


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def request(
    plan: Plan, log: ClientLog, method: str, path: str, body: bytes | None, headers: dict[str, str]
) -> Answer:
    """One HTTP request on a new connection (gunicorn's sync workers close after each)."""
    conn = http.client.HTTPConnection(HOST, plan.port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        answer = Answer(response.status, response.headers, response.read())
    except (OSError, http.client.HTTPException) as exc:
        log.statuses[0] += 1
        log.events.append((time.monotonic(), 0))
        log.errors[type(exc).__name__] += 1
        raise Retry() from exc
    finally:
        conn.close()
    log.statuses[answer.status] += 1
    log.events.append((time.monotonic(), answer.status))
    if answer.status >= 500:
        raise Retry()
    if answer.status == 429:
        raise Retry(min(float(answer.headers.get("Retry-After") or 1), 2.0))
    return answer


def until_answered(plan: Plan, q: Questionnaire | None, attempt: Callable[[], T]) -> T:
    """Run ``attempt`` until it does not raise Retry, with a short backoff; Refused (and
    TimeoutError once the retry deadline has passed) end the questionnaire."""
    delay = 0.2
    while True:
        if q is not None:
            q.attempts += 1
        try:
            return attempt()
        except Retry as retry:
            wait = max(retry.wait, delay)
        if time.monotonic() + wait > plan.retry_until:
            raise TimeoutError
        time.sleep(wait)
        delay = min(delay * 2, 2.0)


def _now_pair(rng: random.Random) -> tuple[str, str]:
    now = datetime.now(UTC)
    return (now - timedelta(minutes=rng.randint(8, 30))).isoformat(), now.isoformat()


# --- JSON API -----------------------------------------------------------------------------------


def api_client(plan: Plan, index: int, log: ClientLog) -> None:
    rng = random.Random(plan.seed * 1_000_003 + index)  # noqa: S311 - load shape, not secrets
    serial = 0
    while time.monotonic() < plan.send_until:
        serial += 1
        uid = str(uuid.uuid4())
        started_at, submitted_at = _now_pair(rng)
        payload = {
            "uuid": uid,
            "link": plan.links[rng.randrange(len(plan.links))],
            "unit": "gov",
            "institution": f"Instansi uji gangguan {index}-{serial}",
            "started_at": started_at,
            "submitted_at": submitted_at,
            "answers": plan.answer_pool[rng.randrange(len(plan.answer_pool))],
        }
        body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
        q = Questionnaire("api", uid, time.monotonic(), uuids={uid})
        log.questionnaires.append(q)

        def attempt(body: bytes = body) -> tuple[int, str]:
            answer = request(
                plan,
                log,
                "POST",
                "/api/v1/submissions/",
                body,
                {"Content-Type": "application/json", "Accept": "application/json"},
            )
            try:
                data = json.loads(answer.body)
            except ValueError:
                data = {}
            if answer.status in (200, 201):
                return answer.status, str(data.get("receipt", ""))
            raise Refused(f"{answer.status} {data.get('code', answer.text[:80])}")

        _finish(plan, q, attempt)
        time.sleep(plan.think)


def _finish(plan: Plan, q: Questionnaire, attempt: Callable[[], tuple[int, str]]) -> None:
    try:
        q.status, q.receipt = until_answered(plan, q, attempt)
    except Refused as refused:
        q.refusal = str(refused)
    except TimeoutError:
        q.refusal = "no answer before the retry deadline"


# --- OpenRosa -----------------------------------------------------------------------------------


def odk_instance(xform: str, values: dict[str, str], instance_id: str, rng: random.Random) -> bytes:
    """The instance Collect sends: the form's primary instance filled in, the form id and
    version on the root, meta/instanceID ``uuid:…``; every item answered at random."""
    root = ET.fromstring(xform)  # noqa: S314 - our own server's form, fetched over loopback
    model = root.find(f".//{XF}model")
    assert model is not None
    data = model.find(f"{XF}instance")[0]  # type: ignore[index]
    for element in data.iter():
        element.tag = element.tag.removeprefix(XF)
    for child in data:
        if child.tag == "meta":
            continue
        for leaf in child.iter():
            if len(leaf) == 0:
                leaf.text = values.get(leaf.tag, rng.choice(OPTIONS))
    meta = data.find("meta/instanceID")
    assert meta is not None
    meta.text = f"uuid:{instance_id}"
    data.set("xmlns:jr", "http://openrosa.org/javarosa")
    data.set("xmlns:orx", "http://openrosa.org/xforms")
    return b"<?xml version='1.0' ?>" + ET.tostring(data, encoding="utf-8")


def multipart(xml: bytes) -> tuple[bytes, str]:
    boundary = "kotan" + uuid.uuid4().hex
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="xml_submission_file"; filename="i.xml"\r\n'
            "Content-Type: text/xml\r\n\r\n"
        ).encode()
        + xml
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def odk_client(plan: Plan, index: int, log: ClientLog) -> None:
    rng = random.Random(plan.seed * 2_000_003 + index)  # noqa: S311
    credentials = base64.b64encode(f"{plan.odk_user}:{plan.odk_password}".encode()).decode()
    serial = 0
    while time.monotonic() < plan.send_until:
        serial += 1
        uid = str(uuid.uuid4())
        started_at, submitted_at = _now_pair(rng)
        values = {
            "start": started_at,
            "end": submitted_at,
            "regency": plan.odk_regency,
            "institution": f"Instansi Collect {index}-{serial}",
        }
        body, content_type = multipart(odk_instance(plan.odk_xform, values, uid, rng))
        headers = {
            "Content-Type": content_type,
            "Authorization": f"Basic {credentials}",
            "X-OpenRosa-Version": "1.0",
        }
        q = Questionnaire("odk", uid, time.monotonic(), uuids={uid})
        log.questionnaires.append(q)

        def attempt(body: bytes = body, headers: dict[str, str] = headers) -> tuple[int, str]:
            answer = request(plan, log, "POST", "/odk/submission", body, headers)
            found = RECEIPT.search(answer.text)
            if answer.status == 201 and found:
                return 201, found.group(0)
            raise Refused(f"{answer.status} {answer.text[-160:]}")

        _finish(plan, q, attempt)
        time.sleep(plan.think)


# --- the web form -------------------------------------------------------------------------------


@dataclass
class PostForm:
    action: str
    fields: dict[str, str] = field(default_factory=dict)  # hidden and text inputs
    radios: dict[str, list[str]] = field(default_factory=dict)  # name → option values


class _Forms(html.parser.HTMLParser):
    """The POST forms of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[PostForm] = []
        self._current: PostForm | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._current = PostForm(a.get("action", ""))
            self.forms.append(self._current)
        elif tag == "input" and self._current is not None and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind == "radio":
                self._current.radios.setdefault(a["name"], []).append(a.get("value", ""))
            elif kind in ("hidden", "text"):
                self._current.fields[a["name"]] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def _post_forms(page: str) -> list[PostForm]:
    parser = _Forms()
    parser.feed(page)
    return parser.forms


class Browser:
    """A cookie jar and the requests of one respondent's browser."""

    def __init__(self, plan: Plan, log: ClientLog) -> None:
        self.plan, self.log = plan, log
        self.cookies: dict[str, str] = {}

    def _send(self, method: str, path: str, data: dict[str, str] | None = None) -> Answer:
        headers = {"Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        answer = request(self.plan, self.log, method, path, body, headers)
        for line in answer.headers.get_all("Set-Cookie") or []:
            name, _sep, rest = line.partition("=")
            value = rest.split(";", 1)[0].strip().strip('"')
            if "max-age=0" in line.lower() or not value:
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        return answer

    def get(self, path: str) -> Answer:
        answer = self._send("GET", path)
        if answer.status != 200:
            raise Refused(f"GET {path}: {answer.status}")
        return answer

    def post(self, path: str, data: dict[str, str]) -> str:
        """POST a form; the answer must be a redirect, whose target is returned."""
        answer = self._send("POST", path, data)
        if answer.status not in (301, 302, 303):
            raise Refused(f"POST {path}: {answer.status} {answer.text[:120]!r}")
        target = urlsplit(answer.headers.get("Location", ""))
        return f"{target.path}?{target.query}" if target.query else target.path

    def draft_key(self) -> str:
        for name, value in self.cookies.items():
            if name.startswith("kotan_draf_"):
                return value.split(":", 1)[0]
        return ""


def web_questionnaire(plan: Plan, rng: random.Random, log: ClientLog) -> None:
    browser = Browser(plan, log)
    token = plan.links[rng.randrange(len(plan.links))]
    base = f"/isi/{token}/"
    q = Questionnaire("web", "", time.monotonic())
    log.questionnaires.append(q)
    try:
        path = base
        for _section in range(100):  # bounded: a questionnaire has a dozen sections
            page = until_answered(plan, q, partial(browser.get, path)).text
            if "/periksa/" in path:
                break
            form = next(f for f in _post_forms(page) if "bagian" in f.fields)
            data = dict(form.fields)
            data.update({name: rng.choice(values) for name, values in form.radios.items()})
            data["aksi"] = "lanjut"
            path = until_answered(plan, q, partial(browser.post, form.action or path, data))
        review = next(f for f in _post_forms(page) if "periksa" in f.action)
        q.uuid = browser.draft_key()
        q.uuids.add(q.uuid)
        target = until_answered(plan, q, partial(browser.post, review.action, review.fields))
        if "tanda-terima" not in target:
            raise Refused(f"review answered with {target}")
        receipt_page = until_answered(plan, q, partial(browser.get, target)).text
        key = browser.draft_key()
        if key and key != q.uuid:  # a refused draft gets a new key before it is sent again
            q.uuids.add(key)
            q.uuid = key
        found = RECEIPT.search(receipt_page)
        if found is None:
            raise Refused("receipt page without a receipt number")
        q.status, q.receipt = 201, found.group(0)
    except Refused as refused:
        q.refusal = str(refused)
    except TimeoutError:
        q.refusal = "no answer before the retry deadline"
    except StopIteration:
        q.refusal = "page without the expected form"


def web_client(plan: Plan, index: int, log: ClientLog) -> None:
    rng = random.Random(plan.seed * 3_000_003 + index)  # noqa: S311
    while time.monotonic() < plan.send_until:
        web_questionnaire(plan, rng, log)
        time.sleep(plan.think)


CLIENTS: dict[str, Callable[[Plan, int, ClientLog], None]] = {
    "api": api_client,
    "odk": odk_client,
    "web": web_client,
}


def start_clients(
    plan: Plan, counts: dict[str, int]
) -> tuple[list[threading.Thread], list[ClientLog]]:
    threads, logs = [], []
    for channel, count in counts.items():
        for i in range(count):
            log = ClientLog(channel)
            logs.append(log)
            threads.append(
                threading.Thread(
                    target=CLIENTS[channel], args=(plan, i, log), daemon=True, name=f"{channel}{i}"
                )
            )
    for t in threads:
        t.start()
    return threads, logs
