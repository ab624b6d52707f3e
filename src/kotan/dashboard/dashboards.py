"""The figures of the dashboards per scope (national, one province, one regency).

Which runs: these pages are for signed-in users, so they read every FINAL run, published or
not; provisional runs are left out (they change until the period closes). Per year the latest
final run counts (the one a re-run replaced is history, not a second measurement). The public
pages under /publik/ read published runs only; that rule lives in ``kotan.public``.

Everything is restricted with ``kotan.accounts.scoping``: a province operator sees the tiles of
other provinces without a value, and a regency user sees only the regencies of their scope.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from statistics import fmean

from django.db.models import Avg, Count, F, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from kotan.accounts.models import User
from kotan.accounts.permissions import Capability, has_capability
from kotan.accounts.scoping import scope_queryset
from kotan.collection.models import Period
from kotan.collection.progress import ProgressReport, progress_report
from kotan.core import charts, maps
from kotan.instruments.queries import published_spec
from kotan.monev.models import FollowUp
from kotan.regions.models import Province, Regency
from kotan.scoring.models import IndexRun, RegencyResult

INTERVAL_ROWS = 60  # above this many regencies the chart shows the 30 best and 30 last


@dataclass(frozen=True)
class Area:
    """The region a dashboard is about: the nation, one province or one regency."""

    province: Province | None = None
    regency: Regency | None = None

    @property
    def name(self) -> str:
        if self.regency is not None:
            return self.regency.name
        return self.province.name if self.province is not None else _("Nasional")


@dataclass(frozen=True)
class ResultRow:
    code: str
    name: str
    province_code: str
    index: float | None
    category: str
    category_label: str
    rank: int | None
    rank_low: int | None
    rank_high: int | None
    p_same: float | None
    href: str


@dataclass
class Chart:
    svg: str
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Dashboard:
    area: Area
    run: IndexRun | None
    results: list[ResultRow] = field(default_factory=list)
    tiles: Chart | None = None
    dots: Chart | None = None
    categories: Chart | None = None
    intervals: Chart | None = None
    intervals_cut: bool = False
    profile: Chart | None = None
    trend: Chart | None = None
    progress: list[tuple[ProgressReport, Chart]] = field(default_factory=list)
    overdue: list[FollowUp] | None = None


def final_runs() -> list[IndexRun]:
    """The latest final run of each year, oldest year first."""
    latest: dict[int, IndexRun] = {}
    for run in IndexRun.objects.filter(kind=IndexRun.Kind.FINAL).select_related("period"):
        latest.setdefault(run.period.year, run)  # ordered newest first
    return [latest[year] for year in sorted(latest)]


def _in_area(qs: QuerySet[RegencyResult], area: Area) -> QuerySet[RegencyResult]:
    if area.regency is not None:
        return qs.filter(regency=area.regency)
    if area.province is not None:
        return qs.filter(regency__province=area.province)
    return qs


def _rows(user: User, run: IndexRun, area: Area) -> list[ResultRow]:
    labels = run.category_labels
    qs = _in_area(
        scope_queryset(user, run.results.select_related("regency__province")), area
    ).order_by(F("rank_national").asc(nulls_last=True), "regency__code")
    return [
        ResultRow(
            code=r.regency.code,
            name=r.regency.name,
            province_code=r.regency.province.code,
            index=r.index,
            category=r.category,
            category_label=str(labels.get(r.category, r.category or "–")),
            rank=r.rank_national,
            rank_low=r.rank_ci_low,
            rank_high=r.rank_ci_high,
            p_same=r.p_same_category,
            href=reverse("dashboard_regency", args=[r.regency.code]),
        )
        for r in qs
    ]


def _mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return fmean(present) if present else None


def _answer_scale(run: IndexRun) -> tuple[float, float]:
    """The answer scale of the run's instrument: the axis of index and variable scores."""
    spec = published_spec(run.instrument)
    return float(spec.scale_min), float(spec.scale_max)


def _scale(run: IndexRun) -> tuple[float, float]:
    """The colour scale of the tile map: the category bands' range when they are on the answer
    scale (as the index is), otherwise the answer scale itself."""
    bands = run.bands or []
    if bands and run.method.get("scheme_scale", "answer") == "answer":
        return float(bands[0]["lower"]), float(bands[-1]["upper"])
    return _answer_scale(run)


