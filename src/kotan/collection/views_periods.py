from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kotan.accounts.permissions import Capability, current_user, require
from kotan.collection import actions
from kotan.collection.forms_periods import PeriodForm
from kotan.collection.models import Period
from kotan.method.problems import ProblemsError


@require(Capability.MANAGE_INSTRUMENTS)
def period_create(request: HttpRequest) -> HttpResponse:
    """National admins open a measurement period and choose the regencies measured in it."""
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actor = current_user(request)
        try:
            with transaction.atomic():
                period = actions.open_period(
                    actor=actor,
                    year=data["year"],
                    name=data["name"],
                    instrument=data["instrument"],
                    opens_on=data["opens_on"],
                    closes_on=data["closes_on"],
                )
                created = actions.assign_regencies(
                    actor=actor,
                    period=period,
                    regencies=form.regencies(),
                    deadline=data["deadline"],
                )
        except ProblemsError as exc:
            for problem in exc.problems:
                form.add_error(None, problem.message())
        except ValidationError as exc:
            for text in exc.messages:
                form.add_error(None, text)
        else:
            messages.success(
                request,
                _("Periode %(name)s dibuka untuk %(n)d kabupaten/kota.")
                % {"name": period.name, "n": len(created)},
            )
            return redirect("home")
    return render(request, "collection/period_form.html", {"form": form})


PERIOD_ACTIONS = {"tutup": "close", "buka": "reopen", "kunci": "lock"}


@require_POST
@require(Capability.COMPUTE_RESULTS)
def period_status(request: HttpRequest, year: int, word: str) -> HttpResponse:
    period = get_object_or_404(Period, year=year)
    action = PERIOD_ACTIONS.get(word)
    if action is None:
        raise Http404
    try:
        actions.set_period_status(actor=current_user(request), period=period, action=action)
    except ProblemsError as exc:
        for problem in exc.problems:
            messages.error(request, problem.message())
    else:
        messages.success(request, _("Status periode diperbarui."))
    return redirect(f"{reverse('assignment_list')}?periode={period.year}")
