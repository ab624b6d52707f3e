"""The operator's desk: invalid and conflicting raw submissions finished, responses included
again, and where a submission without a region belongs.

Routing: a raw submission is on the desk of the region of its assignment. One stored without
an assignment (its envelope did not parse, its link was unknown, …) goes to the region its
payload names *for certain*: a link token or an assignment id that exists, and, when the
payload names several, all naming the same assignment. Every other one stays with the centre
(national scope). The same rule decides whether a correction lands in the operator's area.

Writes: a correction is a new raw submission accepted through ``ingest_submission`` under a
new client UUID, naming the one it corrects (``corrects``); the original keeps its payload,
status and problems and only gets its resolution. Resolutions and re-inclusions are recorded
in the audit trail in the same transaction as the change.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone

from kotan.accounts.actions import acting_as
from kotan.accounts.permissions import Capability, has_capability
from kotan.accounts.scoping import Level, scope_queryset, user_scope
from kotan.collection import ingest
from kotan.collection.actions import TransitionError
from kotan.collection.ingest import IngestResult
from kotan.collection.models import Assignment, RawSubmission, RespondentLink, Response
from kotan.method.problems import Problem, register_messages

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from kotan.accounts.models import User

DESK_STATUSES = (RawSubmission.Status.INVALID, RawSubmission.Status.CONFLICT)
MAX_REASON = 2000
STUCK_AFTER = timedelta(minutes=5)

register_messages(
    {
        "desk.resolved": (
            "Kiriman ini sudah diselesaikan.",
            "This submission has already been resolved.",
        ),
        "desk.reason": ("Alasan wajib diisi.", "A reason is required."),
        "desk.reason_long": (
            "Alasan terlalu panjang (paling banyak 2000 karakter).",
            "The reason is too long (at most 2000 characters).",
        ),
        "desk.payload": (
            "Isi koreksi harus berupa objek JSON yang sah.",
            "The correction must be a valid JSON object.",
        ),
        "desk.target": (
            "Koreksi harus menyebut tautan atau penugasan yang ada di wilayah Anda.",
            "The correction must name a link or an assignment in your area.",
        ),
        "desk.attempt": (
            "Ini percobaan koreksi yang gagal; selesaikan kiriman aslinya.",
            "This is a failed correction attempt; resolve the original submission.",
        ),
        "desk.not_excluded": (
            "Jawaban ini tidak dikecualikan.",
            "This response is not excluded.",
        ),
    }
)


# --- routing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refs:
    """What a payload names: a link token, an assignment id (as given, possibly not a number)."""

    link: str | None = None
    assignment: str | None = None


def payload_refs(payload: Any) -> Refs:
    """The references a payload makes, read without trusting its shape."""
    if not isinstance(payload, Mapping):
        return Refs()
    link, assignment = payload.get("link"), payload.get("assignment")
    return Refs(
        link=link if isinstance(link, str) and link else None,
        assignment=None if assignment is None or isinstance(assignment, bool) else str(assignment),
    )


def _assignment_id(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 12 else None


def route(refs_by_row: Mapping[int, Refs]) -> dict[int, int]:
    """Row key -> the assignment id its references name for certain (two queries at most).

    A row is routed only when everything it names exists and agrees: an unknown token, an
    assignment id that does not exist, or a link and an id of different assignments leave it
    unrouted (the centre's)."""
    tokens = {r.link for r in refs_by_row.values() if r.link}
    ids = {i for r in refs_by_row.values() if (i := _assignment_id(r.assignment)) is not None}
    by_token = (
        dict(RespondentLink.objects.filter(token__in=tokens).values_list("token", "assignment_id"))
        if tokens
        else {}
    )
    existing = (
        set(Assignment.objects.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    )
    routed: dict[int, int] = {}
    for key, refs in refs_by_row.items():
        named: set[int | None] = set()
        if refs.link:
            named.add(by_token.get(refs.link))
        if refs.assignment is not None:
            number = _assignment_id(refs.assignment)
            named.add(number if number in existing else None)
        if len(named) == 1 and None not in named:
            routed[key] = named.pop()  # type: ignore[assignment]
    return routed


def routed_assignment(payload: Any) -> Assignment | None:
    """The assignment a payload names for certain, or None."""
    found = route({0: payload_refs(payload)}).get(0)
    if found is None:
        return None
    return Assignment.objects.select_related("period", "regency__province").get(pk=found)


def _refs_of(rows: QuerySet[RawSubmission]) -> dict[int, Refs]:
    """References of many rows read in the database: only the two small values are loaded."""
    values = rows.annotate(
        ref_link=KeyTextTransform("link", "payload"),
        ref_assignment=KeyTextTransform("assignment", "payload"),
    ).values_list("pk", "ref_link", "ref_assignment")
    return {
        pk: Refs(
            link=str(link) if link not in (None, "") else None,
            assignment=None if assignment is None else str(assignment),
        )
        for pk, link, assignment in values
    }


def _in_scope(user: User | AnonymousUser, assignment_ids: Iterable[int]) -> set[int]:
    ids = set(assignment_ids)
    if not ids:
        return set()
    return set(
        scope_queryset(user, Assignment.objects.filter(pk__in=ids)).values_list("pk", flat=True)
    )


def scoped_unassigned(
    user: User | AnonymousUser, rows: QuerySet[RawSubmission], period_id: int | None = None
) -> QuerySet[RawSubmission]:
    """Of the rows without an assignment, those the user is responsible for: routed into the
    user's scope (and ``period_id``), or, for the centre, every one not routed elsewhere."""
    unassigned = rows.filter(assignment__isnull=True)
    naming = unassigned.filter(Q(payload__has_key="link") | Q(payload__has_key="assignment"))
    routes = route(_refs_of(naming))
    mine = _in_scope(user, routes.values())
    if period_id is not None:
        mine &= set(
            Assignment.objects.filter(pk__in=mine, period_id=period_id).values_list("pk", flat=True)
        )
    keep = [pk for pk, a in routes.items() if a in mine]
    if user_scope(user).level == Level.NATIONAL and period_id is None:
        return unassigned.filter(Q(pk__in=keep) | ~Q(pk__in=list(routes)))
    return unassigned.filter(pk__in=keep)


def desk_queryset(
    user: User | AnonymousUser,
    *,
    status: str = "",
    channel: str = "",
    period_id: int | None = None,
) -> QuerySet[RawSubmission]:
    """Open invalid and conflicting raw submissions the user is responsible for, newest first.

    A failed correction attempt is not a new case: it is listed on the page of the original."""
    rows = RawSubmission.objects.filter(status__in=DESK_STATUSES, resolution="").exclude(
        corrects__isnull=False, status=RawSubmission.Status.INVALID
    )
    if status in DESK_STATUSES:
        rows = rows.filter(status=status)
    if channel:
        rows = rows.filter(channel=channel)
    assigned = scope_queryset(user, rows.filter(assignment__isnull=False))
    if period_id is not None:
        assigned = assigned.filter(assignment__period_id=period_id)
    unassigned = scoped_unassigned(user, rows, period_id)
    return (
        RawSubmission.objects.filter(
            Q(pk__in=assigned.values("pk")) | Q(pk__in=unassigned.values("pk"))
        )
        .select_related("assignment__regency", "assignment__period", "submitted_by")
        .order_by("-received_at", "-pk")
    )


def responsible_assignment(raw: RawSubmission) -> Assignment | None:
    """The assignment whose region holds the row: its own, or the one its payload names."""
    if raw.assignment_id is not None:
        return raw.assignment
    return routed_assignment(raw.payload)


def visible_to(user: User | AnonymousUser, raw: RawSubmission) -> bool:
    """Whether the row is on the user's desk (a manager of collection, in scope)."""
    if not has_capability(user, Capability.MANAGE_COLLECTION):
        return False
    assignment = responsible_assignment(raw)
    if assignment is None:
        return user_scope(user).level == Level.NATIONAL
    return bool(_in_scope(user, [assignment.pk]))


def stuck_queryset(
    user: User | AnonymousUser, older_than: timedelta = STUCK_AFTER
) -> QuerySet[RawSubmission]:
    """Raw submissions stored but never parsed, older than ``older_than``, in the user's scope
    (they have no assignment yet: routed by what their payload names)."""
    rows = RawSubmission.objects.filter(
        status=RawSubmission.Status.RECEIVED, received_at__lte=timezone.now() - older_than
    )
    return RawSubmission.objects.filter(
        Q(pk__in=scope_queryset(user, rows.filter(assignment__isnull=False)).values("pk"))
        | Q(pk__in=scoped_unassigned(user, rows).values("pk"))
    )


# --- actions ---------------------------------------------------------------------------------


def _check_manager(actor: User, raw: RawSubmission) -> None:
    if not has_capability(actor, Capability.MANAGE_COLLECTION):
        raise TransitionError([Problem("transition.role", "desk")])
    if not visible_to(actor, raw):
        raise TransitionError([Problem("transition.scope", "")])
    if is_attempt(raw):
        raise TransitionError([Problem("desk.attempt", "")])


def is_attempt(raw: RawSubmission) -> bool:
    """A failed correction: resolved through the submission it tried to correct."""
    return raw.corrects_id is not None and raw.status == RawSubmission.Status.INVALID


def _reason(text: str) -> str:
    reason = text.strip()
    if not reason:
        raise TransitionError([Problem("desk.reason", "reason")])
    if len(reason) > MAX_REASON:
        raise TransitionError([Problem("desk.reason_long", "reason")])
    return reason


def _log_resolution(raw: RawSubmission, actor: User, changes: dict[str, list[Any]]) -> None:
    # Raw submissions are append-only and not registered with auditlog: the resolution, their
    # one change, is recorded explicitly.
    LogEntry.objects.log_create(
        raw, action=LogEntry.Action.UPDATE, changes=changes, actor=actor, force_log=True
    )


def _lock_open(raw: RawSubmission) -> RawSubmission:
    locked = RawSubmission.objects.select_for_update().get(pk=raw.pk)
    if locked.resolution or locked.status not in DESK_STATUSES:
        raise TransitionError([Problem("desk.resolved", "")])
    return locked


@transaction.atomic
def reject_submission(*, actor: User, raw: RawSubmission, reason: str) -> RawSubmission:
    """Close an invalid or conflicting submission for good, with a reason. Nothing is deleted."""
    _check_manager(actor, raw)
    text = _reason(reason)
    locked = _lock_open(raw)
    now = timezone.now()
    RawSubmission.objects.filter(pk=locked.pk).update(
        resolution=RawSubmission.Resolution.REJECTED,
        resolution_reason=text,
        resolved_by=actor,
        resolved_at=now,
    )
    _log_resolution(
        locked,
        actor,
        {
            "resolution": ["", RawSubmission.Resolution.REJECTED],
            "resolution_reason": ["", text],
            "resolved_by": [None, str(actor.pk)],
            "resolved_at": [None, now.isoformat()],
        },
    )
    return RawSubmission.objects.get(pk=locked.pk)


@dataclass(frozen=True)
class Correction:
    """The outcome of a correction: the ingestion result and the new raw submission."""

    result: IngestResult
    raw: RawSubmission | None

    @property
    def ok(self) -> bool:
        return self.result.ok


def correct_submission(*, actor: User, raw: RawSubmission, payload: Any) -> Correction:
    """Accept a corrected payload as a new raw submission naming ``raw``; resolve ``raw`` only
    when the correction became a response.

    Deliberately outside one transaction: ``ingest_submission`` commits the new raw payload
    before parsing it. The correction must land in the operator's own area (a link token
    reaches any assignment, so this is checked here, not left to ingestion)."""
    _check_manager(actor, raw)
    if raw.resolution or raw.status not in DESK_STATUSES:
        raise TransitionError([Problem("desk.resolved", "")])
    if not isinstance(payload, dict):
        raise TransitionError([Problem("desk.payload", "")])
    target = routed_assignment(payload)
    if target is None or not _in_scope(actor, [target.pk]):
        raise TransitionError([Problem("desk.target", "")])
    corrected = {**payload, "uuid": str(uuid.uuid4())}
    result = ingest.ingest_submission(corrected, channel=raw.channel, user=actor)
    with transaction.atomic():
        new = RawSubmission.objects.filter(receipt_number=result.receipt_number).first()
        if new is not None and new.pk != raw.pk:
            RawSubmission.objects.filter(pk=new.pk, corrects__isnull=True).update(corrects=raw)
            new.refresh_from_db()
        if not result.ok:
            return Correction(result, new)
        locked = _lock_open(raw)
        now = timezone.now()
        RawSubmission.objects.filter(pk=locked.pk).update(
            resolution=RawSubmission.Resolution.CORRECTED, resolved_by=actor, resolved_at=now
        )
        _log_resolution(
            locked,
            actor,
            {
                "resolution": ["", RawSubmission.Resolution.CORRECTED],
                "resolution_reason": ["", f"→ {result.receipt_number}"],
                "resolved_by": [None, str(actor.pk)],
                "resolved_at": [None, now.isoformat()],
            },
        )
    return Correction(result, new)


@transaction.atomic
def include_response(*, actor: User, response: Response, reason: str) -> Response:
    """Count an excluded response again, with a reason (kept in the audit trail)."""
    if not has_capability(actor, Capability.MANAGE_COLLECTION):
        raise TransitionError([Problem("transition.role", "include")])
    if not scope_queryset(actor, Response.objects.filter(pk=response.pk)).exists():
        raise TransitionError([Problem("transition.scope", "")])
    text = _reason(reason)
    locked = Response.objects.select_for_update().get(pk=response.pk)
    if not locked.excluded:
        raise TransitionError([Problem("desk.not_excluded", "")])
    before = locked.excluded_reason
    locked.excluded = False
    locked.excluded_reason = ""
    with disable_auditlog():
        locked.save(update_fields=["excluded", "excluded_reason"])
    with acting_as(actor):
        LogEntry.objects.log_create(
            locked,
            action=LogEntry.Action.UPDATE,
            changes={
                "excluded": [str(True), str(False)],
                "excluded_reason": [before, ""],
                "included_reason": ["", text],
            },
            actor=actor,
            force_log=True,
        )
    return locked


def reprocess_in_scope(user: User, older_than: timedelta = STUCK_AFTER) -> int:
    """Parse the stuck raw submissions of the user's scope; the centre runs the scheduled
    ``reprocess_pending`` itself. Returns how many were processed."""
    if user_scope(user).level == Level.NATIONAL:
        return len(ingest.reprocess_pending(older_than=older_than))
    rows = stuck_queryset(user, older_than).select_related("submitted_by")
    return len(ingest.reprocess_pending(older_than=older_than, rows=rows))
