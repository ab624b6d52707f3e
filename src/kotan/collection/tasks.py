"""Collection's background jobs, as tasks for the worker (``kotan db_worker``).

Each is idempotent: run twice, it finds nothing left to do the second time.
"""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from kotan.collection.evidence import purge_abandoned_drafts
from kotan.collection.ingest import reprocess_pending


@task()
def reprocess_pending_submissions(older_than_seconds: int = 300) -> int:
    """Finish raw submissions stored but never parsed; returns how many were processed."""
    return len(reprocess_pending(timedelta(seconds=older_than_seconds)))


@task()
def purge_drafts(days: int = 30) -> list[int]:
    """Delete drafts that can never be sent; returns [drafts, documents] deleted."""
    return list(purge_abandoned_drafts(timedelta(days=max(days, 1))))
