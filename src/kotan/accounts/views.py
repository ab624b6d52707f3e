from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from axes.utils import reset as reset_lockout
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import LoginView
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kotan.accounts import actions
from kotan.accounts.audit import describe_entries
from kotan.accounts.contacts import contacts_of
from kotan.accounts.forms import AccountForm, ContactForm, LoginForm, ReasonForm
from kotan.accounts.models import Contact, Organization, Role, User
from kotan.accounts.passwords import ResetForm, reset_link_validity
from kotan.accounts.permissions import Capability, current_user, has_capability, require
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
    # Contacts are private: only roles with VIEW_CONTACTS, and the organisation is in scope.
    contacts = None
    if has_capability(request.user, Capability.VIEW_CONTACTS):
        contacts = contacts_of(org, include_inactive=True)
    return render(
        request,
        "accounts/organization_detail.html",
        {
            "org": org,
            "covered": org.covered_regencies.all(),
            "members": members,
            "contacts": contacts,
            "can_manage_contacts": has_capability(request.user, Capability.MANAGE_CONTACTS),
        },
    )


def _errors_onto(form: forms.BaseForm, exc: ValidationError) -> None:
    """An action's refusal on the form: on its field when the form has one, else on top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _posted(request: HttpRequest) -> QueryDict | None:
    """The form's data: a POST binds the form even when empty (it then says what is missing;
    ``request.POST or None`` would show a blank form and store nothing, silently)."""
    return request.POST if request.method == "POST" else None


def _contact_fields(form: ContactForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in form.fields}


@require(Capability.MANAGE_CONTACTS)
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_scoped_or_404(request.user, Organization.objects.all(), pk=pk)
    form = ContactForm(_posted(request), instance=Contact(organization=org))
    if request.method == "POST" and form.is_valid():
        try:
            contact = actions.add_contact(
                actor=current_user(request), organization=org, **_contact_fields(form)
            )
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, _("Narahubung %(name)s disimpan.") % {"name": contact.name})
            return redirect(reverse("organization_detail", args=[org.pk]) + "#narahubung")
    return render(request, "accounts/contact_form.html", {"org": org, "form": form})


@require(Capability.MANAGE_CONTACTS)
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_scoped_or_404(request.user, Contact.objects.select_related("organization"), pk=pk)
    org = contact.organization
    form = ContactForm(_posted(request), instance=contact, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_contact(
                actor=current_user(request), contact=contact, **_contact_fields(form)
            )
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, _("Narahubung %(name)s diubah.") % {"name": contact.name})
            return redirect(reverse("organization_detail", args=[org.pk]) + "#narahubung")
    return render(
        request, "accounts/contact_form.html", {"org": org, "form": form, "contact": contact}
    )


@require_POST
@require(Capability.MANAGE_CONTACTS)
def contact_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_scoped_or_404(request.user, Contact.objects.select_related("organization"), pk=pk)
    actions.deactivate_contact(actor=current_user(request), contact=contact)
    messages.success(
        request,
        _("Narahubung %(name)s dinonaktifkan: tidak dipakai lagi untuk pengingat.")
        % {"name": contact.name},
    )
    return redirect(reverse("organization_detail", args=[contact.organization_id]) + "#narahubung")


@require(Capability.VIEW_USERS)
def user_list(request: HttpRequest) -> HttpResponse:
    users = scope_queryset(
        request.user, User.objects.select_related("organization", "province", "regency")
    )
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("halaman"))
    return render(
        request,
        "accounts/user_list.html",
        {"page": page, "can_manage": has_capability(request.user, Capability.MANAGE_ACCOUNTS)},
    )


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@require(Capability.MANAGE_ACCOUNTS)
def user_create(request: HttpRequest) -> HttpResponse:
    actor = current_user(request)
    form = AccountForm(_posted(request), actor=actor)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = actions.invite_user(
                actor=actor,
                base_url=_base_url(request),
                username=data["username"],
                role=data["role"],
                full_name=data["full_name"],
                email=data["email"],
                organization=data["organization"],
                province=data.get("province"),
                regency=data["regency"],
            )
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Akun %(username)s dibuat. Undangan untuk membuat kata sandi dikirim ke "
                    "%(email)s; tautannya berlaku %(valid)s."
                )
                % {"username": user.username, "email": user.email, "valid": reset_link_validity()},
            )
            return redirect("user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


def _user_page(
    request: HttpRequest, user: User, reason_form: ReasonForm | None = None, status: int = 200
) -> HttpResponse:
    actor = current_user(request)
    manageable = (
        has_capability(actor, Capability.MANAGE_ACCOUNTS)
        and user.pk != actor.pk
        and user.role in actions.manageable_roles(actor)
    )
    return render(
        request,
        "accounts/user_detail.html",
        {
            "account": user,
            "manageable": manageable,
            "reason_form": reason_form or ReasonForm(),
            "reason_required": actor.role != Role.NATIONAL_ADMIN,
        },
        status=status,
    )


def _scoped_user(request: HttpRequest, pk: int) -> User:
    return get_scoped_or_404(
        request.user, User.objects.select_related("organization", "province", "regency"), pk=pk
    )


@require(Capability.VIEW_USERS)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _user_page(request, _scoped_user(request, pk))


def _act_on_user(request: HttpRequest, pk: int, act: str) -> HttpResponse:
    """Deactivate, reactivate or send a link: a refusal is shown on the account's page."""
    user = _scoped_user(request, pk)
    actor = current_user(request)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _user_page(request, user, form, status=422)
    reason = form.cleaned_data["reason"]
    try:
        if act == "deactivate":
            actions.deactivate_user(actor=actor, user=user, reason=reason)
            done = _("Akun %(username)s dinonaktifkan.")
        elif act == "reactivate":
            actions.reactivate_user(actor=actor, user=user, reason=reason)
            done = _("Akun %(username)s diaktifkan kembali.")
        else:
            actions.send_password_reset(actor=actor, user=user, base_url=_base_url(request))
            done = _("Tautan atur ulang kata sandi dikirim ke email akun %(username)s.")
    except ValidationError as exc:
        _errors_onto(form, exc)
        user.refresh_from_db()
        return _user_page(request, user, form, status=422)
    messages.success(request, done % {"username": user.username})
    return redirect("user_detail", pk=user.pk)


