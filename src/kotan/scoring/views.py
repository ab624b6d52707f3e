"""Result pages: the runs, a run's ranked table, one regency's result and how it was computed.

Everyone with a region scope reads the results of the regencies in that scope (another
region's answer 404, like rows that do not exist); only national admins compute runs. A run
is computed in the background (a kotan.jobs job, ``scoring/jobs.py``): the page checks that it
may be computed, queues it and opens the job's progress page, which links to the run.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kotan.accounts.permissions import Capability, current_user, has_capability, require
from kotan.accounts.scoping import get_scoped_or_404, scope_queryset
from kotan.collection.models import Answer, Period
from kotan.jobs.actions import start_job
from kotan.jobs.models import Job
from kotan.scoring import runs
from kotan.scoring.jobs import INDEX_RUN
from kotan.scoring.models import IndexRun, RegencyResult
from kotan.scoring.reports import regency_report
from kotan.scoring.runs import FinalReadiness


def _can_compute(request: HttpRequest) -> bool:
    return has_capability(request.user, Capability.COMPUTE_RESULTS)


class ComputeForm(forms.Form):
    period = forms.ModelChoiceField(Period.objects.all(), widget=forms.HiddenInput)
    final = forms.BooleanField(label=gettext_lazy("Perhitungan final"), required=False)
    bootstrap = forms.IntegerField(
        label=gettext_lazy("Replikasi bootstrap"), min_value=0, max_value=5000, initial=1000
    )


@dataclass(frozen=True)
class PeriodRuns:
    period: Period
    runs: Sequence[IndexRun]
    readiness: FinalReadiness | None  # only for those who may compute
    form: ComputeForm | None
    pending: Sequence[Job] = ()  # runs queued or being computed (for those who may compute)


def _pending_runs(can_compute: bool) -> dict[int, list[Job]]:
    if not can_compute:
        return {}
    by_period: dict[int, list[Job]] = {}
    jobs = Job.objects.filter(kind=INDEX_RUN, status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
    for job in jobs.order_by("pk"):
        by_period.setdefault(int(job.params.get("period", 0)), []).append(job)
    return by_period


@require(Capability.VIEW_COLLECTION)
def run_list(request: HttpRequest) -> HttpResponse:
    can_compute = _can_compute(request)
    by_period: dict[int, list[IndexRun]] = {}
    for run in IndexRun.objects.select_related("created_by").order_by("-created_at", "-pk"):
        by_period.setdefault(run.period_id, []).append(run)
    pending = _pending_runs(can_compute)
    sections = []
    for period in Period.objects.order_by("-year"):
        if not can_compute and period.pk not in by_period:
            continue
        sections.append(
            PeriodRuns(
                period,
                by_period.get(period.pk, []),
                runs.final_readiness(period) if can_compute else None,
                ComputeForm(initial={"period": period.pk}) if can_compute else None,
                pending.get(period.pk, []),
            )
        )
    return render(
        request,
        "scoring/run_list.html",
        {"sections": sections, "can_compute": can_compute},
    )


@require_POST
@require(Capability.VIEW_COLLECTION)
def run_compute(request: HttpRequest) -> HttpResponse:
    if not _can_compute(request):
        raise PermissionDenied
    form = ComputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Isian perhitungan tidak valid."))
        return redirect("run_list")
    period, final = form.cleaned_data["period"], form.cleaned_data["final"]
    bootstrap = form.cleaned_data["bootstrap"]
    refused = runs.refusal(current_user(request), period, final)
    if refused is not None:
        for problem in refused.problems:
            messages.error(request, problem.message())
        return redirect("run_list")
    with translation.override("id"):  # stored once, in the language of the record
        label = (
            _("Perhitungan indeks final %(period)s (B=%(b)d)")
            if final
            else _("Perhitungan indeks sementara %(period)s (B=%(b)d)")
        ) % {"period": period.name, "b": bootstrap}
    job = start_job(
        current_user(request),
        INDEX_RUN,
        label,
        {"period": period.pk, "final": final, "bootstrap": bootstrap},
    )
    return redirect("job_detail", job_id=job.pk)


@dataclass(frozen=True)
class Row:
    result: RegencyResult
    category: str | Promise


def _run(run_id: int) -> IndexRun:
    return get_object_or_404(
        IndexRun.objects.select_related("period", "created_by", "instrument"), pk=run_id
    )


@require(Capability.VIEW_COLLECTION)
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(run_id)
    labels = run.category_labels
    results = (
        scope_queryset(request.user, RegencyResult.objects.filter(run=run))
        .select_related("regency__province")
        .order_by(F("rank_national").asc(nulls_last=True), "regency__code")
    )
    rows = [Row(r, labels.get(r.category, "")) for r in results]
    return render(
        request,
        "scoring/run_detail.html",
        {
            "run": run,
            "rows": rows,
            "n_ranked": RegencyResult.objects.filter(run=run, status="ok").count(),
        },
    )


@require(Capability.VIEW_COLLECTION)
def run_regency(request: HttpRequest, run_id: int, code: str) -> HttpResponse:
    run = _run(run_id)
    result = get_scoped_or_404(
        request.user,
        RegencyResult.objects.filter(run=run).select_related("regency__province"),
        regency__code=code,
    )
    report = regency_report(run, result)
    return render(
        request,
        "scoring/run_regency.html",
        {
            "run": run,
            "r": result,
            "category": run.category_labels.get(result.category, ""),
            **vars(report),
        },
    )


@require(Capability.VIEW_COLLECTION)
def run_regency_answers(request: HttpRequest, run_id: int, code: str) -> HttpResponse:
    """The answers this regency's result counts, as they are in the database now."""
    run = _run(run_id)
    result = get_scoped_or_404(
        request.user,
        RegencyResult.objects.filter(run=run).select_related("regency"),
        regency__code=code,
    )
    answers = (
        Answer.objects.filter(
            response__assignment__period=run.period_id,
            response__assignment__regency=result.regency,
            response__excluded=False,
        )
        .order_by(
            "response__receipt_number",
            "item__indicator__variable__order",
            "item__indicator__order",
            "item__order",
        )
        .values_list(
            "response__receipt_number", "response__unit__code", "item__code", "value", "score"
        )
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="jawaban-{code}-perhitungan-{run.pk}.csv"'
    )
    writer = csv.writer(response, lineterminator="\n")
    writer.writerow(["receipt_number", "regency_code", "unit_code", "item_code", "value", "score"])
    for receipt, unit, item, value, score in answers.iterator(chunk_size=5000):
        writer.writerow([receipt, code, unit, item, value, "" if score is None else repr(score)])
    return response
