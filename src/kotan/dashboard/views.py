from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kotan.accounts.models import Organization
from kotan.accounts.scoping import scope_queryset, user_scope
from kotan.regions.models import Province, Regency


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = user_scope(request.user)
    regencies = scope_queryset(request.user, Regency.objects.all())
    context = {
        "scope": scope,
        "n_provinces": scope_queryset(request.user, Province.objects.all()).count(),
        "n_regencies": regencies.count(),
        "n_bnnk": scope_queryset(
            request.user, Organization.objects.filter(kind=Organization.Kind.BNNK, is_active=True)
        ).count(),
        "regencies": regencies.select_related("province")[:12]
        if scope.level == "regency"
        else None,
    }
    return render(request, "dashboard/home.html", context)
