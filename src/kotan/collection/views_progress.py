"""Progress of collection and the data-quality review.

Everyone signed in with a region scope reads progress for that scope (the scoping helper
decides which regencies); only operators and national admins exclude a response.
"""

from __future__ import annotations

import csv

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotan.accounts.permissions import Capability, current_user, has_capability, require
from kotan.accounts.scoping import get_scoped_or_404
from kotan.collection import actions, progress
from kotan.collection.models import Period, Response

PAGE_SIZE = 50
# Who may exclude a response from scoring (in their own scope). Belongs in the capability
# table of accounts.permissions once it has a capability for it.


def _periods(request: HttpRequest) -> tuple[list[Period], Period | None]:
    """All periods (for the selector) and the one in ``?periode=YEAR``, by default the latest."""
    periods = list(Period.objects.select_related("instrument").order_by("-year"))
    year = request.GET.get("periode", "").strip()
    if not year:
        return periods, periods[0] if periods else None
    chosen = next((p for p in periods if str(p.year) == year), None)
    if chosen is None:
        raise Http404
    return periods, chosen


def _can_exclude(request: HttpRequest) -> bool:
    return has_capability(request.user, Capability.MANAGE_COLLECTION)


@require(Capability.VIEW_COLLECTION)
def progress_matrix(request: HttpRequest) -> HttpResponse:
    periods, period = _periods(request)
    province = request.GET.get("provinsi", "").strip()
    report = (
        progress.progress_report(request.user, period, province_code=province) if period else None
    )
    return render(
        request,
        "collection/progress/matrix.html",
        {"periods": periods, "period": period, "report": report, "province": province},
    )


@require(Capability.VIEW_COLLECTION)
def progress_csv(request: HttpRequest) -> HttpResponse:
    _all, period = _periods(request)
    if period is None:
        raise Http404
    province = request.GET.get("provinsi", "").strip()
    report = progress.progress_report(request.user, period, province_code=province)
    filename = f"progres-{period.year}{'-' + province if province.isdigit() else ''}.csv"
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    response.write("\ufeff")  # byte-order mark: spreadsheet programs then read UTF-8 names right
    csv.writer(response).writerows(progress.matrix_csv_rows(report))
    return response


class ExclusionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Alasan dikecualikan"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("Alasan wajib diisi.")},
    )


@require(Capability.VIEW_COLLECTION)
def quality(request: HttpRequest) -> HttpResponse:
    periods, period = _periods(request)
    responses = raws = None
    if period is not None:
        responses = Paginator(progress.review_responses(request.user, period), PAGE_SIZE).get_page(
            request.GET.get("halaman")
        )
        raws = Paginator(progress.review_submissions(request.user, period), PAGE_SIZE).get_page(
            request.GET.get("halaman_kiriman")
        )
    return render(
        request,
        "collection/progress/quality.html",
        {
            "periods": periods,
            "period": period,
            "responses": responses,
            "flagged": progress.flagged(responses) if responses is not None else [],
            "raws": raws,
            "issues": progress.raw_issues(list(raws), period) if raws and period else [],
            "can_exclude": _can_exclude(request),
            "form": ExclusionForm(),
        },
    )


@require(Capability.VIEW_COLLECTION)
def response_exclude(request: HttpRequest, response_id: int) -> HttpResponse:
    """Exclude one response from scoring, with a reason. It stays listed; nothing is deleted."""
    if not _can_exclude(request):
        raise PermissionDenied
    response = get_scoped_or_404(
        request.user,
        Response.objects.select_related("assignment__regency", "assignment__period", "unit"),
        pk=response_id,
    )
    back = reverse("quality") + f"?periode={response.assignment.period.year}"
    if response.excluded:
        messages.info(request, _("Jawaban ini sudah dikecualikan."))
        return redirect(back)
    form = ExclusionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.exclude_response(
                actor=current_user(request), response=response, reason=form.cleaned_data["reason"]
            )
        except actions.TransitionError as exc:
            form.add_error("reason", [p.message() for p in exc.problems])
        else:
            messages.success(
                request,
                _("Jawaban %(receipt)s dikecualikan dari penghitungan.")
                % {"receipt": response.receipt_number},
            )
            return redirect(back)
    return render(
        request,
        "collection/progress/exclude.html",
        {"response": response, "item": progress.flagged([response])[0], "form": form, "back": back},
    )
