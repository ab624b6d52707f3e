"""Every write of Monev data: atomic, checked against role and region, audited (django-auditlog).

Input problems raise ``MonevError`` with one ``Problem`` per field (the location is the field
name), so a page can show each next to its field; nothing is written when any is found.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone

from kotan.accounts.actions import acting_as
from kotan.accounts.models import Organization, User
from kotan.collection import evidence as files
from kotan.instruments.models import Variable
from kotan.method.problems import Problem, ProblemsError, register_messages
from kotan.monev import rules
from kotan.monev.models import (
    FollowUp,
    FollowUpEvidence,
    FollowUpNote,
    Method,
    Point,
    Session,
    TeamMember,
    Theme,
    Visit,
)
from kotan.monev.tasks import notify_follow_up
from kotan.notifications.models import Kind
from kotan.regions.models import Province, Regency

MAX_EVIDENCE_PER_FOLLOW_UP = 20


class MonevError(ProblemsError):
    """A Monev write refused: not allowed, or bad input."""


register_messages(
    {
        "monev.denied": (
            "Anda tidak berwenang melakukan tindakan ini.",
            "You are not allowed to do this.",
        ),
        "monev.dates": (
            "Tanggal selesai tidak boleh sebelum tanggal mulai.",
            "The end date cannot be before the start date.",
        ),
        "monev.regency_province": (
            "{regency} tidak berada di provinsi kunjungan.",
            "{regency} is not in the visit's province.",
        ),
        "monev.session_date": (
            "Tanggal sesi harus di antara {start} dan {end}.",
            "The session date must be between {start} and {end}.",
        ),
        "monev.member_who": (
            "Pilih akun atau tulis nama anggota tim.",
            "Choose an account or write the team member's name.",
        ),
        "monev.themes_obstacle": (
            "Tema hanya untuk pointer berjenis kendala.",
            "Themes are only for obstacle points.",
        ),
        "monev.variable": (
            "Variabel IKOTAN '{code}' tidak dikenal.",
            "Unknown IKOTAN variable '{code}'.",
        ),
        "monev.owner_province": (
            "Instansi penanggung jawab harus BNN RI atau berada di provinsi kunjungan.",
            "The owner must be BNN RI or an institution in the visit's province.",
        ),
        "monev.status_move": (
            "Status tidak dapat diubah dari '{source}' ke '{target}'.",
            "The status cannot change from '{source}' to '{target}'.",
        ),
        "monev.reason": (
            "Alasan wajib diisi.",
            "A reason is required.",
        ),
        "monev.text_required": (
            "Isi wajib diisi.",
            "This field is required.",
        ),
        "monev.has_follow_ups": (
            "Tidak dapat dihapus: sudah ada tindak lanjut.",
            "Cannot be removed: it already has follow-ups.",
        ),
        "monev.method": ("Metode tidak dikenal: {method}.", "Unknown method: {method}."),
        "monev.sessions_outside": (
            "Ada sesi pada {day}, di luar tanggal kunjungan yang baru.",
            "A session on {day} falls outside the new visit dates.",
        ),
        "monev.field": ("{detail}", "{detail}"),
        "monev.evidence_file": ("{detail}", "{detail}"),
        "monev.evidence_count": (
            "Paling banyak {n} berkas bukti per tindak lanjut.",
            "At most {n} evidence files per follow-up.",
        ),
        "monev.verified": (
            "Tindak lanjut yang sudah diverifikasi tidak dapat diubah; buka kembali dahulu.",
            "A verified follow-up cannot change; reopen it first.",
        ),
    }
)


def _deny() -> MonevError:
    return MonevError([Problem("monev.denied", "")])


def _require_manage(actor: User, province_id: int) -> None:
    if not rules.can_manage(actor, province_id):
        raise _deny()


def _clean(obj: Model) -> None:
    """Model validation (lengths, choices) reported as problems per field."""
    try:
        obj.full_clean(exclude=["visit", "session", "point", "follow_up"])
    except ValidationError as exc:
        raise MonevError(
            [
                Problem("monev.field", "" if field == "__all__" else field, {"detail": m})
                for field, messages in exc.message_dict.items()
                for m in messages
            ]
        ) from exc


def _save(actor: User, obj: Model, fields: Iterable[str] | None = None) -> None:
    _clean(obj)
    with acting_as(actor):
        obj.save(update_fields=list(fields) if fields is not None else None)


def _set(obj: Model, changes: dict[str, Any], allowed: frozenset[str]) -> list[str]:
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"cannot change {sorted(unknown)}")
    for name, value in changes.items():
        setattr(obj, name, value)
    return list(changes)


# --- visits and team ------------------------------------------------------------------------

VISIT_FIELDS = frozenset(
    {"year", "period_label", "title", "organizer", "starts_on", "ends_on", "purpose", "status"}
)


def _check_visit(
    province: Province, starts_on: date, ends_on: date, regencies: list[Regency]
) -> None:
    problems = []
    if starts_on > ends_on:
        problems.append(Problem("monev.dates", "ends_on"))
    for regency in regencies:
        if regency.province_id != province.pk:
            problems.append(Problem("monev.regency_province", "regencies", {"regency": regency}))
    if problems:
        raise MonevError(problems)


@transaction.atomic
def create_visit(
    *,
    actor: User,
    province: Province,
    regencies: Iterable[Regency] = (),
    **fields: Any,
) -> Visit:
    """Plan a visit to a province (and some of its regencies)."""
    _require_manage(actor, province.pk)
    regencies = list(regencies)
    visit = Visit(province=province, created_by=actor)
    _set(visit, fields, VISIT_FIELDS)
    _check_visit(province, visit.starts_on, visit.ends_on, regencies)
    _save(actor, visit)
    with acting_as(actor):
        visit.regencies.set(regencies)
    return visit


@transaction.atomic
def update_visit(
    *, actor: User, visit: Visit, regencies: Iterable[Regency] | None = None, **changes: Any
) -> Visit:
    """Change a visit's facts or status; the province stays (another province's visit is a
    new visit)."""
    _require_manage(actor, visit.province_id)
    names = _set(visit, changes, VISIT_FIELDS)
    chosen = list(regencies) if regencies is not None else list(visit.regencies.all())
    _check_visit(visit.province, visit.starts_on, visit.ends_on, chosen)
    outside = visit.sessions.exclude(held_on__range=(visit.starts_on, visit.ends_on)).first()
    if outside is not None:
        raise MonevError(
            [Problem("monev.sessions_outside", "starts_on", {"day": outside.held_on.isoformat()})]
        )
    _save(actor, visit, [*names, "updated_at"])
    if regencies is not None:
        with acting_as(actor):
            visit.regencies.set(chosen)
    return visit


@transaction.atomic
def add_team_member(
    *,
    actor: User,
    visit: Visit,
    role: str,
    user: User | None = None,
    name: str = "",
    position: str = "",
) -> TeamMember:
    _require_manage(actor, visit.province_id)
    if user is None and not name.strip():
        raise MonevError([Problem("monev.member_who", "name")])
    order = (visit.team.aggregate(m=Max("order"))["m"] or 0) + 1
    member = TeamMember(
        visit=visit, user=user, name=name.strip(), position=position.strip(), role=role, order=order
    )
    _save(actor, member)
    return member


@transaction.atomic
def remove_team_member(*, actor: User, member: TeamMember) -> None:
    _require_manage(actor, member.visit.province_id)
    with acting_as(actor):
        member.delete()


# --- sessions and points --------------------------------------------------------------------

SESSION_FIELDS = frozenset({"venue", "held_on", "other_institutions", "received_by", "methods"})


def _check_session(session: Session, institutions: list[Organization]) -> None:
    visit = session.visit
    problems = []
    if not visit.starts_on <= session.held_on <= visit.ends_on:
        problems.append(
            Problem(
                "monev.session_date",
                "held_on",
                {"start": visit.starts_on.isoformat(), "end": visit.ends_on.isoformat()},
            )
        )
    problems += [
        Problem("monev.method", "methods", {"method": m})
        for m in session.methods
        if m not in Method.values
    ]
    for org in institutions:
        if org.province_id not in (None, visit.province_id):
            problems.append(Problem("monev.owner_province", "institutions"))
    if problems:
        raise MonevError(problems)


@transaction.atomic
def add_session(
    *, actor: User, visit: Visit, institutions: Iterable[Organization] = (), **fields: Any
) -> Session:
    _require_manage(actor, visit.province_id)
    institutions = list(institutions)
    order = (visit.sessions.aggregate(m=Max("order"))["m"] or 0) + 1
    session = Session(visit=visit, order=order)
    _set(session, fields, SESSION_FIELDS)
    _check_session(session, institutions)
    _save(actor, session)
    with acting_as(actor):
        session.institutions.set(institutions)
    return session


@transaction.atomic
def update_session(
    *,
    actor: User,
    session: Session,
    institutions: Iterable[Organization] | None = None,
    **changes: Any,
) -> Session:
    _require_manage(actor, session.visit.province_id)
    names = _set(session, changes, SESSION_FIELDS)
    chosen = list(institutions) if institutions is not None else list(session.institutions.all())
    _check_session(session, chosen)
    _save(actor, session, names)
    if institutions is not None:
        with acting_as(actor):
            session.institutions.set(chosen)
    return session


@transaction.atomic
def remove_session(*, actor: User, session: Session) -> None:
    _require_manage(actor, session.visit.province_id)
    if FollowUp.objects.filter(point__session=session).exists():
        raise MonevError([Problem("monev.has_follow_ups", "")])
    with acting_as(actor):
        for point in session.points.all():
            point.delete()
        session.delete()


POINT_FIELDS = frozenset({"kind", "text", "variable_code", "regency"})


def _check_point(point: Point, themes: list[Theme]) -> None:
    problems = []
    if not point.text.strip():
        problems.append(Problem("monev.text_required", "text"))
    if themes and point.kind != Point.Kind.OBSTACLE:
        problems.append(Problem("monev.themes_obstacle", "themes"))
    code = point.variable_code
    if code and not Variable.objects.filter(code=code).exists():
        problems.append(Problem("monev.variable", "variable_code", {"code": code}))
    regency = point.regency
    if regency is not None and regency.province_id != point.session.visit.province_id:
        problems.append(Problem("monev.regency_province", "regency", {"regency": regency}))
    if problems:
        raise MonevError(problems)


@transaction.atomic
def add_point(
    *, actor: User, session: Session, themes: Iterable[Theme] = (), **fields: Any
) -> Point:
    """Add a point at the end of the session's list."""
    _require_manage(actor, session.visit.province_id)
    themes = list(themes)
    order = (session.points.aggregate(m=Max("order"))["m"] or 0) + 1
    point = Point(session=session, order=order)
    _set(point, {"variable_code": "", "regency": None, **fields}, POINT_FIELDS)
    point.text = point.text.strip()
    _check_point(point, themes)
    _save(actor, point)
    if themes:
        with acting_as(actor):
            point.themes.set(themes)
    return point


