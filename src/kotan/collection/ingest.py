"""One way in for every submission: store the raw payload, then parse it into a response.

Every channel (API, web form, offline outbox, ODK, Excel, paper via the desk) calls
``ingest_submission``; ``reprocess_pending`` finishes rows a dead process left half done.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.db import IntegrityError, connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from kotan.accounts.models import Role, User
from kotan.accounts.permissions import Capability, has_capability
from kotan.accounts.scoping import scope_queryset
from kotan.collection.models import (
    Answer,
    Assignment,
    Channel,
    Period,
    RawSubmission,
    RespondentLink,
    Response,
)
from kotan.collection.payload import (
    MAX_DURATION_SECONDS,
    Envelope,
    InstrumentRules,
    ItemRule,
    canonical_hash,
    check_answers,
    client_uuid,
    decode_body,
    parse_envelope,
    quality_flags,
    storable_bytes,
    unstorable,
)
from kotan.instruments.models import Instrument, Item
from kotan.method.problems import Problem

# --- ingestion ------------------------------------------------------------------------------


# Refusals whose cause can go away (a session, an area, a reopened assignment): an identical
# resend is validated again instead of being answered from the stored refusal.
CHANGEABLE = frozenset(
    {"auth.required", "submission.assignment", "submission.not_allowed", "submission.closed"}
)
# What is kept of a body that anonymous senders cannot store as JSON (documented limit).
KEEP_BYTES_ANONYMOUS = 64 * 1024


@dataclass(frozen=True)
class IngestResult:
    """What the sender is told. ``status`` is an HTTP status: 201 new, 200 same as before,
    409 conflicting resend (kept), 422 invalid (kept with its problems), 401 a session is
    needed (kept; sent again after signing in, it is validated again), 400 not JSON (kept
    as bytes)."""

    status: int
    receipt_number: str
    problems: list[Problem] = field(default_factory=list)
    response_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.status in (200, 201)


def period_rules(period: Period) -> InstrumentRules:
    """Validation rules of a period's instrument, cached per process.

    A period only ever takes a published instrument (``open_period``), which cannot change.
    The key carries the period's creation time, so a database where ids are reused (tests,
    restores) can never be served another period's rules.
    """
    return _period_rules(period.pk, period.created_at, period.instrument_id)


@lru_cache(maxsize=32)
def _period_rules(period_id: int, created_at: datetime, instrument_id: int) -> InstrumentRules:
    instrument = Instrument.objects.get(pk=instrument_id)
    items = {
        item.code: ItemRule(item.pk, frozenset(u.code for u in item.units.all()))
        for item in Item.objects.filter(instrument=instrument).prefetch_related("units")
    }
    unit_ids = dict(instrument.units.values_list("code", "pk"))
    return InstrumentRules(
        unit_ids=unit_ids,
        items=items,
        options={o.code: o.score for o in instrument.options.all()},
        units=frozenset(unit_ids),
    )


def _new_receipt() -> str:
    return "KTN-" + secrets.token_hex(5).upper()


def _refusal_status(problems: list[Problem]) -> int:
    codes = {p.code for p in problems}
    if "auth.required" in codes:
        return 401
    if "submission.too_large" in codes:
        return 413
    return 400 if "submission.not_json" in codes else 422


def _changeable(raw: RawSubmission) -> bool:
    return (
        raw.status == RawSubmission.Status.INVALID
        and bool(raw.errors)
        and all(p.get("code") in CHANGEABLE for p in raw.errors)
    )


def _result_for(raw: RawSubmission, resend: bool) -> IngestResult:
    if raw.status == RawSubmission.Status.INVALID:
        problems = [
            Problem(p["code"], p.get("location", ""), p.get("params", {})) for p in raw.errors
        ]
        return IngestResult(_refusal_status(problems), raw.receipt_number, problems)
    response_id = Response.objects.filter(raw=raw).values_list("pk", flat=True).first()
    return IngestResult(200 if resend else 201, raw.receipt_number, [], response_id)


def _store_raw(payload: Any, channel: str, user: User | None) -> tuple[RawSubmission, bool]:
    """Store the payload before anything else (its own transaction). Returns (raw, is_new).

    Insert first, look up only when the UUID is taken: new submissions are the common case.
    """
    uid = client_uuid(payload)
    digest = canonical_hash(payload)
    # Outside a transaction the INSERT commits on its own (no BEGIN/COMMIT round trips);
    # inside one (an import of many rows) a savepoint keeps a taken UUID from breaking it.
    guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with guard:
            raw = RawSubmission.objects.create(
                # Without a usable UUID the payload is still kept, under a server UUID.
                client_uuid=uid or uuid.uuid4(),
                payload=payload,
                payload_hash=digest,
                channel=channel,
                receipt_number=_new_receipt(),
                submitted_by=user,
            )
        return raw, True
    except IntegrityError:
        existing = (
            RawSubmission.objects.filter(client_uuid=uid).exclude(status="conflict").first()
            if uid is not None
            else None
        )
        if uid is None or existing is None:  # a receipt number collided (rare): retry
            return _store_raw(payload, channel, user)
    # A signed-in sender who could not see the first submission learns nothing of it (not even
    # its receipt) and attaches nothing to its region: the resend is kept as a conflict of its
    # own. Link senders are anonymous; an identical payload already carries the link itself.
    visible = (
        user is None
        or existing.assignment_id is None
        or scope_queryset(user, Assignment.objects.filter(pk=existing.assignment_id)).exists()
    )
    if existing.payload_hash == digest and visible:
        return existing, False
    conflict = RawSubmission.objects.create(
        client_uuid=uid,
        payload=payload,
        payload_hash=digest,
        channel=channel,
        status=RawSubmission.Status.CONFLICT,
        receipt_number=_new_receipt(),
        submitted_by=user,
        assignment=existing.assignment if visible else None,
    )
    return conflict, False


def _named_assignment(envelope: Envelope) -> Assignment | None:
    """The assignment a payload names, whoever sent it: where a refusal is filed, so the
    operators of that region see it on their desk (not a permission to send there)."""
    named = Assignment.objects.select_related("period", "regency")
    if envelope.assignment is not None:
        return named.filter(pk=envelope.assignment).first()
    if envelope.period is not None and envelope.regency:
        return named.filter(period__year=envelope.period, regency__code=envelope.regency).first()
    return None


def _resolve_assignment(
    envelope: Envelope, user: User | None
) -> tuple[Assignment | None, RespondentLink | None, list[Problem]]:
    """(assignment, link, problems). With problems, the assignment is the one the payload
    names for certain (the link's, or the assignment given), or None."""
    if envelope.link:
        try:  # get(), not first(): a token is unique, no ORDER BY to build and run
            link = RespondentLink.objects.select_related("assignment__period", "unit").get(
                token=envelope.link
            )
        except RespondentLink.DoesNotExist:
            link = None
        if link is None:
            reason: str | None = "unknown"
        else:
            reason = link.unavailable_reason()
            if reason is None and link.unit.code != envelope.unit:
                reason = "unit"
        if reason is not None or link is None:
            named = link.assignment if link is not None else None
            return named, None, [Problem(f"submission.link_{reason}", "link")]
        return link.assignment, link, []
    assignments: QuerySet[Assignment] = Assignment.objects.select_related("period", "regency")
    if user is None:
        # Kept and answered 401: the device keeps it and sends it again after signing in.
        return _named_assignment(envelope), None, [Problem("auth.required", "")]
    if not has_capability(user, Capability.FILL_QUESTIONNAIRE):
        # Viewers and focal points answer through a link, never straight to an assignment.
        return _named_assignment(envelope), None, [Problem("submission.not_allowed", "")]
    assignments = scope_queryset(user, assignments)
    if envelope.assignment is not None:
        found = assignments.filter(pk=envelope.assignment).first()
    elif envelope.period is None:
        found = None
    else:
        found = assignments.filter(
            period__year=envelope.period, regency__code=envelope.regency
        ).first()
    if found is None:
        return _named_assignment(envelope), None, [Problem("submission.assignment", "assignment")]
    return found, None, []


def _parse_and_store(
    raw: RawSubmission, user: User | None, claim: str = RawSubmission.Status.RECEIVED
) -> IngestResult:
    """Turn a stored raw payload into a response, or keep it as invalid with its problems.

    ``claim`` is the status the row must still have: ``received`` for a new row, ``invalid``
    for a refusal validated again (only one of concurrent resends can accept it)."""
    envelope, problems = parse_envelope(raw.payload, now=raw.received_at)
    assignment = link = None
    checked: dict[str, tuple[int, str, float | None]] = {}
    if envelope is not None:
        assignment, link, problems = _resolve_assignment(envelope, user)
    if envelope is not None and assignment is not None and not problems:
        if not assignment.accepts_responses:
            problems = [
                Problem(
                    "submission.closed",
                    "",
                    {"regency": assignment.regency.name, "status": assignment.get_status_display()},
                )
            ]
        else:
            rules = period_rules(assignment.period)
            checked, problems = check_answers(envelope.answers, envelope.unit, rules)
    with transaction.atomic():
        # Claim the raw row: one guarded UPDATE locks it and records the outcome. Zero rows
        # means another worker processed it meanwhile; an error below rolls the claim back.
        stored = RawSubmission.objects.filter(pk=raw.pk, status=claim)
        if not problems and envelope is not None and assignment is not None:
            sender = {"submitted_by": user} if raw.submitted_by_id is None and user else {}
            if not stored.update(
                assignment=assignment, processed_at=timezone.now(), status="accepted", **sender
            ):
                return _result_for(RawSubmission.objects.get(pk=raw.pk), resend=True)
            if link is None or _take_link_use(link):
                response = _store_response(raw, envelope, assignment, link, user, checked)
                return IngestResult(201, raw.receipt_number, [], response.pk)
            # A concurrent submission took the link's last use after it was checked above.
            problems = [Problem("submission.link_used_up", "link")]
            stored = RawSubmission.objects.filter(pk=raw.pk)  # claimed in this transaction
        errors = [
            {"code": p.code, "location": p.location, "params": p.params, "detail": p.message("id")}
            for p in problems
        ]
        if not stored.update(
            assignment=assignment, processed_at=timezone.now(), status="invalid", errors=errors
        ):
            return _result_for(RawSubmission.objects.get(pk=raw.pk), resend=True)
        return IngestResult(_refusal_status(problems), raw.receipt_number, problems)


def _take_link_use(link: RespondentLink) -> bool:
    """Count one use of the link, atomically against its limit (the row lock serialises)."""
    uses = RespondentLink.objects.filter(pk=link.pk)
    if link.max_uses is not None:
        uses = uses.filter(use_count__lt=F("max_uses"))
    return bool(uses.update(use_count=F("use_count") + 1))


def _store_response(
    raw: RawSubmission,
    envelope: Envelope,
    assignment: Assignment,
    link: RespondentLink | None,
    user: User | None,
    checked: dict[str, tuple[int, str, float | None]],
) -> Response:
    rules = period_rules(assignment.period)
    unit_id = rules.unit_ids[envelope.unit]
    submitted_at = envelope.submitted_at or raw.received_at
    duration = (
        int((submitted_at - envelope.started_at).total_seconds())
        if envelope.started_at and envelope.started_at <= submitted_at
        else None
    )
    if duration is not None and duration > MAX_DURATION_SECONDS:
        duration = None  # a form left open for weeks says nothing about the filling time
    # Flags of the response alone; the same institution answering twice is found when the
    # quality list is read (collection.progress.review_responses).
    flags = quality_flags([score for (_id, _v, score) in checked.values()], duration)
    # The raw submission is the record of a new response; its later changes are audited.
    with disable_auditlog():
        response = Response.objects.create(
            raw=raw,
            assignment=assignment,
            unit_id=unit_id,
            link=link,
            enumerator=user if user is not None and user.role == Role.ENUMERATOR else None,
            institution_name=envelope.institution,
            channel=raw.channel,
            started_at=envelope.started_at,
            submitted_at=submitted_at,
            duration_seconds=duration,
            receipt_number=raw.receipt_number,
            flags=flags,
        )
    insert_answers(response.pk, checked.values())
    if assignment.status == Assignment.Status.NOT_STARTED and (
        Assignment.objects.filter(pk=assignment.pk, status=Assignment.Status.NOT_STARTED).update(
            status=Assignment.Status.IN_PROGRESS
        )
    ):
        # Guarded UPDATE (no lost race), so the audit entry is written here, once.
        LogEntry.objects.log_create(
            assignment,
            action=LogEntry.Action.UPDATE,
            changes={"status": [Assignment.Status.NOT_STARTED, Assignment.Status.IN_PROGRESS]},
            actor=user,
            force_log=True,
        )
    return response


def insert_answers(response_id: int, answers: Iterable[tuple[int, str, float | None]]) -> None:
    """Insert a response's answers in one statement, without building a model per answer.

    Answers are the bulk of every submission (tens per response, at hundreds of submissions
    per second): on PostgreSQL one INSERT … SELECT FROM unnest() of four arrays, elsewhere
    one executemany. Answers are never updated or audited one by one (the raw submission is
    their record), so model instances would only cost time.
    """
    rows = [(response_id, item_id, value, score) for (item_id, value, score) in answers]
    if not rows:
        return
    table = connection.ops.quote_name(Answer._meta.db_table)
    columns = "(response_id, item_id, value, score)"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _r, items, values, scores = zip(*rows, strict=True)
            cursor.execute(
                f"INSERT INTO {table} {columns} "  # noqa: S608 (table name from the model)
                "SELECT %s, * FROM unnest(%s::bigint[], %s::varchar[], %s::float8[])",
                [response_id, list(items), list(values), list(scores)],
            )
        else:
            cursor.executemany(
                f"INSERT INTO {table} {columns} VALUES (%s, %s, %s, %s)",  # noqa: S608
                rows,
            )


def _store_bytes(
    body: bytes, problems: list[Problem], channel: str, user: User | None
) -> IngestResult:
    """Keep a body that cannot be stored as JSON, as bytes, refused with its problems.

    An anonymous sender's body is kept up to KEEP_BYTES_ANONYMOUS; its size and SHA-256
    are always kept, so junk is recorded without letting anyone store megabytes."""
    kept = body if user is not None else body[:KEEP_BYTES_ANONYMOUS]
    digest = hashlib.sha256(body).hexdigest()
    errors = [
        {"code": p.code, "location": p.location, "params": p.params, "detail": p.message("id")}
        for p in problems
    ]
    raw = RawSubmission.objects.create(
        client_uuid=uuid.uuid4(),
        payload=None,
        body=kept,
        body_size=len(body),
        body_sha256=digest,
        payload_hash=digest,
        channel=channel,
        status=RawSubmission.Status.INVALID,
        errors=errors,
        receipt_number=_new_receipt(),
        submitted_by=user,
        processed_at=timezone.now(),
    )
    return IngestResult(_refusal_status(problems), raw.receipt_number, problems)


def ingest_submission(
    payload: Any,
    *,
    channel: str = Channel.WEB,
    user: User | None = None,
    body: bytes | None = None,
    problems: list[Problem] | None = None,
) -> IngestResult:
    """The one way a submission enters the system, whatever the channel.

    1. The raw payload is stored first, in its own transaction, under the client UUID.
       A value that cannot be stored as JSON (NUL, lone surrogates, NaN, too deep), or a
       ``body`` given as bytes because it did not decode, is kept as bytes and refused.
    2. The same UUID with the same payload answers as before (200, same receipt number); with a
       different payload the resend is kept as a conflict and answered 409. A refusal whose
       cause can change (CHANGEABLE: no session, outside the sender's area, closed) is
       validated again.
    3. The payload is parsed and validated; a valid one becomes a response with its answers
       (201), an invalid one is kept with its problems (422, or 401 when a session is
       needed). Nothing is silently dropped.
    A crash between 1 and 3 leaves the raw payload in status ``received``:
    ``reprocess_pending`` parses it later.
    """
    if body is not None:
        # ``problems`` given by the caller (a body too large to read) replace decoding it.
        return _store_bytes(body, problems or decode_body(body)[1], channel, user)
    if problems := unstorable(payload):
        return _store_bytes(storable_bytes(payload), problems, channel, user)
    raw, is_new = _store_raw(payload, channel, user)
    if raw.status == RawSubmission.Status.CONFLICT:
        return IngestResult(409, raw.receipt_number, [Problem("submission.conflict", "uuid")])
    if not is_new and _changeable(raw):
        return _parse_and_store(raw, user, claim=RawSubmission.Status.INVALID)
    if not is_new and raw.status != RawSubmission.Status.RECEIVED:
        return _result_for(raw, resend=True)
    return _parse_and_store(raw, user)


def reprocess_pending(
    older_than: timedelta = timedelta(seconds=0), rows: QuerySet[RawSubmission] | None = None
) -> list[IngestResult]:
    """Parse raw submissions left unprocessed (e.g. by a crash after storing them); ``rows``
    narrows them (an operator's scope)."""
    cutoff = timezone.now() - older_than
    results = []
    pending = RawSubmission.objects.all() if rows is None else rows
    for raw in pending.filter(status="received", received_at__lte=cutoff):
        results.append(_parse_and_store(raw, raw.submitted_by))
    return results
