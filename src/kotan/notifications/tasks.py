"""Notification background jobs, as tasks for the worker (``kotan db_worker``)."""

from __future__ import annotations

import logging

from django_tasks import task
from post_office import mail

logger = logging.getLogger(__name__)


@task()
def deliver_email() -> int:
    """Send the queued emails; returns how many were sent.

    A message the mail server refuses is requeued by post_office for a later run
    (POST_OFFICE MAX_RETRIES, RETRY_INTERVAL), then marked failed; it never raises out of here
    with the queue lost. Idempotent: a sent message leaves the queue, so a second run sends
    nothing again.
    """
    sent, failed, requeued = mail.send_queued()
    if failed or requeued:
        logger.warning("email: %s sent, %s failed for good, %s to retry", sent, failed, requeued)
    return sent
