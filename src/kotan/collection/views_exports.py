"""Large exports of collection, made in the background: the responses of a period as XLSX.

Every role that reads responses (VIEW_COLLECTION) may export those of its own scope; a period
without any assignment in the scope answers 404 like one that does not exist.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kotan.accounts.permissions import Capability, current_user, require
from kotan.accounts.scoping import scope_queryset
from kotan.collection.exports import period_in_scope, start_period_job
from kotan.collection.jobs import RESPONSES_XLSX
from kotan.collection.models import Response


@require(Capability.VIEW_COLLECTION)
def export_page(request: HttpRequest, year: int) -> HttpResponse:
    """What the export holds, and the button that starts it."""
    period = period_in_scope(current_user(request), year)
    responses = Response.objects.filter(assignment__period=period)
    return render(
        request,
        "collection/exports/responses.html",
        {"period": period, "n_responses": scope_queryset(request.user, responses).count()},
    )


@require_POST
@require(Capability.VIEW_COLLECTION)
def export_start(request: HttpRequest, year: int) -> HttpResponse:
    period = period_in_scope(current_user(request), year)
    job = start_period_job(current_user(request), period, RESPONSES_XLSX)
    return redirect("job_detail", job_id=job.pk)
