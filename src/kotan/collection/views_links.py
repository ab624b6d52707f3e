"""Pages for periods, assignments and respondent links.

Everyone signed in reads the assignments of their own region; the operators (BNNK, BNNP) and the
national admins manage: create and deactivate links, move an assignment's status. Which status
change a manager may make is decided by ``transition_assignment``; these pages only offer it.
A focal point makes, shares and deactivates the links of its own institution, from the
assignment of the institution's regency; every other link is closed to it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kotan.accounts.models import Organization, Role, User
from kotan.accounts.permissions import Capability, current_user, has_capability, require
from kotan.accounts.scoping import get_scoped_or_404, scope_queryset
from kotan.collection import actions, sharing
from kotan.collection.forms_links import LinkForm, LinkSettingsForm
from kotan.collection.models import (
    COLLECTING_STATUSES,
    Assignment,
    Period,
    Quota,
    RespondentLink,
    Response,
)

PAGE_SIZE = 100

# URL word -> action of transition_assignment, in the order the buttons appear.
TRANSITION_WORDS = {
    "ajukan": "submit",
    "verifikasi": "verify",
    "finalkan": "finalize",
    "kembalikan": "return",
}
BUTTON_LABELS: dict[str, Promise] = {
    "submit": gettext_lazy("Ajukan"),
    "verify": gettext_lazy("Verifikasi"),
    "finalize": gettext_lazy("Finalkan"),
    "return": gettext_lazy("Kembalikan"),
}
DONE_MESSAGES: dict[str, Promise] = {
    "submit": gettext_lazy("Penugasan diajukan untuk diverifikasi BNNP."),
    "verify": gettext_lazy("Penugasan diverifikasi."),
    "finalize": gettext_lazy("Penugasan difinalkan."),
    "return": gettext_lazy("Penugasan dikembalikan untuk diperbaiki."),
}


@dataclass(frozen=True)
class TransitionButton:
    word: str
    action: str
    label: Promise


@dataclass(frozen=True)
class QuotaRow:
    unit_name: str
    unit_code: str
    quota: int
    filled: int


@dataclass(frozen=True)
class LinkRow:
    link: RespondentLink
    state: str  # active | inactive | expired | used_up
    state_label: str
    openable: bool = False  # the user may open, share and deactivate it


# --- helpers --------------------------------------------------------------------------------


def can_manage(user: User) -> bool:
    return has_capability(user, Capability.MANAGE_COLLECTION)


def _manager(request: HttpRequest) -> User:
    """The signed-in user if they manage collection; 403 for the read-only roles."""
    user = current_user(request)
    if not can_manage(user):
        raise PermissionDenied
    return user


def _assignment(user: User, pk: int) -> Assignment:
    related = Assignment.objects.select_related(
        "period__instrument", "regency__province", "responsible"
    )
    return get_scoped_or_404(user, related, pk=pk)


def _link(user: User, pk: int) -> RespondentLink:
    related = RespondentLink.objects.select_related(
        "unit", "assignment__period", "assignment__regency__province", "assignment__responsible"
    )
    return get_scoped_or_404(user, related, pk=pk)


# --- a focal point's own links ------------------------------------------------------------------


def own_institution(user: User) -> Organization | None:
    """The institution whose links this user makes and shares (a focal point with
    MAKE_OWN_LINKS), else None. Managers' links are not "own": they manage all in scope."""
    org = user.organization
    if (
        user.role == Role.FOCAL_POINT
        and has_capability(user, Capability.MAKE_OWN_LINKS)
        and org is not None
        and org.kind == Organization.Kind.INSTITUTION
        and org.is_active
    ):
        return org
    return None


def _may_open(user: User, link: RespondentLink) -> bool:
    if can_manage(user):
        return True
    org = own_institution(user)
    return org is not None and link.institution_id == org.pk


def _openable_link(request: HttpRequest, pk: int) -> tuple[User, RespondentLink]:
    """A link the user manages (in scope, else 404), or a focal point's own institution's link.

    For a focal point every other link is 403, inside its regency or not: a link it may not
    open looks the same wherever it is."""
    user = current_user(request)
    if can_manage(user):
        return user, _link(user, pk)
    if own_institution(user) is None:
        raise PermissionDenied
    try:
        link = _link(user, pk)
    except Http404:
        raise PermissionDenied from None
    if not _may_open(user, link):
        raise PermissionDenied
    return user, link


def may_make_own_links(user: User, assignment: Assignment) -> bool:
    """A focal point makes links for its own institution in the assignment of its regency."""
    org = own_institution(user)
    return (
        org is not None and org.regency_id == assignment.regency_id and assignment.accepts_responses
    )


