"""Collection's background jobs, as tasks for the worker (``kotan db_worker``).

Each is idempotent: run twice, it finds nothing left to do the second time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from kotan.collection.evidence import purge_abandoned_drafts
from kotan.collection.ingest import reprocess_pending
from kotan.collection.models import RespondentLink, collecting
from kotan.notifications import recipients
from kotan.notifications.models import Kind
from kotan.notifications.send import notify


@task()
def reprocess_pending_submissions(older_than_seconds: int = 300) -> int:
    """Finish raw submissions stored but never parsed; returns how many were processed."""
    return len(reprocess_pending(timedelta(seconds=older_than_seconds)))


@task()
def purge_drafts(days: int = 30) -> list[int]:
    """Delete drafts that can never be sent; returns [drafts, documents] deleted."""
    return list(purge_abandoned_drafts(timedelta(days=max(days, 1))))


def expiring_links(now: datetime, days: int) -> list[RespondentLink]:
    """Links that still take answers, of assignments that still collect, and that expire within
    ``days``: the respondents who have not answered yet are about to lose their way in."""
    return list(
        RespondentLink.objects.filter(
            collecting("assignment__"),
            is_active=True,
            expires_at__gt=now,
            expires_at__lte=now + timedelta(days=days),
        )
        .filter(Q(max_uses__isnull=True) | Q(use_count__lt=F("max_uses")))
        .select_related("assignment__regency", "assignment__period", "unit", "created_by")
    )


def warn_expiring_links_now(now: datetime | None = None, days: int = 3) -> int:
    """Tell the link's maker and the office responsible for its assignment, once per expiry
    date (extending a link earns a new warning); returns how many notices were made."""
    now = now or timezone.now()
    told = 0
    for link in expiring_links(now, days):
        assignment = link.assignment
        people = recipients.everyone_but(
            None,
            [link.created_by] if link.created_by and link.created_by.is_active else [],
            recipients.organization_people(assignment.responsible_id),
        )
        with translation.override(settings.LANGUAGE_CODE):
            until = formats.date_format(timezone.localtime(link.expires_at), "j F Y H:i")
            title = _("Tautan %(label)s kedaluwarsa %(until)s") % {
                "label": link.label or link.unit.name,
                "until": until,
            }
            body = _(
                "%(regency)s, %(unit)s: dipakai %(used)s kali. Perpanjang tautan bila responden "
                "masih akan mengisi."
            ) % {"regency": assignment.regency.name, "unit": link.unit.name, "used": link.use_count}
        told += notify(
            people,
            Kind.LINK_EXPIRING,
            title,
            body=body,
            url=reverse("link_detail", args=[link.pk]),
            key=f"link-expiring:{link.pk}:{link.expires_at.isoformat()}",
        )
    return told


@task()
def warn_expiring_links(now: str | None = None, days: int = 3) -> int:
    """The periodic job: links expiring within ``days`` (``now`` as ISO text, for tests)."""
    return warn_expiring_links_now(datetime.fromisoformat(now) if now else None, days)
