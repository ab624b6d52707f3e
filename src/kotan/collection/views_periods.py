from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kotan.accounts.permissions import Capability, current_user, require
from kotan.collection import actions
from kotan.collection.forms_periods import PeriodForm
from kotan.core.problems import ProblemsError


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
                form.add_error(None, problem.message(getattr(request, "LANGUAGE_CODE", "id")))
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
