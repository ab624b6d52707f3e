"""Scoring's long work, run as background jobs (kotan.jobs): the index run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from kotan.jobs.registry import JobFailure, JobResult, Progress, register

if TYPE_CHECKING:
    from kotan.jobs.models import Job

INDEX_RUN = "index_run"
register(INDEX_RUN, "kotan.scoring.jobs.run_index")


def run_index(job: Job, progress: Progress) -> JobResult:
    """Compute the run asked for in ``job.params`` as its starter; the result is its page."""
    from kotan.collection.models import Period
    from kotan.scoring import runs

    params = job.params
    period = Period.objects.filter(pk=params.get("period")).first()
    if period is None:
        raise JobFailure(_("Periode yang akan dihitung tidak ditemukan lagi."))
    run = runs.compute_run(
        actor=job.started_by,
        period=period,
        final=bool(params.get("final")),
        bootstrap=int(params.get("bootstrap", 1000)),
        progress=progress,
    )
    return JobResult(url=reverse("run_detail", args=[run.pk]))