def _tiles(user: User, run: IndexRun) -> Chart:
    """Province means over every regency of the run (an aggregate, like the national mean of
    the profile), shown only for the provinces in the user's scope."""
    means = {
        row["regency__province__code"]: (row["mean"], row["n"])
        for row in run.results.order_by()
        .values("regency__province__code")
        .annotate(mean=Avg("index"), n=Count("index"))
    }
    seen = set(scope_queryset(user, Province.objects.all()).values_list("code", flat=True))
    names = dict(Province.objects.values_list("code", "name"))
    tiles = []
    table = []
    for code in maps.tile_positions():
        mean, n = means.get(code, (None, 0)) if code in seen else (None, 0)
        href = reverse("dashboard_province", args=[code]) if code in seen else ""
        tiles.append(maps.Tile(code, names.get(code, code), mean, href))
        if code in seen:
            table.append([names.get(code, code), charts.fmt(mean), str(n)])
    low, high = _scale(run)
    svg = maps.tile_map(tiles, low=low, high=high, title=_("Rata-rata indeks per provinsi"))
    headers = [_("Provinsi"), _("Rata-rata indeks"), _("Kabupaten/kota berindeks")]
    return Chart(svg, headers, table)


def _dots(run: IndexRun, rows: list[ResultRow], fit: bool) -> Chart:
    dots = [maps.Dot(r.code, r.name, r.category or None, r.category_label, r.href) for r in rows]
    svg = maps.dot_map(
        dots,
        legend={b["code"]: str(label) for label, b in run.labelled_bands},
        title=_("Kategori per kabupaten/kota"),
        fit=fit,
    )
    table = [[r.name, charts.fmt(r.index), r.category_label] for r in rows]
    return Chart(svg, [_("Kabupaten/kota"), _("Indeks"), _("Kategori")], table)


def _categories(run: IndexRun, rows: list[ResultRow]) -> Chart:
    counts = Counter(r.category for r in rows)
    bands = [(b["code"], str(label)) for label, b in run.labelled_bands]
    pairs = [(label, counts.get(code, 0)) for code, label in bands]
    colours = [charts.category_colour(code) for code, _label in bands]
    if counts.get(""):
        pairs.append((_("Tanpa kategori (data tidak cukup)"), counts[""]))
        colours.append(charts.NO_CATEGORY)
    svg = charts.bar_chart(pairs, unit=_("wilayah"), colours=colours, title=_("Sebaran kategori"))
    return Chart(svg, [_("Kategori"), _("Jumlah kabupaten/kota")], [[k, str(v)] for k, v in pairs])


