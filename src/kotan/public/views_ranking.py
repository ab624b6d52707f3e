"""Public pages: the years with a published run, one year's ranking, and its open data.

No sign-in. Only published final runs (``kotan.public.queries``); any other year is 404.
The ranking page reads a constant number of queries whatever the filters: the run, the
provinces of its regencies, the count and one page of rows.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.db.models.expressions import OrderBy
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kotan.public import opendata
from kotan.public.queries import public_results, published_run, published_runs
from kotan.regions.models import Province
from kotan.scoring.models import RegencyResult

PER_PAGE = 100
SORTS: dict[str, tuple[str | OrderBy, str]] = {
    "rank": (F("rank_national").asc(nulls_last=True), "regency__code"),
    "name": ("regency__name", "regency__code"),
    "index": (F("index").desc(nulls_last=True), "regency__code"),
}
LICENCE_LINK = f'<{opendata.LICENCE_URL}>; rel="license"'


@require_GET
def public_years(request: HttpRequest) -> HttpResponse:
    return render(request, "public/years.html", {"runs": list(published_runs())})


def _filtered(
    results: QuerySet[RegencyResult], q: str, province: str, category: str
) -> QuerySet[RegencyResult]:
    if q:
        results = results.filter(regency__name__icontains=q)
    if province:
        results = results.filter(regency__province__code=province)
    if category:
        results = results.filter(category=category)
    return results


@require_GET
def public_ranking(request: HttpRequest, tahun: int) -> HttpResponse:
    run = published_run(tahun)
    labels = run.category_labels
    provinces = list(
        Province.objects.filter(
            pk__in=RegencyResult.objects.filter(run=run).values("regency__province")
        )
        .only("code", "name")
        .order_by("name")
    )
    q = request.GET.get("q", "").strip()[:100]
    province = request.GET.get("provinsi", "")
    if province not in {p.code for p in provinces}:
        province = ""
    category = request.GET.get("kategori", "")
    if category not in labels:
        category = ""
    sort = request.GET.get("sort", "rank")
    if sort not in SORTS:
        sort = "rank"
    results = _filtered(public_results(run), q, province, category).order_by(*SORTS[sort])
    page = Paginator(results, PER_PAGE).get_page(request.GET.get("halaman"))
    rows = [(r, labels.get(r.category, "")) for r in page.object_list]
    keep = request.GET.copy()
    keep.pop("halaman", None)
    by_sort = request.GET.copy()
    by_sort.pop("halaman", None)
    by_sort.pop("sort", None)
    response = render(
        request,
        "public/ranking.html",
        {
            "run": run,
            "rows": rows,
            "page": page,
            "provinces": provinces,
            "q": q,
            "province": province,
            "category": category,
            "sort": sort,
            "keep": keep.urlencode(),
            "keep_sort": by_sort.urlencode(),
            "licence_name": opendata.LICENCE_NAME,
            "licence_url": opendata.LICENCE_URL,
            "attribution": opendata.ATTRIBUTION,
            "ci_percent": 90,
        },
    )
    response["Link"] = LICENCE_LINK
    return response


@require_GET
def public_data(request: HttpRequest, tahun: int, fmt: str) -> HttpResponse:
    if fmt not in opendata.FORMATS:
        raise Http404("unknown format")
    run = published_run(tahun)
    build, content_type = opendata.FORMATS[fmt]
    response = HttpResponse(build(run), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="ikotan-{tahun}.{fmt}"'
    response["Link"] = LICENCE_LINK
    response["Access-Control-Allow-Origin"] = "*"
    return response