@require_POST
@require(Capability.MANAGE_ACCOUNTS)
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _act_on_user(request, pk, "deactivate")


@require_POST
@require(Capability.MANAGE_ACCOUNTS)
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _act_on_user(request, pk, "reactivate")


@require_POST
@require(Capability.MANAGE_ACCOUNTS)
def user_send_reset(request: HttpRequest, pk: int) -> HttpResponse:
    return _act_on_user(request, pk, "reset")


class PasswordResetView(auth_views.PasswordResetView):
    """ "Lupa kata sandi?": the same answer for a known and an unknown address (no account
    enumeration); the email is queued (post_office) and sent by the email job."""

    form_class = ResetForm
    email_template_name = "registration/password_reset_email.txt"

    def form_valid(self, form: ResetForm) -> HttpResponse:
        self.extra_email_context = {"valid_for": reset_link_validity()}
        return super().form_valid(form)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"valid_for": reset_link_validity()}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"valid_for": reset_link_validity()}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password also lifts a sign-in lockout of the account: the lockout page
    sends people here, and the link proved they own the account's email."""

    def form_valid(self, form: forms.Form) -> HttpResponse:
        response = super().form_valid(form)
        reset_lockout(username=self.user.get_username())
        return response


@require(Capability.VIEW_AUDIT)
def audit_list(request: HttpRequest) -> HttpResponse:
    """The audit trail: who changed what, when. National admins only."""
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")
    model = request.GET.get("model", "")
    # A number longer than any id (an edited address) names no kind; the database would
    # refuse it with an error rather than find nothing.
    if model.isdigit() and len(model) <= 9:
        entries = entries.filter(content_type_id=int(model))
    elif model:
        entries = entries.none()
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
