"""The submission payload: one JSON shape for every channel, checked without the database.

{"uuid": "…", "link": "<token>" | absent, "assignment": 12 | absent,
 "regency": "15.04" | absent, "period": 2026 | absent, "unit": "gov",
 "institution": "Kesbangpol …", "started_at": ISO-8601, "submitted_at": ISO-8601,
 "answers": {"MAS1_01": "3", "MAS1_02": "TT", …}}
"""

from __future__ import annotations

import hashlib
import json
import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from kotan.method.problems import Problem, register_messages

MAX_ANSWERS = 1000
STRAIGHT_LINE_MIN_ANSWERS = 8
FAST_SECONDS_PER_ITEM = 2.0
# The envelope is flat and answers one level below it: anything deeper is not a questionnaire.
MAX_DEPTH = 8
MAX_ID = 2**31 - 1  # database ids and durations are 32-bit integers on PostgreSQL
YEARS = (2000, 2100)
# A device clock may be off, but a questionnaire is not filled years ago or tomorrow.
TIME_PAST = timedelta(days=3 * 365)
TIME_FUTURE = timedelta(days=1)
MAX_DURATION_SECONDS = 31 * 24 * 3600  # longer than a month: not a filling time, not kept
MAX_SHOWN = 60  # characters of a sender's value repeated in a message

register_messages(
    {
        "submission.not_object": (
            "Kiriman harus berupa objek JSON.",
            "A submission must be a JSON object.",
        ),
        "submission.uuid": (
            "UUID kiriman tidak ada atau tidak valid.",
            "The submission UUID is missing or invalid.",
        ),
        "submission.field": (
            "Kolom '{field}' tidak ada atau tidak valid.",
            "Field '{field}' is missing or invalid.",
        ),
        "submission.context": (
            "Kiriman tidak menyebut tautan atau penugasan.",
            "The submission names no link and no assignment.",
        ),
        "submission.not_allowed": (
            "Akun Anda tidak berhak mengirim kuesioner tanpa tautan pengisian.",
            "Your account may not send questionnaires without a filling link.",
        ),
        "submission.link_unknown": (
            "Tautan pengisian tidak berlaku: tautan tidak dikenal.",
            "The filling link is not valid: unknown link.",
        ),
        "submission.link_inactive": (
            "Tautan pengisian tidak berlaku: tautan sudah dinonaktifkan.",
            "The filling link is not valid: the link has been deactivated.",
        ),
        "submission.link_expired": (
            "Tautan pengisian tidak berlaku: tautan sudah kedaluwarsa.",
            "The filling link is not valid: the link has expired.",
        ),
        "submission.link_used_up": (
            "Tautan pengisian tidak berlaku: tautan sudah dipakai sebanyak batasnya.",
            "The filling link is not valid: the link has reached its use limit.",
        ),
        "submission.link_unit": (
            "Tautan pengisian tidak berlaku: unit observasi tidak sesuai dengan tautan.",
            "The filling link is not valid: the observation unit does not match the link.",
        ),
        "submission.assignment": (
            "Penugasan tidak ditemukan atau di luar wilayah Anda.",
            "Assignment not found or outside your area.",
        ),
        "submission.closed": (
            "Pengisian untuk {regency} sudah ditutup (status: {status}).",
            "Filling for {regency} is closed (status: {status}).",
        ),
        "submission.unit": (
            "Unit observasi '{unit}' tidak ada dalam instrumen.",
            "Observation unit '{unit}' is not in the instrument.",
        ),
        "submission.item_unknown": (
            "Butir '{item}' tidak ada dalam instrumen.",
            "Item '{item}' is not in the instrument.",
        ),
        "submission.item_not_asked": (
            "Butir '{item}' tidak ditanyakan kepada unit '{unit}'.",
            "Item '{item}' is not asked of unit '{unit}'.",
        ),
        "submission.value": (
            "Jawaban '{value}' untuk butir '{item}' tidak dikenal (pilihan: {allowed}).",
            "Unknown answer '{value}' for item '{item}' (options: {allowed}).",
        ),
        "submission.empty": (
            "Belum ada jawaban yang diisi. Isi paling sedikit satu pertanyaan sebelum mengirim.",
            "No answer has been given. Answer at least one question before sending.",
        ),
        "submission.not_json": (
            "Isi kiriman bukan JSON yang sah (UTF-8, tanpa NaN atau Infinity); isi disimpan "
            "apa adanya untuk diperiksa operator.",
            "The body is not valid JSON (UTF-8, no NaN or Infinity); it is kept as sent for an "
            "operator to review.",
        ),
        "submission.too_deep": (
            "Kiriman bersarang terlalu dalam (lebih dari {depth} tingkat).",
            "The submission is nested too deeply (more than {depth} levels).",
        ),
        "submission.bad_text": (
            "Teks berisi karakter yang tidak dapat disimpan (karakter NUL atau setengah emoji).",
            "The text holds characters that cannot be stored (a NUL character or half an emoji).",
        ),
        "submission.number": (
            "Angka pada kolom '{field}' di luar batas ({low}–{high}).",
            "The number in field '{field}' is out of range ({low}–{high}).",
        ),
        "submission.time": (
            "Waktu pada kolom '{field}' tidak masuk akal ({value}): periksa tanggal dan jam "
            "perangkat.",
            "The time in field '{field}' is not plausible ({value}): check the device's date "
            "and clock.",
        ),
        "submission.too_large": (
            "Kiriman terlalu besar (paling banyak {limit} KB).",
            "The submission is too large (at most {limit} KB).",
        ),
        "auth.required": (
            "Sesi Anda sudah berakhir. Masuk lagi untuk mengirim; kuesioner tetap tersimpan.",
            "Your session has ended. Sign in again to send; the questionnaire is kept.",
        ),
        "submission.too_many": ("Terlalu banyak jawaban.", "Too many answers."),
        "submission.conflict": (
            "UUID ini sudah dipakai untuk kiriman dengan isi berbeda; kiriman disimpan untuk "
            "diperiksa operator.",
            "This UUID was already used for a submission with different content; the resend "
            "is kept for an operator to review.",
        ),
    }
)


