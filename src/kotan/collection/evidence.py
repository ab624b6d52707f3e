"""Supporting documents (Perda, SK, budget lines) uploaded with the institutional questionnaire.

A file is accepted only when its extension and its first bytes agree on one of the allowed
kinds, and it is at most 5 MB. Stored names are generated here, never taken from the user.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import PurePath
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kotan.collection.models import (
    Draft,
    Evidence,
    RespondentLink,
    Response,
    collecting,
)

MAX_BYTES = 5 * 1024 * 1024
MAX_FILES_PER_DRAFT = 10
LINK_BYTES_PER_USE = 20 * 1024 * 1024
UNLIMITED_LINK_USES = 10  # a link without a use limit gets the budget of ten uses
# The part of the questionnaire that may carry documents: the government institutions.
EVIDENCE_UNITS = frozenset({"gov"})
ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


@dataclass(frozen=True)
class Kind:
    content_type: str
    magic: bytes
    extension: str  # the one extension stored files of this kind get


PDF = Kind("application/pdf", b"%PDF-", ".pdf")
JPEG = Kind("image/jpeg", b"\xff\xd8\xff", ".jpg")
PNG = Kind("image/png", b"\x89PNG\r\n\x1a\n", ".png")
KINDS_BY_EXTENSION = {".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG}


def check_file(name: str, head: bytes, size: int) -> tuple[Kind | None, str]:
    """The kind of a file from its name, first bytes and size; or None and why not (no I/O)."""
    kind = KINDS_BY_EXTENSION.get(PurePath(name).suffix.lower())
    if kind is None:
        return None, _("Berkas '%(name)s' ditolak: hanya PDF, JPEG atau PNG yang diterima.") % {
            "name": name
        }
    if size > MAX_BYTES:
        return None, _("Berkas '%(name)s' terlalu besar: maksimum 5 MB.") % {"name": name}
    if size == 0 or not head.startswith(kind.magic):
        return None, _(
            "Isi berkas '%(name)s' tidak sesuai dengan jenisnya: hanya PDF, JPEG atau PNG "
            "asli yang diterima."
        ) % {"name": name}
    return kind, ""


def check_upload(upload: UploadedFile) -> Kind:
    """The kind of an uploaded file; ValidationError (in Bahasa Indonesia) when refused."""
    name = display_name(upload.name or "")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind, message = check_file(name, head, upload.size or 0)
    if kind is None:
        raise ValidationError(message, code="evidence")
    return kind


def display_name(name: str) -> str:
    """The user's file name, for showing only: last path part, printable, at most 200 chars."""
    base = PurePath(name.replace("\\", "/")).name
    return "".join(c for c in base if c.isprintable())[-200:] or "berkas"


def link_budget(link: RespondentLink) -> int:
    """Bytes of documents all drafts of one respondent link may hold: enough for every use
    of the link, so one public link cannot be used to store without end."""
    return LINK_BYTES_PER_USE * max(1, link.max_uses or UNLIMITED_LINK_USES)


def check_room(draft: Draft | None, count: int, size: int = 0) -> None:
    """At most MAX_FILES_PER_DRAFT documents per questionnaire, and at most the link's
    budget of bytes over all its drafts (anonymous uploads)."""
    have = Evidence.objects.filter(draft=draft).count() if draft is not None else 0
    if have + count > MAX_FILES_PER_DRAFT:
        raise ValidationError(
            _("Paling banyak %(n)d dokumen per kuesioner.") % {"n": MAX_FILES_PER_DRAFT},
            code="evidence_count",
        )
    link = draft.link if draft is not None else None
    if link is not None and link_used(link) + size > link_budget(link):
        raise ValidationError(_budget_message(link), code="evidence_budget")


def link_used(link: RespondentLink) -> int:
    """Bytes of documents stored through one link: on its drafts and its responses."""
    used = Evidence.objects.filter(Q(draft__link=link) | Q(response__link=link)).aggregate(
        total=Sum("size")
    )["total"]
    return int(used or 0)


