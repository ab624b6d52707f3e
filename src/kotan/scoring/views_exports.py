"""Downloads of a run for leaders: the XLSX of its rows and a short PDF summary.

Whoever may read the run's page may download it, with the same rows (their scope); a run
that does not exist answers 404. Nothing is stored, so there is nothing to audit.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from kotan.accounts.permissions import Capability, current_user, require
from kotan.scoring import exports
from kotan.scoring.models import IndexRun


def _run(run_id: int) -> IndexRun:
    return get_object_or_404(IndexRun.objects.select_related("period", "instrument"), pk=run_id)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@require(Capability.VIEW_COLLECTION)
def run_export_xlsx(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(run_id)
    by_province = request.GET.get("per_provinsi") == "1"
    content = exports.results_xlsx(current_user(request), run, by_province=by_province)
    return _download(content, exports.XLSX, f"hasil-ikotan-{run.period.year}-{run.pk}.xlsx")


@require_GET
@require(Capability.VIEW_COLLECTION)
def run_export_pdf(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(run_id)
    content = exports.summary_pdf(current_user(request), run)
    return _download(content, "application/pdf", f"ringkasan-ikotan-{run.period.year}-{run.pk}.pdf")
