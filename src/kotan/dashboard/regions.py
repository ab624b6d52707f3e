from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kotan.accounts.models import Organization, User
from kotan.accounts.permissions import Capability, has_capability, require
from kotan.accounts.queries import covering_units
from kotan.accounts.scoping import get_scoped_or_404, scope_queryset
from kotan.regions.models import Province, Regency


@require(Capability.VIEW_REGIONS)
def province_list(request: HttpRequest) -> HttpResponse:
    regencies = scope_queryset(request.user, Regency.objects.all())
    provinces = (
        scope_queryset(request.user, Province.objects.all())
        .annotate(
            n_regencies=Count("regencies", filter=Q(regencies__in=regencies)),
            n_kota=Count("regencies", filter=Q(regencies__in=regencies, regencies__kind="kota")),
        )
        .order_by("code")
    )
    return render(request, "regions/province_list.html", {"provinces": provinces})


@require(Capability.VIEW_REGIONS)
def province_detail(request: HttpRequest, code: str) -> HttpResponse:
    province = get_scoped_or_404(request.user, Province.objects.all(), code=code)
    regencies = list(scope_queryset(request.user, province.regencies.all()))
    units = covering_units(regencies)
    rows = [(r, units[r.pk]) for r in regencies]
    return render(request, "regions/province_detail.html", {"province": province, "rows": rows})


@require(Capability.VIEW_REGIONS)
def regency_detail(request: HttpRequest, code: str) -> HttpResponse:
    regency = get_scoped_or_404(request.user, Regency.objects.select_related("province"), code=code)
    unit = covering_units([regency])[regency.pk]
    institutions = scope_queryset(
        request.user, Organization.objects.filter(regency=regency).exclude(kind="bnnk")
    )
    users = None
    if has_capability(request.user, Capability.VIEW_USERS):
        users = scope_queryset(
            request.user, User.objects.filter(regency=regency).select_related("organization")
        )
    return render(
        request,
        "regions/regency_detail.html",
        {"regency": regency, "unit": unit, "institutions": institutions, "users": users},
    )