@transaction.atomic
def update_point(
    *, actor: User, point: Point, themes: Iterable[Theme] | None = None, **changes: Any
) -> Point:
    _require_manage(actor, point.session.visit.province_id)
    names = _set(point, changes, POINT_FIELDS)
    point.text = point.text.strip()
    chosen = list(themes) if themes is not None else list(point.themes.all())
    if point.kind != Point.Kind.OBSTACLE and themes is None:
        chosen = []  # a point that is no longer an obstacle loses its themes
    _check_point(point, chosen)
    _save(actor, point, names)
    with acting_as(actor):
        point.themes.set(chosen)
    return point


@transaction.atomic
def move_point(*, actor: User, point: Point, up: bool) -> Point:
    """Swap a point with its neighbour above (``up``) or below; at an end nothing moves."""
    _require_manage(actor, point.session.visit.province_id)
    siblings = list(Point.objects.select_for_update().filter(session=point.session_id))
    index = next(i for i, p in enumerate(siblings) if p.pk == point.pk)
    other_index = index - 1 if up else index + 1
    if not 0 <= other_index < len(siblings):
        return point
    # Renumber 1..n first, so equal or missing orders never make a swap a no-op.
    with acting_as(actor):
        siblings[index], siblings[other_index] = siblings[other_index], siblings[index]
        for number, sibling in enumerate(siblings, start=1):
            if sibling.order != number:
                sibling.order = number
                sibling.save(update_fields=["order"])
    return next(p for p in siblings if p.pk == point.pk)


