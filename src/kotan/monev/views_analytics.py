"""Monev analytics page, in the user's scope, filtered by year and province."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kotan.accounts.permissions import Capability, current_user, require
from kotan.accounts.scoping import scope_queryset
from kotan.monev import analytics as data
from kotan.monev.models import Visit
from kotan.monev.views import province_filter, year_filter
from kotan.regions.models import Province


@require(Capability.VIEW_MONEV)
def analytics(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    year, province = year_filter(request), province_filter(request, user)
    visits = scope_queryset(user, Visit.objects.all())
    regencies, run = data.regency_rows(user, year, province)
    return render(
        request,
        "monev/analytics.html",
        {
            "years": sorted(set(visits.values_list("year", flat=True)), reverse=True),
            "provinces": Province.objects.filter(pk__in=visits.values("province")),
            "year": year,
            "province": province,
            "by_year": data.theme_table(user, "year", year, province),
            "by_province": data.theme_table(user, "province", year, province),
            "overdue": data.overdue_by_owner(user, year, province),
            "regencies": regencies,
            "run": run,
        },
    )
