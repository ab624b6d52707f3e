"""Notification background jobs, as tasks for the worker (``kotan db_worker``)."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import connection
from django_tasks import task
from post_office import mail

logger = logging.getLogger(__name__)

# Longer than any delivery run takes; a crashed worker's lock expires by itself.
LOCK_SECONDS = 10 * 60


def delivery_lock_key() -> str:
    """One delivery at a time per database (the queue lives there)."""
    return f"kotan:deliver_email:{connection.settings_dict['NAME']}"


@task()
def deliver_email() -> int:
    """Send the queued emails; returns how many were sent.

    A message the mail server refuses is requeued by post_office for a later run
    (POST_OFFICE MAX_RETRIES, RETRY_INTERVAL), then marked failed; it never raises out of here
    with the queue lost. Idempotent: a sent message leaves the queue, and a run that finds
    another one still sending (two workers, a slow server) sends nothing, so no message goes
    out twice. The lock is shared between processes through the cache (Redis when
    KOTAN_REDIS_URL is set; without it, run a single worker).
    """
    key = delivery_lock_key()
    if not cache.add(key, "1", timeout=LOCK_SECONDS):
        logger.info("email: another delivery is still running")
        return 0
    try:
        sent, failed, requeued = mail.send_queued()
    finally:
        cache.delete(key)
    if failed or requeued:
        logger.warning("email: %s sent, %s failed for good, %s to retry", sent, failed, requeued)
    return sent
