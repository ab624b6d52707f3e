"""The dashboards per scope: /dasbor/ (national), /dasbor/<province>/, /dasbor/<regency>/.

Load, authorise through ``kotan.accounts.scoping`` (a region outside the scope is a 404), then
read the figures (``dashboards.build``) and render. Read-only pages: no POST is accepted.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kotan.accounts.permissions import Capability, current_user, require
from kotan.accounts.scoping import Level, get_scoped_or_404, user_scope
from kotan.dashboard.dashboards import Area, build
from kotan.regions.models import Province, Regency


def _render(request: HttpRequest, area: Area) -> HttpResponse:
    board = build(current_user(request), area, timezone.localdate())
    return render(request, "dashboard/dash_board.html", {"board": board, "area": area})


@require_GET
@require(Capability.VIEW_COLLECTION)
def national(request: HttpRequest) -> HttpResponse:
    """The national dashboard; a user with a regional scope is sent to their own one."""
    user = current_user(request)
    level = user_scope(user).level
    if level == Level.REGENCY and user.regency is not None:
        return redirect("dashboard_regency", user.regency.code)
    if level == Level.PROVINCE and user.province is not None:
        return redirect("dashboard_province", user.province.code)
    if level != Level.NATIONAL:
        raise Http404
    return _render(request, Area())


@require_GET
@require(Capability.VIEW_COLLECTION)
def province(request: HttpRequest, code: str) -> HttpResponse:
    area = Area(province=get_scoped_or_404(request.user, Province.objects.all(), code=code))
    return _render(request, area)


@require_GET
@require(Capability.VIEW_COLLECTION)
def regency(request: HttpRequest, code: str) -> HttpResponse:
    found = get_scoped_or_404(request.user, Regency.objects.select_related("province"), code=code)
    return _render(request, Area(regency=found))
