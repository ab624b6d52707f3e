"""Each signed-in user's own notifications, under /pemberitahuan/.

No capability is needed: everyone has notifications, and a user only ever reaches their own
(another's answers 404, as if it did not exist).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kotan.accounts.permissions import current_user
from kotan.notifications import actions
from kotan.notifications.models import Kind, Notification

PAGE_SIZE = 25


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    mine = Notification.objects.filter(recipient=user)
    page = Paginator(mine, PAGE_SIZE).get_page(request.GET.get("halaman"))
    context = {"page": page, "notifications": page.object_list}
    return render(request, "notifications/list.html", context)


@require_POST
@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read, then go where the notification points (a local address only)."""
    user = current_user(request)
    notification = get_object_or_404(Notification, pk=pk, recipient=user)
    actions.mark_read(actor=user, notification=notification)
    target = notification.url
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(target if target and safe else "notification_list")


@require_POST
@login_required
def notification_read_all(request: HttpRequest) -> HttpResponse:
    n = actions.mark_all_read(actor=current_user(request))
    if n:
        messages.success(request, _("%(n)s pemberitahuan ditandai sudah dibaca.") % {"n": n})
    return redirect("notification_list")


class EmailPreferenceForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Kirim juga lewat email"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if request.method == "POST":
        form = EmailPreferenceForm(request.POST)
        if form.is_valid():
            actions.set_email_preferences(actor=user, user=user, enabled=form.cleaned_data["kinds"])
            messages.success(request, _("Pengaturan email pemberitahuan disimpan."))
            return redirect("notification_settings")
    else:
        form = EmailPreferenceForm(initial={"kinds": sorted(actions.email_enabled_kinds(user))})
    return render(request, "notifications/settings.html", {"form": form})
