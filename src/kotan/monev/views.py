"""Monev pages: visits, their team, sessions and points.

Everyone with VIEW_MONEV reads the visits of their region; BNNP and the centre (MANAGE_MONEV)
plan and record them. Out-of-scope rows answer 404 (the scoping helper), in-scope rows a role
may not change answer 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kotan.accounts.models import User
from kotan.accounts.permissions import Capability, current_user, has_capability, require
from kotan.accounts.scoping import get_scoped_or_404, scope_queryset
from kotan.monev import actions, rules
from kotan.monev.forms import PointForm, SessionForm, TeamMemberForm, VisitForm, show_problems
from kotan.monev.models import FollowUp, Point, Session, TeamMember, Visit
from kotan.regions.models import Province

PAGE_SIZE = 50


def visit_for(user: User, pk: int) -> Visit:
    return get_scoped_or_404(user, Visit.objects.select_related("province"), pk=pk)


def _session(user: User, pk: int) -> Session:
    return get_scoped_or_404(user, Session.objects.select_related("visit__province"), pk=pk)


def point_for(user: User, pk: int) -> Point:
    return get_scoped_or_404(user, Point.objects.select_related("session__visit__province"), pk=pk)


def manage_or_403(user: User, province_id: int) -> None:
    if not rules.can_manage(user, province_id):
        raise PermissionDenied


def year_filter(request: HttpRequest) -> int | None:
    value = request.GET.get("tahun", "").strip()
    return int(value) if value.isdigit() else None


def province_filter(request: HttpRequest, user: User) -> Province | None:
    code = request.GET.get("provinsi", "").strip()
    if not code:
        return None
    return get_scoped_or_404(user, Province.objects.all(), code=code)


@require(Capability.VIEW_MONEV)
def visit_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    visits = scope_queryset(user, Visit.objects.select_related("province"))
    years = sorted(set(visits.values_list("year", flat=True)), reverse=True)
    provinces = Province.objects.filter(pk__in=visits.values("province")).order_by("code")
    year, province = year_filter(request), province_filter(request, user)
    if year:
        visits = visits.filter(year=year)
    if province:
        visits = visits.filter(province=province)
    today = timezone.localdate()
    follow_ups = "sessions__points__follow_ups"
    visits = visits.annotate(
        n_sessions=Count("sessions", distinct=True),
        n_points=Count("sessions__points", distinct=True),
        n_follow_ups=Count(follow_ups, distinct=True),
        n_overdue=Count(
            follow_ups,
            filter=Q(
                **{f"{follow_ups}__status__in": FollowUp.ACTIVE, f"{follow_ups}__due_on__lt": today}
            ),
            distinct=True,
        ),
    ).order_by("-starts_on", "-pk")
    return render(
        request,
        "monev/visit_list.html",
        {
            "page": Paginator(visits, PAGE_SIZE).get_page(request.GET.get("halaman")),
            "years": years,
            "year": year,
            "provinces": provinces,
            "province": province,
            "can_create": has_capability(user, Capability.MANAGE_MONEV),
        },
    )


@require(Capability.MANAGE_MONEV)
def visit_create(request: HttpRequest) -> HttpResponse:
    """Pick the province first (one choice for a BNNP), then the visit's facts."""
    user = current_user(request)
    provinces = scope_queryset(user, Province.objects.all())
    code = request.GET.get("provinsi", "")
    if not code and provinces.count() == 1:
        code = provinces.get().code
    if not code:
        return render(request, "monev/visit_province.html", {"provinces": provinces})
    province = get_scoped_or_404(user, provinces, code=code)
    form = VisitForm(
        request.POST or None, province=province, initial={"year": timezone.localdate().year}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            visit = actions.create_visit(
                actor=user, province=province, regencies=data.pop("regencies"), **data
            )
        except actions.MonevError as exc:
            show_problems(form, exc)
        else:
            messages.success(request, _("Kunjungan dibuat. Tambahkan tim dan sesinya."))
            return redirect("monev_visit_detail", pk=visit.pk)
    return render(request, "monev/visit_form.html", {"form": form, "province": province})


@require(Capability.MANAGE_MONEV)
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    visit = visit_for(user, pk)
    manage_or_403(user, visit.province_id)
    form = VisitForm(request.POST or None, instance=visit_for(user, pk), province=visit.province)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            actions.update_visit(actor=user, visit=visit, regencies=data.pop("regencies"), **data)
        except actions.MonevError as exc:
            show_problems(form, exc)
        else:
            messages.success(request, _("Kunjungan disimpan."))
            return redirect("monev_visit_detail", pk=visit.pk)
    return render(
        request, "monev/visit_form.html", {"form": form, "province": visit.province, "visit": visit}
    )


@require(Capability.VIEW_MONEV)
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    visit = visit_for(user, pk)
    points = Point.objects.select_related("regency").prefetch_related(
        "themes",
        Prefetch("follow_ups", queryset=FollowUp.objects.select_related("owner")),
    )
    sessions = visit.sessions.prefetch_related("institutions", Prefetch("points", queryset=points))
    can_manage = rules.can_manage(user, visit.province_id)
    return render(
        request,
        "monev/visit_detail.html",
        {
            "visit": visit,
            "regencies": visit.regencies.all(),
            "team": visit.team.select_related("user"),
            "sessions": sessions,
            "can_manage": can_manage,
            "member_form": TeamMemberForm(users=team_users(visit)) if can_manage else None,
            "today": timezone.localdate(),
        },
    )


def team_users(visit: Visit) -> QuerySet[User]:
    """Accounts that can join a visit's team: the centre's and the province's."""
    return User.objects.filter(
        Q(province__isnull=True, regency__isnull=True) | Q(province=visit.province_id),
        is_active=True,
    ).order_by("full_name", "username")


@require_POST
@require(Capability.MANAGE_MONEV)
def team_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    visit = visit_for(user, pk)
    manage_or_403(user, visit.province_id)
    form = TeamMemberForm(request.POST, users=team_users(visit))
    if form.is_valid():
        try:
            actions.add_team_member(actor=user, visit=visit, **form.cleaned_data)
        except actions.MonevError as exc:
            show_problems(form, exc)
    for error in form.errors.values():
        messages.error(request, " ".join(str(e) for e in error))
    return redirect("monev_visit_detail", pk=visit.pk)


@require_POST
@require(Capability.MANAGE_MONEV)
def team_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    member = get_scoped_or_404(user, TeamMember.objects.select_related("visit"), pk=pk)
    manage_or_403(user, member.visit.province_id)
    actions.remove_team_member(actor=user, member=member)
    return redirect("monev_visit_detail", pk=member.visit_id)


@require(Capability.MANAGE_MONEV)
def session_form(
    request: HttpRequest, pk: int | None = None, visit_pk: int | None = None
) -> HttpResponse:
    """Add a session to a visit (``visit_pk``) or change one (``pk``)."""
    user = current_user(request)
    session = _session(user, pk) if pk is not None else None
    visit = session.visit if session is not None else visit_for(user, visit_pk or 0)
    manage_or_403(user, visit.province_id)
    # Defaults for a new session only: ``initial`` would override an existing session's values.
    initial = {"held_on": visit.starts_on, "methods": ["diskusi"]} if session is None else {}
    form = SessionForm(
        request.POST or None,
        instance=_session(user, pk) if pk is not None else None,
        initial=initial,
        province=visit.province,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        institutions = data.pop("institutions")
        try:
            if session is None:
                actions.add_session(actor=user, visit=visit, institutions=institutions, **data)
            else:
                actions.update_session(
                    actor=user, session=session, institutions=institutions, **data
                )
        except actions.MonevError as exc:
            show_problems(form, exc)
        else:
            messages.success(request, _("Sesi disimpan."))
            return redirect("monev_visit_detail", pk=visit.pk)
    return render(
        request, "monev/session_form.html", {"form": form, "visit": visit, "session": session}
    )


@require_POST
@require(Capability.MANAGE_MONEV)
def session_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    session = _session(user, pk)
    manage_or_403(user, session.visit.province_id)
    try:
        actions.remove_session(actor=user, session=session)
    except actions.MonevError as exc:
        messages.error(request, exc.problems[0].message())
    else:
        messages.success(request, _("Sesi dihapus."))
    return redirect("monev_visit_detail", pk=session.visit_id)


@require(Capability.MANAGE_MONEV)
def point_form(
    request: HttpRequest, pk: int | None = None, session_pk: int | None = None
) -> HttpResponse:
    """Add a point at the end of a session (``session_pk``) or change one (``pk``)."""
    user = current_user(request)
    point = point_for(user, pk) if pk is not None else None
    session = point.session if point is not None else _session(user, session_pk or 0)
    visit = session.visit
    manage_or_403(user, visit.province_id)
    form = PointForm(
        request.POST or None,
        instance=point_for(user, pk) if pk is not None else None,
        province=visit.province,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        themes = data.pop("themes")
        try:
            if point is None:
                actions.add_point(actor=user, session=session, themes=themes, **data)
            else:
                actions.update_point(actor=user, point=point, themes=themes, **data)
        except actions.MonevError as exc:
            show_problems(form, exc)
        else:
            messages.success(request, _("Pointer disimpan."))
            if point is None and "lagi" in request.POST:
                return redirect("monev_point_create", session_pk=session.pk)
            return redirect(f"{visit_url(visit)}#sesi-{session.pk}")
    return render(
        request,
        "monev/point_form.html",
        {"form": form, "visit": visit, "session": session, "point": point},
    )


def visit_url(visit: Visit) -> str:
    return reverse("monev_visit_detail", args=[visit.pk])


@require_POST
@require(Capability.MANAGE_MONEV)
def point_move(request: HttpRequest, pk: int, direction: str) -> HttpResponse:
    if direction not in ("naik", "turun"):
        raise Http404
    user = current_user(request)
    point = point_for(user, pk)
    manage_or_403(user, point.session.visit.province_id)
    actions.move_point(actor=user, point=point, up=direction == "naik")
    return redirect(f"{visit_url(point.session.visit)}#pointer-{point.pk}")


@require_POST
@require(Capability.MANAGE_MONEV)
def point_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    point = point_for(user, pk)
    manage_or_403(user, point.session.visit.province_id)
    try:
        actions.remove_point(actor=user, point=point)
    except actions.MonevError as exc:
        messages.error(request, exc.problems[0].message())
    else:
        messages.success(request, _("Pointer dihapus."))
    return redirect(f"{visit_url(point.session.visit)}#sesi-{point.session_id}")
