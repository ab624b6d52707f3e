"""Every write of collection data. Submissions from every channel go through ingest_submission."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Iterable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from kotan.accounts.actions import acting_as
from kotan.accounts.models import Organization, Role, User
from kotan.accounts.permissions import Capability, has_capability
from kotan.accounts.queries import covering_units
from kotan.accounts.scoping import scope_queryset
from kotan.collection import evidence
from kotan.collection.models import (
    Answer,
    Assignment,
    Channel,
    Draft,
    Period,
    Quota,
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
from kotan.instruments.actions import lock_instrument
from kotan.instruments.models import Instrument, Item, ObservationUnit
from kotan.method.problems import Problem, ProblemsError, register_messages
from kotan.regions.models import Regency


class TransitionError(ProblemsError):
    """An assignment status change that is not allowed."""


# --- periods, assignments, links ----------------------------------------------------------


@transaction.atomic
def open_period(
    *,
    actor: User | None,
    year: int,
    name: str,
    instrument: Instrument,
    opens_on: date,
    closes_on: date,
) -> Period:
    if instrument.status == Instrument.Status.DRAFT:
        raise TransitionError([Problem("period.instrument_draft", "instrument")])
    period = Period(
        year=year, name=name, instrument=instrument, opens_on=opens_on, closes_on=closes_on
    )
    period.full_clean()
    with acting_as(actor):
        period.save()
    return period


@transaction.atomic
def assign_regencies(
    *, actor: User | None, period: Period, regencies: list[Regency], deadline: date
) -> list[Assignment]:
    """Measure these regencies in the period: the responsible office is the covering BNNK, or
    the BNNP where there is none; quotas come from the instrument's observation units."""
    units = list(period.instrument.units.order_by("order"))
    responsible = covering_units(regencies)
    created = []
    with acting_as(actor):
        for regency in regencies:
            office = responsible[regency.pk]
            if office is None:
                raise TransitionError(
                    [Problem("assignment.no_office", regency.code, {"regency": regency.name})]
                )
            assignment, new = Assignment.objects.get_or_create(
                period=period,
                regency=regency,
                defaults={"responsible": office, "deadline": deadline},
            )
            if new:
                for unit in units:
                    Quota.objects.create(assignment=assignment, unit=unit, quota=unit.quota)
                created.append(assignment)
    return created


# Period status: open ⇄ closed → locked (final; the instrument is locked with it).
PERIOD_MOVES = {
    "close": ("open", "closed"),
    "reopen": ("closed", "open"),
    "lock": ("closed", "locked"),
}


@transaction.atomic
def set_period_status(*, actor: User, period: Period, action: str) -> Period:
    """National admins close filling, reopen it, or lock the period for the final run."""
    if not has_capability(actor, Capability.COMPUTE_RESULTS):
        raise TransitionError([Problem("transition.role", action)])
    locked = Period.objects.select_for_update().select_related("instrument").get(pk=period.pk)
    source, target = PERIOD_MOVES[action]
    if locked.status != source:
        raise TransitionError(
            [Problem("transition.status", action, {"status": locked.get_status_display()})]
        )
    locked.status = target
    with acting_as(actor):
        locked.save(update_fields=["status"])
    if target == Period.Status.LOCKED and locked.instrument.status == Instrument.Status.PUBLISHED:
        lock_instrument(actor=actor, instrument=locked.instrument)
    return locked


# Who may move an assignment from one status to another, and at which level.
_OPERATORS = frozenset({Role.REGENCY_OPERATOR, Role.PROVINCE_OPERATOR, Role.NATIONAL_ADMIN})
_VERIFIERS = frozenset({Role.PROVINCE_OPERATOR, Role.NATIONAL_ADMIN})
TRANSITIONS: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {
    # action: (from statuses, roles allowed); scope is checked separately
    "submit": (("belum_mulai", "berjalan"), _OPERATORS),
    "verify": (("diajukan",), _VERIFIERS),
    "finalize": (("diverifikasi",), frozenset({Role.NATIONAL_ADMIN})),
    "return": (("diajukan", "diverifikasi"), _VERIFIERS),
}
TARGET = {"submit": "diajukan", "verify": "diverifikasi", "finalize": "final", "return": "berjalan"}

