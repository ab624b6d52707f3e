"""Progress of collection and the data-quality review.

Everyone signed in with a region scope reads progress for that scope (the scoping helper
decides which regencies); only operators and national admins exclude a response.
"""

from __future__ import annotations

import csv
from typing import cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from kotan.accounts.permissions import Capability, current_user, has_capability, require
from kotan.accounts.scoping import get_scoped_or_404, scope_queryset
from kotan.collection import actions, desk, evidence, progress
from kotan.collection.models import Assignment, Channel, Evidence, Period, Response
from kotan.core.forms import act_with_reason

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
            "stuck": desk.stuck_queryset(request.user).count(),
            "stuck_minutes": int(desk.STUCK_AFTER.total_seconds() // 60),
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
    if request.method == "POST" and act_with_reason(
        request,
        form,
        lambda reason: actions.exclude_response(
            actor=current_user(request), response=response, reason=reason
        ),
        _("Jawaban %(receipt)s dikecualikan dari penghitungan.")
        % {"receipt": response.receipt_number},
    ):
        return redirect(back)
    return render(
        request,
        "collection/progress/exclude.html",
        {"response": response, "item": progress.flagged([response])[0], "form": form, "back": back},
    )


# --- stuck submissions --------------------------------------------------------------------


@require_POST
@require(Capability.MANAGE_COLLECTION)
def quality_reprocess(request: HttpRequest) -> HttpResponse:
    """Parse the submissions stored but never processed, those of the user's scope."""
    done = desk.reprocess_in_scope(current_user(request))
    messages.success(
        request,
        ngettext("%(n)d kiriman diproses ulang.", "%(n)d kiriman diproses ulang.", done)
        % {"n": done},
    )
    return redirect(request.POST["next"] if _safe_next(request) else reverse("quality"))


def _safe_next(request: HttpRequest) -> bool:
    target = request.POST.get("next", "")
    return bool(target) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


# --- one assignment: its responses, send-backs and institutions ---------------------------

RESPONSES_PAGE_SIZE = 25  # each a card on a phone
RESPONSE_STATUSES = (
    ("included", gettext_lazy("Dihitung")),
    ("excluded", gettext_lazy("Dikecualikan")),
)


def _scoped_assignment(request: HttpRequest, pk: int) -> Assignment:
    return get_scoped_or_404(
        request.user,
        Assignment.objects.select_related("period__instrument", "regency__province", "responsible"),
        pk=pk,
    )


@require(Capability.VIEW_COLLECTION)
def assignment_responses(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _scoped_assignment(request, pk)
    units = list(assignment.period.instrument.units.order_by("order"))
    unit = request.GET.get("unit", "")
    channel = request.GET.get("kanal", "")
    status = request.GET.get("status", "")
    rows = progress.assignment_responses(
        assignment,
        unit=unit if unit in {u.code for u in units} else "",
        channel=channel if channel in Channel.values else "",
        status=status,
    )
    page = Paginator(rows, RESPONSES_PAGE_SIZE).get_page(request.GET.get("halaman"))
    return render(
        request,
        "collection/progress/assignment.html",
        {
            "assignment": assignment,
            "page": page,
            "flagged": progress.flagged(page),
            "units": units,
            "unit": unit,
            "channel": channel,
            "status": status,
            "channels": Channel.choices,
            "statuses": RESPONSE_STATUSES,
            "institutions": progress.institution_progress(assignment),
            "send_backs": progress.send_back_history(assignment),
        },
    )


def _scoped_response(request: HttpRequest, response_id: int) -> Response:
    return get_scoped_or_404(
        request.user,
        Response.objects.select_related(
            "assignment__regency__province", "assignment__period__instrument", "unit", "link", "raw"
        ),
        pk=response_id,
    )


class InclusionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Alasan dihitung kembali (wajib)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("Alasan wajib diisi.")},
    )


def _response_page(
    request: HttpRequest, response: Response, form: InclusionForm | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "collection/progress/response.html",
        {
            "response": response,
            "item": progress.flagged([response])[0],
            "answers": progress.answer_rows(response),
            "evidence": list(response.evidence.order_by("uploaded_at", "pk")),
            "can_manage": _can_exclude(request),
            "form": form or InclusionForm(),
            "exclusion": ExclusionForm(),
        },
        status=status,
    )


@require(Capability.VIEW_COLLECTION)
def response_detail(request: HttpRequest, response_id: int) -> HttpResponse:
    return _response_page(request, _scoped_response(request, response_id))


@require_POST
@require(Capability.MANAGE_COLLECTION)
def response_include(request: HttpRequest, response_id: int) -> HttpResponse:
    """Count an excluded response again, with a reason (audited)."""
    response = _scoped_response(request, response_id)
    form = InclusionForm(request.POST)
    if act_with_reason(
        request,
        form,
        lambda reason: desk.include_response(
            actor=current_user(request), response=response, reason=reason
        ),
        _("Jawaban %(receipt)s dihitung kembali.") % {"receipt": response.receipt_number},
    ):
        return redirect("response_detail", response_id=response.pk)
    return _response_page(request, response, form, status=400)


@require(Capability.VIEW_COLLECTION)
def evidence_download(request: HttpRequest, evidence_id: int) -> HttpResponse:
    """A response's document, only to those who may see its assignment; never from a public
    media URL, always as an attachment (never rendered by the browser)."""
    assignments = scope_queryset(request.user, Assignment.objects.all())
    row = (
        Evidence.objects.filter(
            pk=evidence_id, response__isnull=False, response__assignment__in=assignments
        )
        .select_related("response")
        .first()
    )
    if row is None:
        raise Http404
    kind = SERVED_TYPES.get(row.content_type, "application/octet-stream")
    answer = FileResponse(
        row.file.open("rb"), as_attachment=True, filename=row.original_name, content_type=kind
    )
    answer["X-Content-Type-Options"] = "nosniff"
    # A streamed file: ``require`` passes any response through, its signature names the usual.
    return cast(HttpResponse, answer)


# Only the kinds evidence.check_upload accepts are served with their own type.
SERVED_TYPES = {k.content_type: k.content_type for k in (evidence.PDF, evidence.JPEG, evidence.PNG)}
