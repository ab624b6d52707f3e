"""Every write of collection data but submissions: periods, assignments, links, exclusions.

Submissions from every channel go through ``kotan.collection.ingest.ingest_submission``."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from kotan.accounts.actions import acting_as
from kotan.accounts.models import Organization, Role, User
from kotan.accounts.permissions import Capability, has_capability
from kotan.accounts.queries import covering_units
from kotan.accounts.scoping import scope_queryset
from kotan.collection.models import (
    Assignment,
    Period,
    Quota,
    RespondentLink,
    Response,
)
from kotan.instruments.actions import lock_instrument
from kotan.instruments.models import Instrument
from kotan.method.problems import Problem, ProblemsError, register_messages
from kotan.notifications import recipients
from kotan.notifications.models import Kind
from kotan.notifications.send import notify
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
    # Told inside the transaction: a failed transition leaves no notification behind.
    bnnk = [
        recipients.regency_operators(locked.regency_id),
        recipients.organization_people(locked.responsible_id),
    ]
    bnnp = [recipients.province_operators(locked.regency.province_id)]
    groups, kind, title = {
        "submit": (bnnp, Kind.ASSIGNMENT_SUBMITTED, _("Penugasan %(name)s menunggu verifikasi")),
        "verify": (
            [recipients.national_admins()],
            Kind.ASSIGNMENT_SUBMITTED,
            _("Penugasan %(name)s sudah diverifikasi, menunggu finalisasi"),
        ),
        "finalize": ([*bnnk, *bnnp], Kind.ASSIGNMENT_FINALIZED, _("Penugasan %(name)s final")),
        "return": (bnnk, Kind.ASSIGNMENT_RETURNED, _("Penugasan %(name)s dikembalikan")),
    }[action]
    with translation.override(settings.LANGUAGE_CODE):  # stored text: the source language
        body = _("Oleh %(actor)s.") % {"actor": actor.get_full_name()}
        if action == "return":
            body = _("Alasan: %(reason)s") % {"reason": locked.returned_reason} + "\n" + body
        notify(
            recipients.everyone_but(actor, *groups),
            kind,
            str(title) % {"name": locked},
            body=body,
            url=reverse("assignment_detail", args=[locked.pk]),
        )
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
