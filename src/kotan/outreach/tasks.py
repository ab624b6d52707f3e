"""Outreach's periodic job, as a task for the worker: the day's reminders and summaries."""

from __future__ import annotations

from datetime import date

from django_tasks import task

from kotan.outreach.actions import run_reminders


@task()
def send_reminders(today: str | None = None) -> dict[str, int]:
    """Send the reminders and summaries due ``today`` (ISO date; default: the local date).
    Idempotent: each message has a unique key, so a second run sends nothing."""
    result = run_reminders(date.fromisoformat(today) if today else None)
    return {"emails": result.emails, "whatsapp": result.whatsapp, "summaries": result.summaries}