@transaction.atomic
def remove_point(*, actor: User, point: Point) -> None:
    _require_manage(actor, point.session.visit.province_id)
    if point.follow_ups.exists():
        raise MonevError([Problem("monev.has_follow_ups", "")])
    with acting_as(actor):
        point.delete()


# --- follow-ups -----------------------------------------------------------------------------

FOLLOW_UP_FIELDS = frozenset(
    {"action", "owner", "owner_person", "owner_user", "due_on", "priority"}
)


def _check_follow_up(follow_up: FollowUp, province_id: int) -> None:
    problems = []
    if not follow_up.action.strip():
        problems.append(Problem("monev.text_required", "action"))
    if follow_up.owner.province_id not in (None, province_id):
        problems.append(Problem("monev.owner_province", "owner"))
    if problems:
        raise MonevError(problems)


@transaction.atomic
def create_follow_up(*, actor: User, point: Point, **fields: Any) -> FollowUp:
    """A follow-up of any point: an action, an owner (institution, person), a due date."""
    province_id = point.session.visit.province_id
    _require_manage(actor, province_id)
    follow_up = FollowUp(point=point, created_by=actor)
    _set(follow_up, fields, FOLLOW_UP_FIELDS)
    follow_up.action = follow_up.action.strip()
    _check_follow_up(follow_up, province_id)
    _save(actor, follow_up)
    notify_follow_up(follow_up, Kind.FOLLOWUP_ASSIGNED, actor=actor)  # rolled back with it
    return follow_up