LINK_STATE_LABELS = {
    "inactive": gettext_lazy("Nonaktif"),
    "expired": gettext_lazy("Kedaluwarsa"),
    "used_up": gettext_lazy("Batas penggunaan tercapai"),
    "active": gettext_lazy("Aktif"),
}


def _link_state(link: RespondentLink, now: datetime) -> tuple[str, str]:
    state = link.unavailable_reason(now) or "active"
    return state, str(LINK_STATE_LABELS[state])


def transition_buttons(user: User, assignment: Assignment) -> list[TransitionButton]:
    """The status changes this user may make to this assignment now."""
    buttons = []
    for word, action in TRANSITION_WORDS.items():
        sources, roles = actions.TRANSITIONS[action]
        if user.role in roles and assignment.status in sources:
            buttons.append(TransitionButton(word, action, BUTTON_LABELS[action]))
    return buttons


def with_progress(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """Annotate responses counted (not excluded) and the total quota, one query for any number.

    Subqueries rather than joins: joining both quotas and responses would multiply the sums.
    """
    responses = (
        Response.objects.filter(assignment=OuterRef("pk"), excluded=False)
        .order_by()
        .values("assignment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    quotas = (
        Quota.objects.filter(assignment=OuterRef("pk"))
        .order_by()
        .values("assignment")
        .annotate(total=Sum("quota"))
        .values("total")
    )
    return assignments.annotate(
        n_responses=Coalesce(Subquery(responses, output_field=IntegerField()), 0),
        quota_total=Coalesce(Subquery(quotas, output_field=IntegerField()), 0),
    )


def _share(request: HttpRequest, link: RespondentLink) -> dict[str, object]:
    url = request.build_absolute_uri(sharing.public_path(link.token))
    assignment = link.assignment
    text = sharing.link_invitation(link, url)
    state, state_label = _link_state(link, timezone.now())
    qr: SafeString = mark_safe(  # noqa: S308 - segno's output: path data and an escaped title
        sharing.qr_svg_inline(url, _("Kode QR kuesioner"))
    )
    return {
        "link": link,
        "assignment": assignment,
        "public_url": url,
        "whatsapp_url": sharing.whatsapp_url(text),
        "qr_svg": qr,
        "state": state,
        "state_label": state_label,
    }


# --- assignments ----------------------------------------------------------------------------


@require(Capability.VIEW_COLLECTION)
def assignment_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    periods = list(Period.objects.select_related("instrument"))  # a handful, latest first
    period = periods[0] if periods else None
    if "periode" in request.GET:
        period = next((p for p in periods if str(p.year) == request.GET["periode"]), None)
        if period is None:
            raise Http404
    status = request.GET.get("status", "")
    if status not in Assignment.Status.values:
        status = ""
    in_scope = scope_queryset(user, Assignment.objects.filter(period=period))
    counts = dict(in_scope.order_by().values_list("status").annotate(n=Count("pk")))
    rows = in_scope.filter(status=status) if status else in_scope
    rows = with_progress(rows.select_related("regency__province", "responsible")).order_by(
        "regency__code"
    )
    filters = [("", _("Semua"), sum(counts.values()))] + [
        (value, label, counts.get(value, 0)) for value, label in Assignment.Status.choices
    ]
    return render(
        request,
        "collection/links/assignment_list.html",
        {
            "periods": periods,
            "period": period,
            "status": status,
            "filters": filters,
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("halaman")),
            "today": timezone.localdate(),
            "open_statuses": sorted(COLLECTING_STATUSES),
            "can_run_periods": has_capability(user, Capability.COMPUTE_RESULTS),
        },
    )


def _detail_context(
    user: User,
    assignment: Assignment,
    form: LinkForm | None = None,
    own_form: LinkSettingsForm | None = None,
) -> dict[str, object]:
    filled = dict(
        Response.objects.filter(assignment=assignment, excluded=False)
        .order_by()
        .values_list("unit")
        .annotate(n=Count("pk"))
    )
    quotas = [
        QuotaRow(q.unit.name, q.unit.code, q.quota, filled.get(q.unit_id, 0))
        for q in assignment.quotas.select_related("unit")
    ]
    now = timezone.now()
    links = [
        LinkRow(link, *_link_state(link, now), openable=_may_open(user, link))
        for link in assignment.links.select_related("unit")
    ]
    manager = can_manage(user)
    units = assignment.period.instrument.units.all()
    own = own_institution(user) if not manager else None
    return {
        "assignment": assignment,
        "quotas": quotas,
        "quota_total": sum(q.quota for q in quotas),
        "filled_total": sum(q.filled for q in quotas),
        "links": links,
        "can_manage": manager,
        "can_create_links": manager and assignment.accepts_responses,
        "buttons": transition_buttons(user, assignment) if manager else [],
        "form": form or LinkForm(units=units),
        "own_institution": own,
        "can_create_own_links": own is not None and may_make_own_links(user, assignment),
        "own_form": own_form or LinkSettingsForm(units=units, prefix="sendiri"),
        "can_send_bulk": manager
        and has_capability(user, Capability.SEND_MESSAGES)
        and assignment.accepts_responses,
        "today": timezone.localdate(),
        "open_statuses": sorted(COLLECTING_STATUSES),
    }


@require(Capability.VIEW_COLLECTION)
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    assignment = _assignment(user, pk)
    context = _detail_context(user, assignment)
    return render(request, "collection/links/assignment_detail.html", context)


@require_POST
@login_required
def assignment_transition(request: HttpRequest, pk: int, word: str) -> HttpResponse:
    user = _manager(request)
    action = TRANSITION_WORDS.get(word)
    if action is None:
        raise Http404
    assignment = _assignment(user, pk)
    try:
        actions.transition_assignment(
            actor=user, assignment=assignment, action=action, reason=request.POST.get("reason", "")
        )
    except actions.TransitionError as exc:
        for problem in exc.problems:
            # The location is a code for machines (e.g. "reason"); people read the message.
            messages.error(request, replace(problem, location="").message())
    else:
        messages.success(request, str(DONE_MESSAGES[action]))
    return redirect("assignment_detail", pk=assignment.pk)


# --- links ----------------------------------------------------------------------------------


@require_POST
@login_required
def link_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    assignment = _assignment(user, pk)
    if not assignment.accepts_responses:
        messages.error(
            request, _("Penugasan ini tidak lagi menerima jawaban; tautan baru tidak dapat dibuat.")
        )
        return redirect("assignment_detail", pk=assignment.pk)
    form = LinkForm(request.POST, units=assignment.period.instrument.units.all())
    if not form.is_valid():
        context = _detail_context(user, assignment, form)
        return render(request, "collection/links/assignment_detail.html", context, status=400)
    link = actions.create_link(
        actor=user,
        assignment=assignment,
        unit_code=form.cleaned_data["unit"],
        label=form.cleaned_data["label"],
        max_uses=form.cleaned_data["max_uses"],
        valid_days=form.cleaned_data["valid_days"],
    )
    messages.success(request, _("Tautan dibuat. Bagikan lewat WhatsApp atau cetak kode QR-nya."))
    return redirect("link_detail", pk=link.pk)


@require_POST
@login_required
def own_link_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A focal point's link for its own institution, from the assignment of its regency."""
    user = current_user(request)
    org = own_institution(user)
    if org is None:
        raise PermissionDenied
    assignment = _assignment(user, pk)
    if org.regency_id != assignment.regency_id:
        raise Http404  # another regency's assignment is not this institution's
    if not assignment.accepts_responses:
        messages.error(
            request, _("Penugasan ini tidak lagi menerima jawaban; tautan baru tidak dapat dibuat.")
        )
        return redirect("assignment_detail", pk=assignment.pk)
    units = assignment.period.instrument.units.all()
    form = LinkSettingsForm(request.POST, units=units, prefix="sendiri")
    if not form.is_valid():
        context = _detail_context(user, assignment, own_form=form)
        return render(request, "collection/links/assignment_detail.html", context, status=400)
    link = actions.create_link(
        actor=user,
        assignment=assignment,
        unit_code=form.cleaned_data["unit"],
        label=org.name,
        institution=org,
        max_uses=form.cleaned_data["max_uses"],
        valid_days=form.cleaned_data["valid_days"],
    )
    messages.success(request, _("Tautan dibuat. Bagikan lewat WhatsApp atau cetak kode QR-nya."))
    return redirect("link_detail", pk=link.pk)


@require_POST
@login_required
def link_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user, link = _openable_link(request, pk)
    if link.is_active:
        actions.deactivate_link(actor=user, link=link)
        messages.success(request, _("Tautan dinonaktifkan; tautan ini tidak dapat dipakai lagi."))
    return redirect("assignment_detail", pk=link.assignment_id)


@never_cache  # the page holds the token: keep it out of shared caches and the back button
@login_required
def link_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _user, link = _openable_link(request, pk)
    return render(request, "collection/links/link_detail.html", _share(request, link))


@never_cache
@login_required
def link_print(request: HttpRequest, pk: int) -> HttpResponse:
    _user, link = _openable_link(request, pk)
    return render(request, "collection/links/link_print.html", _share(request, link))


@never_cache
@login_required
def link_qr(request: HttpRequest, pk: int) -> HttpResponse:
    _user, link = _openable_link(request, pk)
    url = request.build_absolute_uri(sharing.public_path(link.token))
    svg = sharing.qr_svg_file(url, _("Kode QR kuesioner"))
    response = HttpResponse(svg, content_type="image/svg+xml")
    name = f"qr-{link.assignment.regency.code}-{link.unit.code}-{link.pk}.svg"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