def _intervals(rows: list[ResultRow], total: int) -> tuple[Chart, bool]:
    ranked = [r for r in rows if r.rank is not None]
    cut = len(ranked) > INTERVAL_ROWS
    shown = ranked[: INTERVAL_ROWS // 2] + ranked[-INTERVAL_ROWS // 2 :] if cut else ranked
    svg = charts.interval_chart(
        [
            (r.name, r.rank or 0, r.rank_low or r.rank or 0, r.rank_high or r.rank or 0, r.category)
            for r in shown
        ],
        total=total,
        title=_("Peringkat dan rentang peringkat"),
    )
    table = [
        [
            r.name,
            str(r.rank),
            f"{r.rank_low or '–'}–{r.rank_high or '–'}",
            charts.fmt(None if r.p_same is None else 100 * r.p_same, 0),
        ]
        for r in ranked
    ]
    headers = [
        _("Kabupaten/kota"),
        _("Peringkat"),
        _("Rentang 5–95 %"),
        _("Peluang tetap di kategori (%)"),
    ]
    return Chart(svg, headers, table), cut


def _variable_names(run: IndexRun) -> dict[str, str]:
    return {v.code: v.name for v in published_spec(run.instrument).variables}


def _profile(run: IndexRun, area: Area) -> Chart | None:
    results = list(run.results.filter(status=RegencyResult.Status.OK).select_related("regency"))
    if not results:
        return None
    codes = list(results[0].variables)
    names = _variable_names(run)

    def means(subset: list[RegencyResult]) -> list[float | None]:
        return [_mean([r.variables.get(c) for r in subset]) for c in codes]

    series: dict[str, list[float | None]] = {}
    if area.regency is not None:
        own = [r for r in results if r.regency_id == area.regency.pk]
        series[area.regency.name] = means(own)
    province = area.province or (area.regency.province if area.regency else None)
    if province is not None:
        series[province.name] = means([r for r in results if r.regency.province_id == province.pk])
    series[_("Nasional")] = means(results)
    labels = [names.get(c, c) for c in codes]
    low, high = _answer_scale(run)
    svg = charts.profile_chart(
        labels, series, min_value=low, max_value=high, title=_("Profil skor variabel")
    )
    table = [[label] + [charts.fmt(series[s][i]) for s in series] for i, label in enumerate(labels)]
    return Chart(svg, [_("Variabel"), *series], table)


def _trend(runs: list[IndexRun], area: Area) -> Chart | None:
    if not runs:
        return None
    years = [run.period.year for run in runs]
    province = area.province or (area.regency.province if area.regency else None)
    results = RegencyResult.objects.filter(run__in=runs)
    scopes: list[tuple[str, QuerySet[RegencyResult]]] = []
    if area.regency is not None:
        scopes.append((area.regency.name, results.filter(regency=area.regency)))
    if province is not None:
        scopes.append((province.name, results.filter(regency__province=province)))
    scopes.append((_("Nasional"), results))
    series: dict[str, list[float | None]] = {}
    for name, qs in scopes:  # one grouped query per line of the chart, whatever the years
        grouped = qs.order_by().values("run_id").annotate(mean=Avg("index"))
        means = dict(grouped.values_list("run_id", "mean"))
        series[name] = [means.get(run.pk) for run in runs]
    low, high = _answer_scale(runs[-1])
    svg = charts.trend_chart(
        years, series, min_value=low, max_value=high, title=_("Rata-rata indeks per tahun")
    )
    table = [[str(y)] + [charts.fmt(series[s][i]) for s in series] for i, y in enumerate(years)]
    return Chart(svg, [_("Tahun"), *series], table)


def _progress(user: User, area: Area, today: date) -> list[tuple[ProgressReport, Chart]]:
    out = []
    periods = Period.objects.filter(status=Period.Status.OPEN).select_related("instrument")
    for period in periods.order_by("-year"):
        report = progress_report(user, period, today=today)
        if area.province is None and area.regency is None:
            pairs = [(p.name, p.total.percent) for p in report.provinces]
        else:
            pairs = [
                (r.regency_name, r.total.percent)
                for r in report.rows
                if (area.regency is None or r.regency_code == area.regency.code)
                and (area.province is None or r.province_code == area.province.code)
            ]
        svg = charts.bar_chart(
            pairs,
            max_value=100,
            unit="%",
            title=_("Kelengkapan pengisian %(period)s") % {"period": period.name},
        )
        table = [[name, charts.fmt(pct, 0)] for name, pct in pairs]
        out.append((report, Chart(svg, [_("Wilayah"), _("Lengkap (%)")], table)))
    return out


def _overdue(user: User, area: Area, today: date) -> list[FollowUp] | None:
    if not has_capability(user, Capability.VIEW_MONEV):
        return None
    qs = scope_queryset(user, FollowUp.objects.filter(FollowUp.overdue_q(today)))
    province = area.province or (area.regency.province if area.regency else None)
    if province is not None:
        qs = qs.filter(point__session__visit__province=province)
    return list(
        qs.select_related("owner", "point__session__visit__province").order_by("due_on")[:50]
    )


def build(user: User, area: Area, today: date) -> Dashboard:
    runs = final_runs()
    run = runs[-1] if runs else None
    board = Dashboard(area, run)
    if run is not None:
        board.results = _rows(user, run, area)
        board.tiles = _tiles(user, run)
        board.dots = _dots(
            run, board.results, fit=area.province is not None or area.regency is not None
        )
        board.categories = _categories(run, board.results)
        board.intervals, board.intervals_cut = _intervals(board.results, run.results.count())
        board.profile = _profile(run, area)
        board.trend = _trend(runs, area)
    board.progress = _progress(user, area, today)
    board.overdue = _overdue(user, area, today)
    return board
