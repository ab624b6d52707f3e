"""Public pages of one published year: a regency, the methodology, the awards.

No sign-in: everyone may read them. Everything is read through ``kotan.public.queries``, so a
year without a public run (none, provisional only, unpublished, withdrawn) answers 404. Only
figures are shown: no answer, no respondent, no count per observation unit; a regency without
enough data shows no scores at all, only that its data were not enough.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Avg, Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kotan.core import charts
from kotan.instruments.queries import published_spec
from kotan.method.engine import rescale_100
from kotan.public.awards import awards
from kotan.public.methodology import methodology
from kotan.public.queries import PUBLIC_RESULT_FIELDS, published_run, published_runs
from kotan.scoring.models import IndexRun, RegencyResult

OK = RegencyResult.Status.OK


@dataclass(frozen=True)
class ProfileRow:
    code: str
    name: str
    regency: float | None  # 0-100
    province: float | None
    nation: float | None


@dataclass(frozen=True)
class TrendRow:
    year: int
    result: RegencyResult | None  # None: the regency was not measured that year
    category: str | Promise
    n_ranked: int
    province_mean: float | None
    nation_mean: float | None
    current: bool


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _profile(run: IndexRun, result: RegencyResult) -> list[ProfileRow]:
    """The regency's variable scores beside the means of its province and of the nation, 0-100,
    over the ranked regencies of the run."""
    spec = published_spec(run.instrument)
    by_province: dict[str, list[float]] = defaultdict(list)
    nation: dict[str, list[float]] = defaultdict(list)
    rows = RegencyResult.objects.filter(run=run, status=OK).values_list(
        "regency__province_id", "variables"
    )
    for province, variables in rows:
        for code, value in variables.items():
            if value is None:
                continue
            nation[code].append(value)
            if province == result.regency.province_id:
                by_province[code].append(value)

    def scaled(value: float | None) -> float | None:
        return None if value is None else rescale_100(value, spec.scale_min, spec.scale_max)

    return [
        ProfileRow(
            v.code,
            v.name,
            scaled(result.variables.get(v.code)),
            scaled(_mean(by_province[v.code])),
            scaled(_mean(nation[v.code])),
        )
        for v in spec.variables
    ]


def _trend(run: IndexRun, result: RegencyResult) -> list[TrendRow]:
    """The regency in every published year, oldest first, with its province's and the
    nation's mean index (0-100) of that year."""
    runs = sorted(published_runs(), key=lambda r: r.period.year)
    run_ids = [r.pk for r in runs]
    mine = {
        r.run_id: r
        for r in RegencyResult.objects.filter(run_id__in=run_ids, regency=result.regency_id).only(
            *PUBLIC_RESULT_FIELDS
        )
    }
    ranked = RegencyResult.objects.filter(run_id__in=run_ids, status=OK).order_by()
    nation = {
        row["run_id"]: (row["mean"], row["n"])
        for row in ranked.values("run_id").annotate(mean=Avg("index_100"), n=Count("pk"))
    }
    province = {
        row["run_id"]: row["mean"]
        for row in ranked.filter(regency__province=result.regency.province_id)
        .values("run_id")
        .annotate(mean=Avg("index_100"))
    }
    trend = []
    for r in runs:
        own = mine.get(r.pk)
        label = r.category_labels.get(own.category, "") if own is not None else ""
        trend.append(
            TrendRow(
                year=r.period.year,
                result=own,
                category=label,
                n_ranked=nation.get(r.pk, (None, 0))[1],
                province_mean=province.get(r.pk),
                nation_mean=nation.get(r.pk, (None, 0))[0],
                current=r.pk == run.pk,
            )
        )
    return trend


def _interval_level(run: IndexRun) -> int:
    low, high = run.method.get("ci_percentiles") or (5.0, 95.0)
    return round(float(high) - float(low))


def _profile_chart(rows: list[ProfileRow], names: tuple[str, str, str]) -> SafeString:
    series = {
        names[0]: [r.regency for r in rows],
        names[1]: [r.province for r in rows],
        names[2]: [r.nation for r in rows],
    }
    svg = charts.profile_chart(
        [r.code for r in rows],
        series,
        max_value=100,
        title=_("Profil variabel (skala 0–100)"),
        digits=1,
    )
    return mark_safe(svg)  # noqa: S308 - charts escape every piece of text they draw


def _trend_chart(rows: list[TrendRow], names: tuple[str, str, str]) -> SafeString:
    def own(row: TrendRow) -> float | None:
        return row.result.index_100 if row.result is not None and row.result.is_ok else None

    svg = charts.trend_chart(
        [r.year for r in rows],
        {
            names[0]: [own(r) for r in rows],
            names[1]: [r.province_mean for r in rows],
            names[2]: [r.nation_mean for r in rows],
        },
        max_value=100,
        title=_("Indeks per tahun (skala 0–100)"),
        digits=1,
    )
    return mark_safe(svg)  # noqa: S308 - charts escape every piece of text they draw


@require_safe
def public_regency(request: HttpRequest, tahun: int, code: str) -> HttpResponse:
    run = published_run(tahun)
    result = get_object_or_404(
        RegencyResult.objects.select_related("regency__province").only(
            *PUBLIC_RESULT_FIELDS,
            "variables",
            "regency__code",
            "regency__name",
            "regency__kind",
            "regency__province__code",
            "regency__province__name",
        ),
        run=run,
        regency__code=code,
    )
    regency = result.regency
    names = (regency.name, regency.province.name, _("Nasional"))
    context: dict[str, object] = {
        "run": run,
        "year": tahun,
        "r": result,
        "regency": regency,
        "category": run.category_labels.get(result.category, ""),
        "level": _interval_level(run),
        "names": names,
    }
    ranked = RegencyResult.objects.filter(run=run, status=OK)
    context["n_ranked"] = ranked.count()
    context["n_province"] = ranked.filter(regency__province=regency.province_id).count()
    if result.is_ok:
        profile = _profile(run, result)
        context["profile"] = profile
        context["profile_chart"] = _profile_chart(profile, names)
    trend = _trend(run, result)
    context["trend"] = trend
    if len(trend) > 1:
        context["trend_chart"] = _trend_chart(trend, names)
    return render(request, "public/regency.html", context)


@require_safe
def public_methodology(request: HttpRequest, tahun: int) -> HttpResponse:
    run = published_run(tahun)
    return render(request, "public/methodology.html", {"year": tahun, "m": methodology(run)})


@require_safe
def public_awards(request: HttpRequest, tahun: int) -> HttpResponse:
    run = published_run(tahun)
    return render(
        request,
        "public/awards.html",
        {"year": tahun, "run": run, "awards": awards(run), "level": _interval_level(run)},
    )
