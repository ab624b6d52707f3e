"""The publication forms of a run page (``scoring/_publication.html``): POST only, national admin.

Each view calls one action of ``kotan.scoring.publication`` and returns to the run page with
the outcome as a message; a refused request stores nothing and says why, in Indonesian.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kotan.accounts.models import User
from kotan.accounts.permissions import Capability, current_user, require
from kotan.scoring import publication
from kotan.scoring.models import IndexRun


class PublishForm(forms.Form):
    published_on = forms.DateField(label=gettext_lazy("Tanggal terbit"), required=False)
    note = forms.CharField(
        label=gettext_lazy("Catatan"), required=False, max_length=publication.NOTE_MAX
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Alasan penarikan"), max_length=publication.NOTE_MAX
    )


class AwardRuleForm(forms.Form):
    top_national = forms.IntegerField(label=gettext_lazy("Teratas nasional"), min_value=0)
    top_per_category = forms.IntegerField(label=gettext_lazy("Teratas per kategori"), min_value=0)
    note = forms.CharField(
        label=gettext_lazy("Catatan"), required=False, max_length=publication.NOTE_MAX
    )


def _run_for(request: HttpRequest, run_id: int) -> IndexRun:
    if not publication.may_publish(request.user):
        raise PermissionDenied
    return get_object_or_404(IndexRun.objects.select_related("period"), pk=run_id)


def _form_errors(request: HttpRequest, form: forms.Form) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


def _act(
    request: HttpRequest,
    run_id: int,
    form_class: type[forms.Form],
    act: Callable[[User, IndexRun, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """Validate the form, call the action, say what happened and go back to the run page."""
    run = _run_for(request, run_id)
    form = form_class(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            act(current_user(request), run, form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, done)
    return redirect("run_detail", run_id=run.pk)


@require_POST
@require(Capability.COMPUTE_RESULTS)
def publication_publish(request: HttpRequest, run_id: int) -> HttpResponse:
    return _act(
        request,
        run_id,
        PublishForm,
        lambda actor, run, data: publication.publish_run(
            actor=actor, run=run, note=data["note"], published_on=data["published_on"]
        ),
        _("Hasil diterbitkan di halaman publik."),
    )


@require_POST
@require(Capability.COMPUTE_RESULTS)
def publication_withdraw(request: HttpRequest, run_id: int) -> HttpResponse:
    return _act(
        request,
        run_id,
        WithdrawForm,
        lambda actor, run, data: publication.withdraw_run(
            actor=actor, run=run, reason=data["reason"]
        ),
        _("Hasil ditarik dari halaman publik."),
    )


@require_POST
@require(Capability.COMPUTE_RESULTS)
def publication_award_rule(request: HttpRequest, run_id: int) -> HttpResponse:
    return _act(
        request,
        run_id,
        AwardRuleForm,
        lambda actor, run, data: publication.set_award_rule(
            actor=actor,
            run=run,
            top_national=data["top_national"],
            top_per_category=data["top_per_category"],
            note=data["note"],
        ),
        _("Aturan penghargaan disimpan."),
    )