def _locked(follow_up: FollowUp) -> FollowUp:
    return (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("point__session__visit", "owner")
        .get(pk=follow_up.pk)
    )


@transaction.atomic
def update_follow_up(*, actor: User, follow_up: FollowUp, **changes: Any) -> FollowUp:
    locked = _locked(follow_up)
    province_id = locked.point.session.visit.province_id
    _require_manage(actor, province_id)
    if locked.is_verified:
        raise MonevError([Problem("monev.verified", "")])
    owner_before = (locked.owner_id, locked.owner_user_id)
    names = _set(locked, changes, FOLLOW_UP_FIELDS)
    _check_follow_up(locked, province_id)
    _save(actor, locked, [*names, "updated_at"])
    if (locked.owner_id, locked.owner_user_id) != owner_before:  # handed to someone else
        notify_follow_up(locked, Kind.FOLLOWUP_ASSIGNED, actor=actor)
    return locked


# Status moves by hand; "selesai" and "dibatalkan" leave only through reopen_follow_up.
STATUS_MOVES: dict[str, frozenset[str]] = {
    FollowUp.Status.OPEN: frozenset({"berjalan", "selesai", "dibatalkan"}),
    FollowUp.Status.IN_PROGRESS: frozenset({"belum", "selesai", "dibatalkan"}),
    FollowUp.Status.DONE: frozenset(),
    FollowUp.Status.CANCELLED: frozenset(),
}


def _note(
    actor: User, follow_up: FollowUp, kind: str, text: str, status_to: str = ""
) -> FollowUpNote:
    note = FollowUpNote(
        follow_up=follow_up,
        kind=kind,
        noted_on=timezone.localdate(),
        text=text.strip(),
        status_to=status_to,
        author=actor,
    )
    _save(actor, note)
    return note


