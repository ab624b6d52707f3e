"""The jobs' pages: my jobs, one job's progress and result, its download, a retry.

A job is seen only by who started it and by national admins; for anyone else it does not
exist (404). Every role may have jobs (each starts its own from the pages it may use).
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kotan.accounts.models import Role
from kotan.accounts.permissions import Capability, current_user, require
from kotan.jobs import actions
from kotan.jobs.models import Job

PAGE_SIZE = 30
REFRESH_SECONDS = 2
# Every role has VIEW_COLLECTION: it stands here for "signed in with a region scope".
SIGNED_IN = Capability.VIEW_COLLECTION


def _job(request: HttpRequest, job_id: int) -> Job:
    jobs = Job.objects.visible_to(request.user).select_related("started_by", "retry_of")
    return get_object_or_404(jobs, pk=job_id)


@require(SIGNED_IN)
def job_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    jobs = Job.objects.visible_to(user).select_related("started_by")
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("halaman"))
    return render(
        request,
        "jobs/job_list.html",
        {"page": page, "everyone": user.role == Role.NATIONAL_ADMIN},
    )


@never_cache
@require(SIGNED_IN)
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    return render(
        request,
        "jobs/job_detail.html",
        {
            "job": job,
            "refresh": REFRESH_SECONDS if job.is_pending else None,
            "show_detail": current_user(request).role == Role.NATIONAL_ADMIN,
            "retries": list(job.retries.order_by("pk")),
        },
    )


@never_cache
@require(SIGNED_IN)
def job_status(request: HttpRequest, job_id: int) -> JsonResponse:
    job = _job(request, job_id)
    return JsonResponse(
        {
            "id": job.pk,
            "status": job.status,
            "status_label": job.get_status_display(),
            "done": job.progress_done,
            "total": job.progress_total,
            "note": job.progress_note,
            "error": job.error,
            "result_url": job.result_url,
            "download": bool(job.result_file),
        }
    )


@require_POST
@require(SIGNED_IN)
def job_retry(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    try:
        retry = actions.retry_job(current_user(request), job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("job_detail", job_id=job.pk)
    return redirect("job_detail", job_id=retry.pk)


@require(SIGNED_IN)
def job_download(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    if job.status != Job.Status.DONE or not job.result_file:
        raise Http404
    try:
        handle = job.result_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    answer = FileResponse(
        handle,
        as_attachment=True,
        filename=job.result_name or "hasil",
        content_type=job.result_content_type or "application/octet-stream",
        headers={"X-Content-Type-Options": "nosniff"},
    )
    # A streamed file: ``require`` passes any response through, its signature names the usual.
    return cast(HttpResponse, answer)
