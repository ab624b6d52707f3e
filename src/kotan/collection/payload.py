"""The submission payload: one JSON shape for every channel, checked without the database.

{"uuid": "…", "link": "<token>" | absent, "assignment": 12 | absent,
 "regency": "15.04" | absent, "period": 2026 | absent, "unit": "gov",
 "institution": "Kesbangpol …", "started_at": ISO-8601, "submitted_at": ISO-8601,
 "answers": {"MAS1_01": "3", "MAS1_02": "TT", …}}
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kotan.core.problems import Problem, register_messages

MAX_ANSWERS = 1000
STRAIGHT_LINE_MIN_ANSWERS = 8
FAST_SECONDS_PER_ITEM = 2.0

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
        "submission.empty": ("Belum ada jawaban yang diisi.", "No answer has been given."),
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


def parse_envelope(payload: Any) -> tuple[Envelope | None, list[Problem]]:
    """Read the envelope; every problem is reported, none is fatal to storing the raw payload."""
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
    assignment = payload.get("assignment")
    if assignment is not None and not (
        isinstance(assignment, int) and not isinstance(assignment, bool)
    ):
        problems.append(Problem("submission.field", "assignment", {"field": "assignment"}))
        assignment = None
    period = payload.get("period")
    if period is not None and not (isinstance(period, int) and not isinstance(period, bool)):
        problems.append(Problem("submission.field", "period", {"field": "period"}))
        period = None
    link = payload.get("link")
    regency = payload.get("regency")
    if not link and assignment is None and not (regency and period):
        problems.append(Problem("submission.context", ""))
    submitted_at = _datetime(payload.get("submitted_at"))
    if payload.get("submitted_at") and submitted_at is None:
        problems.append(Problem("submission.field", "submitted_at", {"field": "submitted_at"}))
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
            started_at=_datetime(payload.get("started_at")),
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
            problems.append(Problem("submission.item_unknown", code, {"item": code}))
        elif unit not in rule.units:
            problems.append(
                Problem("submission.item_not_asked", code, {"item": code, "unit": unit})
            )
        elif value not in rules.options:
            problems.append(
                Problem(
                    "submission.value", code, {"item": code, "value": value, "allowed": allowed}
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
