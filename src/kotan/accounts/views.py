from __future__ import annotations

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth.views import LoginView
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kotan.accounts.audit import describe_entries
from kotan.accounts.forms import LoginForm
from kotan.accounts.models import Organization, User
from kotan.accounts.permissions import Capability, has_capability, require
from kotan.accounts.scoping import get_scoped_or_404, scope_queryset


class RememberingLoginView(LoginView):
    """Sign-in that returns to the page the user came from (``next``), and may remember the
    device for SESSION_REMEMBER_DAYS so an enumerator's field trip outlasts the working-day
    session. Revoked by signing out, a password change (Django's session hash) and the
    account being deactivated (docs/architecture.md, "Sessions")."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        if form.cleaned_data.get("remember"):
            self.request.session.set_expiry(settings.SESSION_REMEMBER_DAYS * 86400)
        return response


PAGE_SIZE = 50


@require(Capability.VIEW_ORGANIZATIONS)
def organization_list(request: HttpRequest) -> HttpResponse:
    orgs = scope_queryset(request.user, Organization.objects.select_related("province", "regency"))
    kind = request.GET.get("jenis", "")
    if kind in Organization.Kind.values:
        orgs = orgs.filter(kind=kind)
    page = Paginator(orgs, PAGE_SIZE).get_page(request.GET.get("halaman"))
    return render(
        request,
        "accounts/organization_list.html",
        {"page": page, "kinds": Organization.Kind.choices, "kind": kind},
    )


@require(Capability.VIEW_ORGANIZATIONS)
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_scoped_or_404(
        request.user, Organization.objects.select_related("province", "regency"), pk=pk
    )
    members = None
    if has_capability(request.user, Capability.VIEW_USERS):
        members = scope_queryset(request.user, org.members.all())
    return render(
        request,
        "accounts/organization_detail.html",
        {"org": org, "covered": org.covered_regencies.all(), "members": members},
    )


@require(Capability.VIEW_USERS)
def user_list(request: HttpRequest) -> HttpResponse:
    users = scope_queryset(
        request.user, User.objects.select_related("organization", "province", "regency")
    )
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("halaman"))
    return render(request, "accounts/user_list.html", {"page": page})


@require(Capability.VIEW_AUDIT)
def audit_list(request: HttpRequest) -> HttpResponse:
    """The audit trail: who changed what, when. National admins only."""
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")
    model = request.GET.get("model", "")
    if model.isdigit():
        entries = entries.filter(content_type_id=int(model))
    actor = request.GET.get("pelaku", "").strip()
    if actor:
        entries = entries.filter(actor__username=actor)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("halaman"))
    rows = describe_entries(page)
    content_types = ContentType.objects.filter(
        pk__in=LogEntry.objects.values("content_type").distinct()
    ).order_by("app_label", "model")
    return render(
        request,
        "accounts/audit_list.html",
        {
            "page": page,
            "rows": rows,
            "content_types": content_types,
            "model": model,
            "actor": actor,
        },
    )
