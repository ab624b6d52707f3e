"""Follow-up pages: the list with overdue ones highlighted, a follow-up's history, evidence,
status changes, verification and reopening. What each user may do comes from ``monev.rules``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kotan.accounts.models import User
from kotan.accounts.permissions import Capability, current_user, require
from kotan.accounts.scoping import get_scoped_or_404, scope_queryset
from kotan.monev import actions, rules
from kotan.monev.forms import (
    EvidenceForm,
    FollowUpForm,
    NoteForm,
    ReasonForm,
    StatusForm,
    VerifyForm,
    show_problems,
)
from kotan.monev.models import FollowUp, FollowUpEvidence
from kotan.monev.views import manage_or_403, point_for, province_filter, year_filter

PAGE_SIZE = 50
OVERDUE = "terlambat"


def _follow_ups(user: User) -> QuerySet[FollowUp]:
    related = FollowUp.objects.select_related(
        "point__session__visit__province", "owner", "verified_by"
    )
    return scope_queryset(user, related)


def follow_up_for(user: User, pk: int) -> FollowUp:
    return get_scoped_or_404(user, _follow_ups(user), pk=pk)


def status_choices(user: User, follow_up: FollowUp) -> list[tuple[str, str]]:
    """The statuses this user may move this follow-up to now (cancelling needs a manager)."""
    if not rules.can_update(user, follow_up):
        return []
    manager = rules.can_manage(user, follow_up.point.session.visit.province_id)
    labels = dict(FollowUp.Status.choices)
    return [
        (s, str(labels[s]))
        for s in FollowUp.Status.values
        if s in actions.STATUS_MOVES[follow_up.status]
        and (manager or s != FollowUp.Status.CANCELLED)
    ]


@require(Capability.VIEW_MONEV)
def follow_up_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    rows = _follow_ups(user)
    year, province = year_filter(request), province_filter(request, user)
    if year:
        rows = rows.filter(point__session__visit__year=year)
    if province:
        rows = rows.filter(point__session__visit__province=province)
    mine = request.GET.get("milik") == "saya" and user.organization_id is not None
    if mine:
        rows = rows.filter(Q(owner=user.organization_id) | Q(owner_user=user))
    today = timezone.localdate()
    counts = dict(rows.order_by().values_list("status").annotate(n=Count("pk")))
    n_overdue = rows.filter(FollowUp.overdue_q(today)).count()
    status = request.GET.get("status", "")
    if status == OVERDUE:
        rows = rows.filter(FollowUp.overdue_q(today))
    elif status in FollowUp.Status.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    filters = [
        ("", _("Semua"), sum(counts.values())),
        (OVERDUE, _("Terlambat"), n_overdue),
        *((value, str(label), counts.get(value, 0)) for value, label in FollowUp.Status.choices),
    ]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("halaman"))
    return render(
        request,
        "monev/follow_up_list.html",
        {
            "page": page,
            "rows": [(fu, status_choices(user, fu)) for fu in page],
            "filters": filters,
            "status": status,
            "year": year,
            "province": province,
            "mine": mine,
            "query": request.GET.urlencode(),
        },
    )


@require(Capability.MANAGE_MONEV)
def follow_up_form(
    request: HttpRequest, pk: int | None = None, point_pk: int | None = None
) -> HttpResponse:
    """Create a follow-up of a point (``point_pk``) or change one (``pk``)."""
    user = current_user(request)
    follow_up = follow_up_for(user, pk) if pk is not None else None
    point = follow_up.point if follow_up is not None else point_for(user, point_pk or 0)
    province_id = point.session.visit.province_id
    manage_or_403(user, province_id)
    form = FollowUpForm(
        request.POST or None,
        instance=follow_up_for(user, pk) if pk is not None else None,
        province=province_id,
    )
    if request.method == "POST" and form.is_valid():
        try:
            if follow_up is None:
                follow_up = actions.create_follow_up(actor=user, point=point, **form.cleaned_data)
            else:
                actions.update_follow_up(actor=user, follow_up=follow_up, **form.cleaned_data)
        except actions.MonevError as exc:
            show_problems(form, exc)
        else:
            messages.success(request, _("Tindak lanjut disimpan."))
            return redirect("monev_follow_up_detail", pk=follow_up.pk)
    return render(
        request,
        "monev/follow_up_form.html",
        {"form": form, "point": point, "visit": point.session.visit, "follow_up": follow_up},
    )


@require(Capability.VIEW_MONEV)
def follow_up_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    follow_up = follow_up_for(user, pk)
    return render(request, "monev/follow_up_detail.html", _detail_context(user, follow_up))


def _detail_context(
    user: User, follow_up: FollowUp, **forms_with_errors: forms.Form
) -> dict[str, Any]:
    can_update = rules.can_update(user, follow_up)
    choices = status_choices(user, follow_up)
    status_form = StatusForm()
    status_form.fields["status"].choices = choices  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "follow_up": follow_up,
        "point": follow_up.point,
        "visit": follow_up.point.session.visit,
        "notes": follow_up.notes.select_related("author"),
        "evidence": follow_up.evidence.all(),
        "can_update": can_update,
        "can_edit": not follow_up.is_verified
        and rules.can_manage(user, follow_up.point.session.visit.province_id),
        "can_verify": rules.can_verify(user, follow_up),
        "can_reopen": rules.can_reopen(user, follow_up),
        "status_form": status_form if choices else None,
        "note_form": NoteForm(initial={"noted_on": timezone.localdate()}),
        "evidence_form": EvidenceForm(),
        "verify_form": VerifyForm(),
        "reopen_form": ReasonForm(),
    }
    context.update(forms_with_errors)
    return context


def _post(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.Form],
    name: str,
    act: Callable[[User, FollowUp, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """Validate one form of the detail page and run its action; errors show on the page (400)."""
    user = current_user(request)
    follow_up = follow_up_for(user, pk)
    form = form_class(request.POST, request.FILES)
    if name == "status_form":
        form.fields["status"].choices = FollowUp.Status.choices  # type: ignore[attr-defined]
    if form.is_valid():
        try:
            act(user, follow_up, form.cleaned_data)
        except actions.MonevError as exc:
            if any(p.code == "monev.denied" for p in exc.problems):
                raise PermissionDenied from exc
            show_problems(form, exc)
        else:
            messages.success(request, done)
            target = request.POST.get("next", "")
            if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
                return redirect(target)
            return redirect("monev_follow_up_detail", pk=follow_up.pk)
    follow_up = follow_up_for(user, pk)
    context = _detail_context(user, follow_up, **{name: form})
    return render(request, "monev/follow_up_detail.html", context, status=400)


@require_POST
@require(Capability.VIEW_MONEV)
def follow_up_status(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        StatusForm,
        "status_form",
        lambda user, fu, data: actions.set_follow_up_status(
            actor=user, follow_up=fu, status=data["status"], note=data["note"]
        ),
        _("Status tindak lanjut diubah."),
    )


@require_POST
@require(Capability.VIEW_MONEV)
def follow_up_note(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        NoteForm,
        "note_form",
        lambda user, fu, data: actions.add_note(
            actor=user, follow_up=fu, text=data["text"], noted_on=data["noted_on"]
        ),
        _("Catatan kemajuan ditambahkan."),
    )


@require_POST
@require(Capability.VIEW_MONEV)
def follow_up_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        EvidenceForm,
        "evidence_form",
        lambda user, fu, data: actions.add_evidence(
            actor=user, follow_up=fu, uploads=data["uploads"]
        ),
        _("Bukti diunggah."),
    )


@require_POST
@require(Capability.VIEW_MONEV)
def follow_up_verify(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        VerifyForm,
        "verify_form",
        lambda user, fu, data: actions.verify_follow_up(
            actor=user, follow_up=fu, note=data["note"]
        ),
        _("Tindak lanjut diverifikasi."),
    )


@require_POST
@require(Capability.VIEW_MONEV)
def follow_up_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        ReasonForm,
        "reopen_form",
        lambda user, fu, data: actions.reopen_follow_up(
            actor=user, follow_up=fu, reason=data["reason"]
        ),
        _("Tindak lanjut dibuka kembali."),
    )


@require(Capability.VIEW_MONEV)
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Evidence is served only through this scoped page, never from a public media URL."""
    user = current_user(request)
    row = get_scoped_or_404(user, FollowUpEvidence.objects.all(), pk=pk)
    with row.file.open("rb") as handle:
        body = handle.read()  # at most 5 MB
    disposition = content_disposition_header(as_attachment=True, filename=row.original_name)
    return HttpResponse(
        body, content_type=row.content_type, headers={"Content-Disposition": disposition}
    )