register_messages(
    {
        "transition.role": (
            "Peran Anda tidak dapat melakukan tindakan ini.",
            "Your role cannot do this.",
        ),
        "transition.status": (
            "Tindakan ini tidak berlaku untuk status '{status}'.",
            "This action does not apply to status '{status}'.",
        ),
        "transition.reason": (
            "Alasan pengembalian wajib diisi.",
            "A reason for sending it back is required.",
        ),
        "transition.scope": (
            "Penugasan ini di luar wilayah Anda.",
            "This assignment is outside your area.",
        ),
        "period.instrument_draft": (
            "Periode hanya dapat memakai instrumen yang sudah terbit.",
            "A period can only use a published instrument.",
        ),
        "assignment.no_office": (
            "Tidak ada BNNK atau BNNP yang menangani {regency}.",
            "No BNNK or BNNP covers {regency}.",
        ),
    }
)


@transaction.atomic
def transition_assignment(
    *, actor: User, assignment: Assignment, action: str, reason: str = ""
) -> Assignment:
    """submit (BNNK) → verify (BNNP) → finalize (national); return sends it back with a reason."""
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not scope_queryset(actor, Assignment.objects.filter(pk=locked.pk)).exists():
        raise TransitionError([Problem("transition.scope", "")])
    sources, roles = TRANSITIONS[action]
    if actor.role not in roles:
        raise TransitionError([Problem("transition.role", action)])
    if locked.status not in sources:
        raise TransitionError(
            [Problem("transition.status", action, {"status": locked.get_status_display()})]
        )
    if action == "return" and not reason.strip():
        raise TransitionError([Problem("transition.reason", "reason")])
    locked.status = TARGET[action]
    locked.returned_reason = reason.strip() if action == "return" else ""
    with acting_as(actor):
        locked.save(update_fields=["status", "returned_reason", "updated_at"])
    return locked


@transaction.atomic
def create_link(
    *,
    actor: User,
    assignment: Assignment,
    unit_code: str,
    label: str = "",
    institution: Organization | None = None,
    max_uses: int | None = 1,
    valid_days: int = 30,
) -> RespondentLink:
    assignment = Assignment.objects.select_related("period").get(pk=assignment.pk)  # fresh status
    if not assignment.accepts_responses:
        raise TransitionError(
            [Problem("transition.status", "link", {"status": assignment.get_status_display()})]
        )
    unit = assignment.period.instrument.units.get(code=unit_code)
    link = RespondentLink(
        assignment=assignment,
        unit=unit,
        label=label,
        institution=institution,
        token=secrets.token_urlsafe(18),
        max_uses=max_uses,
        expires_at=timezone.now() + timedelta(days=valid_days),
        created_by=actor,
    )
    with acting_as(actor):
        link.save()
    return link


@transaction.atomic
def deactivate_link(*, actor: User, link: RespondentLink) -> None:
    link.is_active = False
    with acting_as(actor):
        link.save(update_fields=["is_active"])


@transaction.atomic
def exclude_response(*, actor: User, response: Response, reason: str) -> Response:
    """Responses are never deleted; an operator excludes one from scoring, with a reason."""
    if not has_capability(actor, Capability.MANAGE_COLLECTION):
        raise TransitionError([Problem("transition.role", "exclude")])
    if not scope_queryset(actor, Response.objects.filter(pk=response.pk)).exists():
        raise TransitionError([Problem("transition.scope", "")])
    if not reason.strip():
        raise TransitionError([Problem("transition.reason", "reason")])
    if response.excluded:
        return response
    response.excluded = True
    response.excluded_reason = reason.strip()
    with acting_as(actor):
        response.save(update_fields=["excluded", "excluded_reason"])
    return response


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
    assignments = Assignment.objects.select_related("period", "regency")
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


# --- drafts of the web questionnaire ------------------------------------------------------
# Drafts are not audited: they are the respondent's scratch pad; the raw submission they turn
# into is the record.


DRAFTS_PER_USE = 5  # a respondent may start again on a new phone or browser, a few times


def drafts_allowed(link: RespondentLink) -> int:
    """Drafts one respondent link may hold: anonymous senders cannot fill the database."""
    return DRAFTS_PER_USE * max(1, link.max_uses or evidence.UNLIMITED_LINK_USES * 10)


register_messages(
    {
        "draft.too_many": (
            "Tautan ini sudah dipakai untuk memulai terlalu banyak kuesioner. Hubungi petugas "
            "BNN yang memberi tautan.",
            "This link has been used to start too many questionnaires. Contact the BNN officer "
            "who gave you the link.",
        )
    }
)


