"""Every write to jobs: started, claimed by the worker, progressed, finished, failed, retried.

Audited (django-auditlog) except the progress fields, which change many times while a job runs.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kotan.accounts.actions import acting_as
from kotan.accounts.models import User
from kotan.jobs import registry
from kotan.jobs.models import Job
from kotan.jobs.registry import JobResult
from kotan.notifications.send import notify

logger = logging.getLogger(__name__)
Status = Job.Status
NOTE_LENGTH = Job._meta.get_field("progress_note").max_length or 200


def start_job(actor: User, kind: str, label: str, params: dict[str, object]) -> Job:
    """Record the job and put it in the queue; returns it (status "antre").

    Call it outside a transaction: with a queue outside the database (RQ) the worker must find
    the committed row. If the queue cannot take the job, the job is marked failed at once.
    """
    if not registry.is_registered(kind):
        raise ValidationError({"kind": f"unknown job kind: {kind}"})
    job = _create(actor=actor, kind=kind, label=label, params=params, retry_of=None)
    return _enqueue(job)


def retry_job(actor: User, job: Job) -> Job:
    """A new job with the same kind, label and params, for the same starter (whose scope the
    work runs in), ``retry_of`` the failed one."""
    if not job.can_retry:
        raise ValidationError(
            _(
                "Hanya pekerjaan yang gagal, atau yang berkas hasilnya sudah dihapus, yang "
                "dapat dijalankan lagi."
            )
        )
    retry = _create(
        actor=actor,
        kind=job.kind,
        label=job.label,
        params=job.params,
        retry_of=job,
        started_by=job.started_by,
    )
    return _enqueue(retry)


@transaction.atomic
def _create(
    *,
    actor: User,
    kind: str,
    label: str,
    params: dict[str, object],
    retry_of: Job | None,
    started_by: User | None = None,
) -> Job:
    job = Job(
        kind=kind,
        label=label[:200],
        started_by=started_by or actor,
        params=params,
        retry_of=retry_of,
    )
    job.full_clean()
    with acting_as(actor):
        job.save()
    return job


def _enqueue(job: Job) -> Job:
    from kotan.jobs.tasks import run_job

    try:
        result = run_job.enqueue(job.pk)
    except Exception as exc:  # the queue's own failure (Redis down): the job cannot run
        logger.exception("job %s could not be queued", job.pk)
        with translation.override("id"):
            message = _(
                "Pekerjaan tidak dapat dimasukkan ke antrean (layanan antrean tidak menjawab). "
                "Coba lagi beberapa saat lagi."
            )
        return fail_job(job.pk, message, f"{type(exc).__name__}: {exc}")
    job.task_result_id = str(result.id)[:64]
    with acting_as(job.started_by):
        job.save(update_fields=["task_result_id"])
    return job


@transaction.atomic
def claim_job(job_id: int, now: datetime | None = None) -> Job | None:
    """Mark a queued job running; None if it is not queued (run already, or gone)."""
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.status != Status.QUEUED:
        return None
    now = now or timezone.now()
    job.status = Status.RUNNING
    job.started_at = now
    job.progress_at = now
    with acting_as(job.started_by):
        job.save(update_fields=["status", "started_at", "progress_at"])
    return job


def record_progress(job: Job, done: int, total: int, note: str = "") -> None:
    """Progress as the runner reports it; not audited, committed at once (the page reads it)."""
    job.progress_done = max(0, min(done, total)) if total else max(0, done)
    job.progress_total = max(0, total)
    job.progress_note = str(note)[:NOTE_LENGTH]
    job.progress_at = timezone.now()
    job.save(update_fields=["progress_done", "progress_total", "progress_note", "progress_at"])


def _job_url(job: Job) -> str:
    return reverse("job_detail", args=[job.pk])


@transaction.atomic
def finish_job(job: Job, result: JobResult) -> Job:
    """Store what the runner made and tell the starter."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.status == Status.DONE:
        return job
    fields = ["status", "finished_at", "result_url", "error", "error_detail", "progress_done"]
    if result.content is not None:
        content = result.content
        suffix = PurePath(result.filename).suffix[:10]
        stored = ContentFile(content) if isinstance(content, bytes) else File(content)
        try:
            # A random stored name: the file is served only through the job's download page.
            job.result_file.save(f"{uuid.uuid4().hex}{suffix}", stored, save=False)
        finally:
            stored.close()
        job.result_name = PurePath(result.filename or "hasil").name[:200]
        job.result_content_type = result.content_type[:100]
        fields += ["result_file", "result_name", "result_content_type"]
    job.status = Status.DONE
    job.finished_at = timezone.now()
    job.result_url = result.url[:500]
    job.error = job.error_detail = ""
    job.progress_done = job.progress_total
    with acting_as(job.started_by):
        job.save(update_fields=fields)
        with translation.override("id"):
            notify(
                [job.started_by],
                "task_finished",
                _("Selesai: %(label)s") % {"label": job.label},
                _("Hasilnya siap dibuka atau diunduh."),
                _job_url(job),
                key=f"job-{job.pk}-selesai",
            )
    return job


@transaction.atomic
def fail_job(job_id: int, message: str, detail: str = "") -> Job:
    """Mark the job failed with ``message`` for the user (Bahasa Indonesia), ``detail`` for
    national admins (a traceback), and tell the starter. A finished job stays finished."""
    job = Job.objects.select_for_update().get(pk=job_id)
    if job.status not in (Status.DONE, Status.FAILED):
        _mark_failed(job, message, detail, timezone.now())
    return job


@transaction.atomic
def reap_job(
    job_id: int, status: str, field: str, cutoff: datetime, message: str, now: datetime
) -> bool:
    """Fail a job still in ``status`` whose ``field`` (its last sign of life) is before
    ``cutoff``; False if it is not (any more)."""
    job = Job.objects.select_for_update().get(pk=job_id)
    last = getattr(job, field)
    if job.status != status or (last is not None and last >= cutoff):
        return False
    _mark_failed(job, message, f"reaped: {status}, {field} before {cutoff.isoformat()}", now)
    return True


def _mark_failed(job: Job, message: str, detail: str, now: datetime) -> None:
    job.status = Status.FAILED
    job.finished_at = now
    job.error = message
    job.error_detail = detail
    with acting_as(job.started_by):
        job.save(update_fields=["status", "finished_at", "error", "error_detail"])
        with translation.override("id"):
            notify(
                [job.started_by],
                "task_failed",
                _("Gagal: %(label)s") % {"label": job.label},
                message,
                _job_url(job),
                key=f"job-{job.pk}-gagal",
            )


def stale_jobs(status: str, field: str, cutoff: datetime) -> list[int]:
    """Jobs in ``status`` whose ``field`` (their last sign of life) is before ``cutoff``."""
    return list(
        Job.objects.filter(status=status, **{f"{field}__lt": cutoff})
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def purge_result(job_id: int, cutoff: datetime) -> bool:
    """Delete the result file of a job finished before ``cutoff``; False if there is none."""
    job = Job.objects.select_for_update().get(pk=job_id)
    if not job.result_file or job.finished_at is None or job.finished_at >= cutoff:
        return False
    job.result_file.delete(save=False)  # a file already gone is not an error
    with acting_as(None):
        job.save(update_fields=["result_file"])
    return True


def old_results(cutoff: datetime) -> list[int]:
    return list(
        Job.objects.filter(finished_at__lt=cutoff)
        .exclude(result_file="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
