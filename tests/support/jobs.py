"""Background jobs in tests: the real worker run once, and small runners registered for tests."""

from __future__ import annotations

from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.test import Client

from kotan.accounts.models import User
from kotan.jobs.models import Job
from kotan.jobs.registry import JobFailure, JobResult, Progress, register

# What the progress page showed at each step of ``counting`` (read back from the database).
SEEN: list[tuple[int, int, str]] = []


def run_worker() -> None:
    """What `kotan db_worker` does, once: every task waiting, then stop.

    Between tasks the worker closes connections whose autocommit differs from the settings;
    inside a test's transaction that is every connection, so that one clean-up is skipped."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command(
            "db_worker", "--batch", "--no-startup-delay", stdout=StringIO(), stderr=StringIO()
        )


def client_for(user: User | None) -> Client:
    """A client signed in as ``user`` (None: anonymous)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def counting(job: Job, progress: Progress) -> JobResult:
    """Three steps, then a small text file named after ``params["name"]``."""
    SEEN.clear()
    for step in range(3):
        progress(step, 3, f"Langkah {step + 1}")
        stored = Job.objects.get(pk=job.pk)
        SEEN.append((stored.progress_done, stored.progress_total, stored.progress_note))
    name = str(job.params.get("name", "hasil"))
    return JobResult(
        content=f"isi {name}".encode(), filename=f"{name}.txt", content_type="text/plain"
    )


def crashing(job: Job, progress: Progress) -> JobResult:
    """Fails with a programming error on the first attempt; a retry succeeds."""
    progress(1, 4, "Setengah jalan")
    if job.retry_of_id is None:
        raise RuntimeError("boom: a bug, not the user's fault")
    return JobResult(url="/hasil/")


def refusing(job: Job, progress: Progress) -> JobResult:
    raise JobFailure("Periode yang akan dihitung tidak ditemukan lagi.")


register("test_counting", "tests.support.jobs.counting")
register("test_crashing", "tests.support.jobs.crashing")
register("test_refusing", "tests.support.jobs.refusing")