@transaction.atomic
def start_draft(
    *,
    assignment: Assignment,
    unit: ObservationUnit,
    link: RespondentLink | None = None,
    enumerator: User | None = None,
    institution_name: str = "",
    opened_at: datetime | None = None,
) -> Draft:
    """A new draft, from the first save of a form opened at ``opened_at``."""
    if enumerator is not None and opened_at is not None:
        # The same new form sent twice (a double tap, the back button) is the same draft.
        same = Draft.objects.filter(
            enumerator=enumerator,
            assignment=assignment,
            unit=unit,
            started_at=opened_at,
            submitted_receipt="",
        ).first()
        if same is not None:
            return same
    if link is not None and Draft.objects.filter(link=link).count() >= drafts_allowed(link):
        raise TransitionError([Problem("draft.too_many", "link")])
    draft = Draft.objects.create(
        assignment=assignment,
        unit=unit,
        link=link,
        enumerator=enumerator,
        institution_name=institution_name[:200],
    )
    if opened_at is not None and opened_at < draft.started_at:
        # started_at is set on creation; the respondent opened the form before the first save.
        draft.started_at = opened_at
        draft.save(update_fields=["started_at"])
    return draft


@transaction.atomic
def save_section(
    draft: Draft,
    answers: Mapping[str, str],
    institution_name: str | None = None,
    uploads: list[UploadedFile] | None = None,
) -> Draft:
    """Merge one section's answers into the draft; a sent draft no longer changes."""
    locked = Draft.objects.select_for_update().get(pk=draft.pk)
    if locked.submitted_receipt:
        return locked
    locked.answers = {**locked.answers, **answers}
    fields = ["answers", "updated_at"]
    if institution_name is not None:
        locked.institution_name = institution_name[:200]
        fields.append("institution_name")
    locked.save(update_fields=fields)
    if uploads:
        evidence.store_evidence(locked, uploads)
    return locked


def remove_draft_evidence(draft: Draft, evidence_id: int) -> bool:
    """Take a document off a draft not yet sent; False when there is no such document."""
    return evidence.remove_evidence(draft, evidence_id)


def draft_payload(draft: Draft, submitted_at: datetime) -> dict[str, Any]:
    """The submission of a draft, in the shape every channel uses (see payload.py)."""
    context: dict[str, Any] = (
        {"link": draft.link.token}
        if draft.link is not None
        else {"assignment": draft.assignment_id}
    )
    return {
        "uuid": str(draft.key),
        **context,
        "unit": draft.unit.code,
        "institution": draft.institution_name,
        "started_at": draft.started_at.isoformat(),
        "submitted_at": submitted_at.isoformat(),
        "answers": {code: value for code, value in draft.answers.items() if value},
    }


@dataclass(frozen=True)
class Sent:
    """The outcome of sending a draft: a receipt number, or the problems (draft kept)."""

    draft: Draft
    receipt: str = ""
    problems: tuple[Problem, ...] = ()


def _mark_sent(draft: Draft, receipt: str, response_id: int | None) -> Sent:
    draft.submitted_receipt = receipt
    draft.save(update_fields=["submitted_receipt", "updated_at"])
    if response_id is not None:
        evidence.attach_evidence(draft, response_id)
    return Sent(draft, receipt)


def submit_draft(draft: Draft, *, user: User | None = None, channel: str = Channel.WEB) -> Sent:
    """Send the draft through ingest_submission under its key: sending twice never doubles.

    Deliberately outside any transaction: ingest_submission must commit the raw payload before
    parsing it, or a crash would lose it. The payload is a pure function of the draft (its
    submission time is the last save), so a retry after a lost answer is an identical resend
    (200, same receipt). A refused draft gets a fresh key, so that it can be sent again once
    the cause (an expired link, a closed assignment) is fixed.
    """
    current = Draft.objects.select_related("link", "unit", "assignment").get(pk=draft.pk)
    if current.submitted_receipt:
        return Sent(current, current.submitted_receipt)
    if not any(current.answers.values()):
        return Sent(current, problems=(Problem("submission.empty", ""),))
    result = ingest_submission(
        draft_payload(current, current.updated_at), channel=channel, user=user
    )
    with transaction.atomic():
        locked = Draft.objects.select_for_update().get(pk=current.pk)
        if locked.submitted_receipt:  # a concurrent send finished first
            return Sent(locked, locked.submitted_receipt)
        return _finish_send(locked, result)


def _finish_send(locked: Draft, result: IngestResult) -> Sent:
    if result.ok:
        return _mark_sent(locked, result.receipt_number, result.response_id)
    earlier = (
        RawSubmission.objects.filter(client_uuid=locked.key, status=RawSubmission.Status.ACCEPTED)
        .select_related("response")
        .first()
    )
    if earlier is not None:
        return _mark_sent(locked, earlier.receipt_number, earlier.response.pk)
    locked.key = uuid.uuid4()
    locked.save(update_fields=["key", "updated_at"])
    return Sent(locked, problems=tuple(result.problems))
