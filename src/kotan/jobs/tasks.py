"""The one task that runs every job, and the periodic clean-up of jobs whose worker died."""

from __future__ import annotations

import logging
import traceback
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from kotan.jobs import actions
from kotan.jobs.models import Job
from kotan.jobs.registry import JobFailure, runner
from kotan.method.problems import ProblemsError

logger = logging.getLogger(__name__)

# A running job that reports no progress for this long is taken as dead (its worker killed).
STALE_MINUTES = 30
# A job nobody took from the queue for this long will not run: no worker is running.
QUEUED_HOURS = 24
# Result files (exports, ZIPs of PDFs) are kept this long; the job can make them again.
KEEP_RESULTS_DAYS = 30


def user_message(exc: BaseException) -> str:
    """What the user reads about a failure, in Bahasa Indonesia: the runner's own reason when it
    gave one, the located problems of a refusal, else a plain general message."""
    with translation.override("id"):
        if isinstance(exc, JobFailure):
            return exc.message
        if isinstance(exc, ProblemsError):
            return " ".join(str(p.message()) for p in exc.problems)
        if isinstance(exc, ValidationError):
            return " ".join(str(m) for m in exc.messages)
        if isinstance(exc, DatabaseError):
            return _(
                "Basis data tidak menjawab atau menolak perubahan selama pekerjaan berjalan. "
                "Coba lagi beberapa saat lagi."
            )
        return _(
            "Terjadi kesalahan tak terduga saat menjalankan pekerjaan ini. Coba lagi; bila gagal "
            "lagi, hubungi admin nasional (rincian teknis tercatat untuknya)."
        )


@task()
def run_job(job_id: int) -> str:
    """Run job ``job_id`` once: claim it, call its runner, store the result or the failure.

    Idempotent: a job that is not queued any more (run already, by this or another worker) is
    left as it is. Returns the job's final status.
    """
    job = actions.claim_job(job_id)
    if job is None:
        return Job.objects.filter(pk=job_id).values_list("status", flat=True).first() or "hilang"

    def progress(done: int, total: int, note: str = "") -> None:
        actions.record_progress(job, done, total, note)

    try:
        with translation.override("id"):
            result = runner(job.kind)(job, progress)
    except Exception as exc:
        if not isinstance(exc, JobFailure | ProblemsError | ValidationError):
            logger.exception("job %s (%s) failed", job.pk, job.kind)
        return actions.fail_job(job.pk, user_message(exc), traceback.format_exc()).status
    return actions.finish_job(job, result).status


@task()
def reap_stale_jobs(
    now: datetime | None = None, minutes: int = STALE_MINUTES, queued_hours: int = QUEUED_HOURS
) -> int:
    """Mark as failed every running job without progress for ``minutes`` (its worker died), and
    every job still queued after ``queued_hours`` (no worker took it); returns how many.
    Idempotent: a failed job is neither running nor queued any more."""
    now = now or timezone.now()
    with translation.override("id"):
        silent = _(
            "Pekerjaan berhenti tanpa kabar selama lebih dari %(minutes)d menit (proses "
            "pekerjanya kemungkinan dihentikan). Coba lagi."
        ) % {"minutes": minutes}
        waiting = _(
            "Pekerjaan menunggu di antrean lebih dari %(hours)d jam tanpa dijalankan (pekerja "
            "latar belakang tidak berjalan). Coba lagi, atau hubungi admin nasional."
        ) % {"hours": queued_hours}
    reaped = 0
    for status, field, cutoff, message in (
        (Job.Status.RUNNING, "progress_at", now - timedelta(minutes=minutes), silent),
        (Job.Status.QUEUED, "created_at", now - timedelta(hours=queued_hours), waiting),
    ):
        for pk in actions.stale_jobs(status, field, cutoff):
            reaped += actions.reap_job(pk, status, field, cutoff, message, now)
    return reaped


@task()
def purge_job_results(now: datetime | None = None, days: int = KEEP_RESULTS_DAYS) -> int:
    """Delete the result files of jobs finished more than ``days`` ago (the job stays, and can
    be run again); returns how many. Idempotent: a deleted file is not deleted twice."""
    cutoff = (now or timezone.now()) - timedelta(days=max(days, 1))
    return sum(actions.purge_result(pk, cutoff) for pk in actions.old_results(cutoff))