def canonical_hash(payload: Any) -> str:
    """Hash of the payload as data (key order and spacing do not matter)."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def client_uuid(payload: Any) -> uuid.UUID | None:
    if not isinstance(payload, Mapping):
        return None
    try:
        return uuid.UUID(str(payload.get("uuid", "")))
    except ValueError:
        return None


def shown(value: Any) -> str:
    """A sender's value, cut to a length a message can repeat."""
    text = str(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def _bad_text(text: str) -> bool:
    return "\x00" in text or any("\ud800" <= c <= "\udfff" for c in text)


def unstorable(payload: Any) -> list[Problem]:
    """Why a decoded value cannot be stored as JSON in every database: a NUL character
    (PostgreSQL's jsonb refuses it), a lone surrogate (no UTF-8 form; ``JSON.stringify``
    makes one when a text was cut inside an emoji), NaN or Infinity (not JSON), nesting
    deeper than MAX_DEPTH. Walked without recursion, so any depth is answered."""
    problems: list[Problem] = []
    stack: list[tuple[Any, str, int]] = [(payload, "", 0)]
    while stack and len(problems) < 10:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            return [Problem("submission.too_deep", path, {"depth": MAX_DEPTH})]
        if isinstance(value, Mapping):
            for key, item in value.items():
                where = f"{path}.{shown(key)}" if path else shown(key)
                if isinstance(key, str) and _bad_text(key):
                    problems.append(Problem("submission.bad_text", where))
                stack.append((item, where, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value))
        elif isinstance(value, str) and _bad_text(value):
            problems.append(Problem("submission.bad_text", path))
        elif isinstance(value, float) and not math.isfinite(value):
            problems.append(Problem("submission.not_json", path))
    return problems


def _no_constants(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def decode_body(body: bytes) -> tuple[Any, list[Problem]]:
    """The JSON value of a request body, or the problems that keep it from being stored as
    JSON (the caller then keeps the bytes). Strict: UTF-8 only, no NaN or Infinity."""
    try:
        value = json.loads(body.decode("utf-8"), parse_constant=_no_constants)
    except RecursionError:
        return None, [Problem("submission.too_deep", "", {"depth": MAX_DEPTH})]
    except ValueError:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return None, [Problem("submission.not_json", "")]
    problems = unstorable(value)
    return (None, problems) if problems else (value, [])


def storable_bytes(payload: Any) -> bytes:
    """Bytes that represent any decoded value (lone surrogates escaped, NaN as written)."""
    try:
        return json.dumps(payload, ensure_ascii=True, default=str).encode("ascii")
    except (ValueError, RecursionError):
        return repr(payload)[:1_000_000].encode("ascii", "backslashreplace")


@dataclass(frozen=True)
class Envelope:
    uuid: uuid.UUID
    link: str | None
    assignment: int | None
    regency: str | None
    period: int | None
    unit: str
    institution: str
    started_at: datetime | None
    submitted_at: datetime | None
    answers: dict[str, str]


def _datetime(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _integer(
    payload: Mapping[str, Any], name: str, low: int, high: int
) -> tuple[int | None, list[Problem]]:
    value = payload.get(name)
    if value is None:
        return None, []
    if not isinstance(value, int) or isinstance(value, bool):
        return None, [Problem("submission.field", name, {"field": name})]
    if not low <= value <= high:
        return None, [Problem("submission.number", name, {"field": name, "low": low, "high": high})]
    return value, []


def _moment(
    payload: Mapping[str, Any], name: str, now: datetime
) -> tuple[datetime | None, list[Problem]]:
    given = payload.get(name)
    moment = _datetime(given)
    if moment is None:
        return None, []
    if not now - TIME_PAST <= moment <= now + TIME_FUTURE:
        return None, [Problem("submission.time", name, {"field": name, "value": shown(given)})]
    return moment, []


def parse_envelope(
    payload: Any, now: datetime | None = None
) -> tuple[Envelope | None, list[Problem]]:
    """Read the envelope; every problem is reported, none is fatal to storing the raw payload.

    ``now`` is when the payload was received: times are judged against it, so a payload
    parsed again later (a resend, ``reprocess_pending``) gets the same answer."""
    if now is None:
        now = datetime.now(UTC)
    if not isinstance(payload, Mapping):
        return None, [Problem("submission.not_object", "")]
    problems: list[Problem] = []
    uid = client_uuid(payload)
    if uid is None:
        problems.append(Problem("submission.uuid", "uuid"))
    unit = payload.get("unit")
    if not isinstance(unit, str) or not unit:
        problems.append(Problem("submission.field", "unit", {"field": "unit"}))
    raw_answers = payload.get("answers")
    if not isinstance(raw_answers, Mapping):
        problems.append(Problem("submission.field", "answers", {"field": "answers"}))
        raw_answers = {}
    if len(raw_answers) > MAX_ANSWERS:
        problems.append(Problem("submission.too_many", "answers"))
    answers = {
        str(k): ("" if v is None else str(v)).strip()
        for k, v in list(raw_answers.items())[:MAX_ANSWERS]
    }
    assignment, found = _integer(payload, "assignment", 1, MAX_ID)
    problems += found
    period, found = _integer(payload, "period", *YEARS)
    problems += found
    link = payload.get("link")
    regency = payload.get("regency")
    for name in ("link", "regency", "institution"):
        if payload.get(name) is not None and not isinstance(payload.get(name), str):
            problems.append(Problem("submission.field", name, {"field": name}))
    if not link and assignment is None and not (regency and period):
        problems.append(Problem("submission.context", ""))
    submitted_at, found = _moment(payload, "submitted_at", now)
    problems += found
    if payload.get("submitted_at") and submitted_at is None and not found:
        problems.append(Problem("submission.field", "submitted_at", {"field": "submitted_at"}))
    started_at, found = _moment(payload, "started_at", now)
    problems += found
    if problems or uid is None:
        return None, problems
    return (
        Envelope(
            uuid=uid,
            link=str(link) if link else None,
            assignment=assignment,
            regency=str(regency) if regency else None,
            period=period,
            unit=str(unit),
            institution=str(payload.get("institution") or "")[:200],
            started_at=started_at,
            submitted_at=submitted_at,
            answers={k: v for k, v in answers.items() if v},
        ),
        [],
    )


@dataclass(frozen=True)
class ItemRule:
    item_id: int
    units: frozenset[str]


@dataclass(frozen=True)
class InstrumentRules:
    """What a valid answer set looks like for one (immutable) instrument."""

    items: Mapping[str, ItemRule]
    options: Mapping[str, float | None]  # option code → score (None: tidak tahu)
    units: frozenset[str]
    unit_ids: Mapping[str, int] = field(default_factory=dict)  # unit code → database id


def check_answers(
    answers: Mapping[str, str], unit: str, rules: InstrumentRules
) -> tuple[dict[str, tuple[int, str, float | None]], list[Problem]]:
    """Answers as item code → (item id, option code, score); every problem reported."""
    problems: list[Problem] = []
    if unit not in rules.units:
        return {}, [Problem("submission.unit", "unit", {"unit": unit})]
    allowed = ", ".join(rules.options)
    checked: dict[str, tuple[int, str, float | None]] = {}
    for code, value in answers.items():
        rule = rules.items.get(code)
        if rule is None:
            problems.append(Problem("submission.item_unknown", shown(code), {"item": shown(code)}))
        elif unit not in rule.units:
            problems.append(
                Problem("submission.item_not_asked", code, {"item": code, "unit": unit})
            )
        elif value not in rules.options:
            problems.append(
                Problem(
                    "submission.value",
                    code,
                    {"item": code, "value": shown(value), "allowed": allowed},
                )
            )
        else:
            checked[code] = (rule.item_id, value, rules.options[value])
    if not answers and not problems:
        problems.append(Problem("submission.empty", "answers"))
    return checked, problems


def quality_flags(scores: list[float | None], duration_seconds: int | None) -> list[str]:
    """Flags an operator should look at; they never reject a submission by themselves."""
    flags = []
    given = [s for s in scores if s is not None]
    if len(given) >= STRAIGHT_LINE_MIN_ANSWERS and len(set(given)) == 1:
        flags.append("straight_lining")
    if (
        duration_seconds is not None
        and scores
        and (duration_seconds < FAST_SECONDS_PER_ITEM * len(scores))
    ):
        flags.append("too_fast")
    return flags
