"""The web questionnaire's drafts: saved section by section, sent through ingestion."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from kotan.accounts.models import User
from kotan.collection import evidence
from kotan.collection.actions import TransitionError
from kotan.collection.ingest import IngestResult, ingest_submission
from kotan.collection.models import (
    Assignment,
    Channel,
    Draft,
    RawSubmission,
    RespondentLink,
)
from kotan.instruments.models import ObservationUnit
from kotan.method.problems import Problem, register_messages

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