def _budget_message(link: RespondentLink) -> str:
    return _(
        "Tautan ini sudah menampung dokumen sebanyak batasnya (%(mb)d MB). "
        "Hubungi petugas BNN yang memberi tautan."
    ) % {"mb": link_budget(link) // (1024 * 1024)}


R = TypeVar("R", bound=Model)


def store_documents(
    uploads: Sequence[UploadedFile], kinds: Sequence[Kind], new_row: Callable[[], R]
) -> list[R]:
    """Store checked uploads as rows of a document model (``file``, ``original_name``,
    ``content_type``, ``size``, ``sha256``): all of them, or none and no file left behind.

    ``new_row`` gives an unsaved row with its owner set; call it inside a transaction.
    """
    stored: list[R] = []
    try:
        for upload, kind in zip(uploads, kinds, strict=True):
            upload.seek(0)
            digest = hashlib.file_digest(upload, "sha256").hexdigest()
            upload.seek(0)
            row: Any = new_row()
            row.original_name = display_name(upload.name or "")
            row.content_type = kind.content_type
            row.size = upload.size or 0
            row.sha256 = digest
            # The storage name is ours: a random hex name with the kind's extension.
            row.file.save(f"{uuid.uuid4().hex}{kind.extension}", upload, save=False)
            stored.append(row)
            row.save()
    except Exception:
        _delete_files(stored)
        raise
    return stored


def store_evidence(draft: Draft, uploads: Sequence[UploadedFile]) -> list[Evidence]:
    """Check every file, then store them all, or none when any is refused (ValidationError)."""
    check_room(draft, len(uploads), sum(upload.size or 0 for upload in uploads))
    kinds = [check_upload(upload) for upload in uploads]
    with transaction.atomic():
        return store_documents(uploads, kinds, lambda: Evidence(draft=draft))


def remove_evidence(draft: Draft, evidence_id: int) -> bool:
    """Remove a document from a draft not yet sent; False when there is no such document."""
    evidence = Evidence.objects.filter(
        pk=evidence_id, draft=draft, response__isnull=True, draft__submitted_receipt=""
    ).first()
    if evidence is None:
        return False
    with transaction.atomic():
        evidence.delete()
        transaction.on_commit(lambda: _delete_files([evidence]))
    return True


def attach_uploads(response_id: int, uploads: Sequence[UploadedFile]) -> list[dict[str, str]]:
    """Documents sent with a questionnaire from a device (the offline outbox): each file is
    checked and stored on the response; a file already on it (same SHA-256: a resend) is
    skipped. Returns the refused files with the reason, for the sender to show."""
    response = Response.objects.select_related("unit", "link").get(pk=response_id)
    room = link_budget(response.link) - link_used(response.link) if response.link else None
    refused: list[dict[str, str]] = []
    accepted: list[tuple[UploadedFile, Kind]] = []
    have = set(Evidence.objects.filter(response=response).values_list("sha256", flat=True))
    for upload in uploads:
        name = display_name(upload.name or "")
        if response.unit.code not in EVIDENCE_UNITS:
            refused.append({"name": name, "detail": _("Unit ini tidak menerima dokumen.")})
            continue
        try:
            kind = check_upload(upload)
        except ValidationError as error:
            refused.append({"name": name, "detail": " ".join(error.messages)})
            continue
        digest = hashlib.file_digest(upload, "sha256").hexdigest()
        upload.seek(0)
        if digest in have:
            continue
        if len(have) + len(accepted) >= MAX_FILES_PER_DRAFT:
            refused.append(
                {
                    "name": name,
                    "detail": _("Paling banyak %(n)d dokumen per kuesioner.")
                    % {"n": MAX_FILES_PER_DRAFT},
                }
            )
            continue
        if room is not None and response.link is not None:
            if (upload.size or 0) > room:
                refused.append({"name": name, "detail": _budget_message(response.link)})
                continue
            room -= upload.size or 0
        have.add(digest)
        accepted.append((upload, kind))
    if accepted:
        with transaction.atomic():
            store_documents(
                [u for u, _k in accepted],
                [k for _u, k in accepted],
                lambda: Evidence(response=response),
            )
    return refused


def attach_evidence(draft: Draft, response_id: int) -> int:
    """The draft's documents belong to the response it became."""
    return Evidence.objects.filter(draft=draft).update(response_id=response_id)


def _delete_files(rows: Iterable[Any]) -> None:
    for row in rows:
        if row.file.name:
            row.file.storage.delete(row.file.name)


def purge_abandoned_drafts(older_than: timedelta, now: datetime | None = None) -> tuple[int, int]:
    """Delete drafts that can never be sent, with their documents: never sent, untouched for
    ``older_than``, and their assignment no longer takes answers (submitted, final, or its
    period closed). Returns (drafts, documents) deleted. A sent draft stays: its documents
    belong to its response."""
    cutoff = (now or timezone.now()) - older_than
    still_open = collecting("assignment__")
    drafts = Draft.objects.filter(submitted_receipt="", updated_at__lt=cutoff).exclude(still_open)
    with transaction.atomic():
        documents = list(Evidence.objects.filter(draft__in=drafts, response__isnull=True))
        Evidence.objects.filter(pk__in=[d.pk for d in documents]).delete()
        _total, per_model = drafts.delete()
        transaction.on_commit(lambda: _delete_files(documents))
    return per_model.get(Draft._meta.label, 0), len(documents)