@transaction.atomic
def set_follow_up_status(
    *, actor: User, follow_up: FollowUp, status: str, note: str = ""
) -> FollowUp:
    """Move the status (owner or manager); cancelling needs a manager and a reason."""
    locked = _locked(follow_up)
    if not rules.can_update(actor, locked):
        raise MonevError([Problem("monev.verified" if locked.is_verified else "monev.denied", "")])
    if status not in STATUS_MOVES.get(locked.status, frozenset()):
        raise MonevError(
            [
                Problem(
                    "monev.status_move",
                    "status",
                    {"source": locked.get_status_display(), "target": status},
                )
            ]
        )
    if status == FollowUp.Status.CANCELLED:
        if not rules.can_manage(actor, locked.point.session.visit.province_id):
            raise _deny()
        if not note.strip():
            raise MonevError([Problem("monev.reason", "note")])
    locked.status = status
    locked.completed_by = actor if status == FollowUp.Status.DONE else None
    _save(actor, locked, ["status", "completed_by", "updated_at"])
    _note(actor, locked, FollowUpNote.Kind.STATUS, note, status_to=status)
    return locked


@transaction.atomic
def add_note(
    *, actor: User, follow_up: FollowUp, text: str, noted_on: date | None = None
) -> FollowUpNote:
    """A dated progress note (the date is when it happened; not in the future)."""
    locked = _locked(follow_up)
    if not rules.can_update(actor, locked):
        raise _deny()
    if not text.strip():
        raise MonevError([Problem("monev.text_required", "text")])
    today = timezone.localdate()
    note = FollowUpNote(
        follow_up=locked,
        kind=FollowUpNote.Kind.PROGRESS,
        noted_on=min(noted_on or today, today),
        text=text.strip(),
        author=actor,
    )
    _save(actor, note)
    _save(actor, locked, ["updated_at"])
    return note


def _file_problem(exc: ValidationError) -> MonevError:
    return MonevError(
        [Problem("monev.evidence_file", "uploads", {"detail": m}) for m in exc.messages]
    )


@transaction.atomic
def add_evidence(
    *, actor: User, follow_up: FollowUp, uploads: Sequence[UploadedFile]
) -> list[FollowUpEvidence]:
    """Store every file, or none when any is refused (kind by name and first bytes, 5 MB)."""
    locked = _locked(follow_up)
    if not rules.can_update(actor, locked):
        raise _deny()
    if locked.evidence.count() + len(uploads) > MAX_EVIDENCE_PER_FOLLOW_UP:
        raise MonevError(
            [Problem("monev.evidence_count", "uploads", {"n": MAX_EVIDENCE_PER_FOLLOW_UP})]
        )
    try:
        kinds = [files.check_upload(upload) for upload in uploads]
    except ValidationError as exc:
        raise _file_problem(exc) from exc
    with acting_as(actor):
        return files.store_documents(
            uploads, kinds, lambda: FollowUpEvidence(follow_up=locked, uploaded_by=actor)
        )


@transaction.atomic
def verify_follow_up(*, actor: User, follow_up: FollowUp, note: str = "") -> FollowUp:
    """The owner's supervisor level confirms a finished follow-up."""
    locked = _locked(follow_up)
    if not rules.can_verify(actor, locked):
        raise _deny()
    locked.verified_at = timezone.now()
    locked.verified_by = actor
    _save(actor, locked, ["verified_at", "verified_by", "updated_at"])
    _note(actor, locked, FollowUpNote.Kind.VERIFIED, note)
    return locked


@transaction.atomic
def reopen_follow_up(*, actor: User, follow_up: FollowUp, reason: str) -> FollowUp:
    """Back to ``berjalan`` with a reason; a verification, if any, is withdrawn."""
    locked = _locked(follow_up)
    if not rules.can_reopen(actor, locked):
        raise _deny()
    if not reason.strip():
        raise MonevError([Problem("monev.reason", "reason")])
    locked.status = FollowUp.Status.IN_PROGRESS
    locked.completed_by = None
    locked.verified_at = None
    locked.verified_by = None
    fields = ["status", "completed_by", "verified_at", "verified_by", "updated_at"]
    _save(actor, locked, fields)
    _note(actor, locked, FollowUpNote.Kind.REOPENED, reason, status_to=locked.status)
    return locked
