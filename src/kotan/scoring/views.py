"""Result pages: the runs, a run's ranked table, one regency's result and how it was computed.

Everyone with a region scope reads the results of the regencies in that scope (another
region's answer 404, like rows that do not exist); only national admins compute runs.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kotan.accounts.permissions import Capability, current_user, has_capability, require
from kotan.accounts.scoping import get_scoped_or_404, scope_queryset
from kotan.collection.models import Answer, Period, Quota
from kotan.instruments.queries import instrument_spec
from kotan.scoring import runs
from kotan.scoring.models import IndexRun, RegencyResult
from kotan.scoring.runs import FinalReadiness

ViewFunc = Callable[..., HttpResponse]


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


@require(Capability.VIEW_COLLECTION)
def run_list(request: HttpRequest) -> HttpResponse:
    can_compute = _can_compute(request)
    by_period: dict[int, list[IndexRun]] = {}
    for run in IndexRun.objects.select_related("created_by").order_by("-created_at", "-pk"):
        by_period.setdefault(run.period_id, []).append(run)
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
    try:
        run = runs.compute_run(
            actor=current_user(request),
            period=form.cleaned_data["period"],
            final=form.cleaned_data["final"],
            bootstrap=form.cleaned_data["bootstrap"],
        )
    except runs.RunError as exc:
        for problem in exc.problems:
            messages.error(request, problem.message(getattr(request, "LANGUAGE_CODE", "id")))
        return redirect("run_list")
    messages.success(request, _("Indeks dihitung dan disimpan."))
    return redirect("run_detail", run_id=run.pk)


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


@dataclass(frozen=True)
class Part:
    code: str
    name: str
    weight: float | None
    score: float | None
    score_100: float | None
    parent: str = ""


def _on_100(value: float | None, low: float, high: float) -> float | None:
    return None if value is None else (value - low) / (high - low) * 100.0


@require(Capability.VIEW_COLLECTION)
def run_regency(request: HttpRequest, run_id: int, code: str) -> HttpResponse:
    run = _run(run_id)
    result = get_scoped_or_404(
        request.user,
        RegencyResult.objects.filter(run=run).select_related("regency__province"),
        regency__code=code,
    )
    spec = instrument_spec(run.instrument)
    lo, hi = spec.scale_min, spec.scale_max
    variables = [
        Part(
            v.code,
            v.name,
            v.weight,
            result.variables.get(v.code),
            _on_100(result.variables.get(v.code), lo, hi),
        )
        for v in spec.variables
    ]
    indicators = [
        Part(
            d.code,
            d.name,
            d.weight,
            result.indicators.get(d.code),
            _on_100(result.indicators.get(d.code), lo, hi),
            v.code,
        )
        for v in spec.variables
        for d in v.indicators
    ]
    quotas: Mapping[str, int] = dict(
        Quota.objects.filter(assignment__period=run.period_id, assignment__regency=result.regency)
        .order_by()
        .values_list("unit__code", "quota")
    )
    units = [(u, result.n_by_unit.get(u.code, 0), quotas.get(u.code, u.quota)) for u in spec.units]
    current = runs.read_input(run.period, spec, instrument=run.instrument, regency=result.regency)
    labels = run.category_labels
    return render(
        request,
        "scoring/run_regency.html",
        {
            "run": run,
            "r": result,
            "category": labels.get(result.category, ""),
            "spec": spec,
            "variables": variables,
            "indicators": indicators,
            "units": units,
            "n_quota": sum(q for _u, _n, q in units),
            "n_ranked": RegencyResult.objects.filter(run=run, status="ok").count(),
            "n_province": RegencyResult.objects.filter(
                run=run, status="ok", regency__province=result.regency.province_id
            ).count(),
            "unchanged": current.regency_digests.get(code) == result.input_digest,
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
