"""The operator's desk: every invalid or conflicting raw submission corrected or rejected.

Only managers of collection (BNNK, BNNP, the centre) open it, each for the rows of their own
area (``desk.desk_queryset``; rows without a region are routed by what their payload names).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kotan.accounts.permissions import Capability, current_user, require
from kotan.collection import desk
from kotan.collection.actions import TransitionError
from kotan.collection.models import Assignment, Channel, Period, RawSubmission
from kotan.core.forms import act_with_reason

PAGE_SIZE = 25
SHOWN_CHARS = 20_000  # of a payload as JSON text
SHOWN_BYTES = 4_096  # of a body kept as bytes


@dataclass(frozen=True)
class DeskRow:
    raw: RawSubmission
    assignment: Assignment | None
    routed: bool  # the region follows from the payload, not from ingestion
    problems: tuple[str, ...]


def _rows(raws: list[RawSubmission]) -> list[DeskRow]:
    """Page rows with their region (two queries for the routed ones) and problems."""
    routes = desk.route(
        {r.pk: desk.payload_refs(r.payload) for r in raws if r.assignment_id is None}
    )
    named = Assignment.objects.select_related("regency", "period").in_bulk(set(routes.values()))
    return [
        DeskRow(
            raw=r,
            assignment=r.assignment if r.assignment_id else named.get(routes.get(r.pk, -1)),
            routed=r.assignment_id is None and r.pk in routes,
            problems=_problems(r),
        )
        for r in raws
    ]


def _problems(raw: RawSubmission) -> tuple[str, ...]:
    found = tuple(
        str(e.get("detail") or e.get("code", "")) if isinstance(e, dict) else str(e)
        for e in (raw.errors or [])
    )
    if raw.status == RawSubmission.Status.CONFLICT and not found:
        return (
            _(
                "UUID ini sudah dipakai untuk kiriman dengan isi berbeda; "
                "kiriman pertama yang berlaku."
            ),
        )
    return found


@require(Capability.MANAGE_COLLECTION)
def desk_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    periods = list(Period.objects.order_by("-year"))
    year = request.GET.get("periode", "").strip()
    period = next((p for p in periods if str(p.year) == year), None)
    if year and period is None:
        raise Http404
    status = request.GET.get("status", "")
    channel = request.GET.get("kanal", "")
    rows = desk.desk_queryset(
        user,
        status=status if status in desk.DESK_STATUSES else "",
        channel=channel if channel in Channel.values else "",
        period_id=period.pk if period else None,
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("halaman"))
    return render(
        request,
        "collection/desk/list.html",
        {
            "page": page,
            "rows": _rows(list(page)),
            "periods": periods,
            "period": period,
            "status": status,
            "channel": channel,
            "statuses": [(s, RawSubmission.Status(s).label) for s in desk.DESK_STATUSES],
            "channels": Channel.choices,
        },
    )


class CorrectionForm(forms.Form):
    payload = forms.CharField(
        label=gettext_lazy("Isi kiriman (JSON)"),
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        max_length=1_000_000,
    )
    assignment = forms.IntegerField(
        label=gettext_lazy("Nomor penugasan"),
        required=False,
        min_value=1,
        help_text=gettext_lazy(
            "Diisi bila kiriman salah penugasan; tautan di isi kiriman dilepas."
        ),
    )
    unit = forms.CharField(label=gettext_lazy("Kode unit observasi"), required=False, max_length=40)
    institution = forms.CharField(label=gettext_lazy("Instansi"), required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = data.get("payload")
        if text is None:
            return data
        try:
            value = json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("Isi kiriman bukan JSON yang sah.")) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Isi kiriman harus berupa objek JSON ({…})."))
        if data.get("assignment"):
            value.pop("link", None)
            value["assignment"] = data["assignment"]
        if data.get("unit"):
            value["unit"] = data["unit"].strip()
        if data.get("institution"):
            value["institution"] = data["institution"].strip()
        data["value"] = value
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Alasan ditolak (wajib)"),
        max_length=desk.MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Alasan wajib diisi.")},
    )


def _raw_or_404(request: HttpRequest, pk: int) -> RawSubmission:
    raw = (
        RawSubmission.objects.select_related(
            "assignment__regency__province", "assignment__period", "submitted_by", "resolved_by"
        )
        .filter(pk=pk, status__in=desk.DESK_STATUSES)
        .first()
    )
    if raw is None or not desk.visible_to(current_user(request), raw):
        raise Http404
    return raw


# Control characters shown as their visible symbols (U+2400…), so that a NUL can be seen.
_CONTROL = {c: 0x2400 + c for c in range(32) if chr(c) not in "\n\t"} | {127: 0x2421}


def _visible(body: bytes) -> str:
    return body.decode("utf-8", "replace").translate(_CONTROL)


def _editable_text(raw: RawSubmission) -> str:
    """The payload offered for correction: the JSON without its UUID (a new one is made)."""
    if isinstance(raw.payload, dict):
        return json.dumps(
            {k: v for k, v in raw.payload.items() if k != "uuid"}, indent=2, ensure_ascii=False
        )
    if raw.payload is not None:
        return json.dumps(raw.payload, indent=2, ensure_ascii=False)
    body = bytes(raw.body or b"")
    try:
        return body.decode("utf-8") if len(body) <= 65_536 else "{}"
    except UnicodeDecodeError:
        return "{}"


def _detail(
    request: HttpRequest,
    raw: RawSubmission,
    correction: CorrectionForm | None = None,
    reject: RejectForm | None = None,
    status: int = 200,
) -> HttpResponse:
    shown = raw.payload is not None
    text = json.dumps(raw.payload, indent=2, ensure_ascii=False) if shown else ""
    body = bytes(raw.body or b"")
    row = _rows([raw])[0]
    original = (
        RawSubmission.objects.filter(client_uuid=raw.client_uuid)
        .exclude(status=RawSubmission.Status.CONFLICT)
        .first()
        if raw.status == RawSubmission.Status.CONFLICT
        else None
    )
    return render(
        request,
        "collection/desk/detail.html",
        {
            "raw": raw,
            "row": row,
            "original": original,
            "payload_text": text[:SHOWN_CHARS],
            "payload_cut": len(text) > SHOWN_CHARS,
            "body_text": _visible(body[:SHOWN_BYTES]) if not shown else "",
            "body_cut": len(body) > SHOWN_BYTES,
            "body_kept": len(body),
            "corrections": list(
                raw.corrections.select_related("submitted_by", "response").order_by("-received_at")
            ),
            "correction": correction or CorrectionForm(initial={"payload": _editable_text(raw)}),
            "reject": reject or RejectForm(),
            "units": (
                list(row.assignment.period.instrument.units.order_by("order"))
                if row.assignment
                else []
            ),
        },
        status=status,
    )


@require(Capability.MANAGE_COLLECTION)
def desk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _raw_or_404(request, pk))


@require_POST
@require(Capability.MANAGE_COLLECTION)
def desk_correct(request: HttpRequest, pk: int) -> HttpResponse:
    raw = _raw_or_404(request, pk)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        return _detail(request, raw, correction=form, status=400)
    try:
        done = desk.correct_submission(
            actor=current_user(request), raw=raw, payload=form.cleaned_data["value"]
        )
    except TransitionError as exc:
        form.add_error(None, [p.message() for p in exc.problems])
        return _detail(request, raw, correction=form, status=400)
    if not done.ok:
        for p in done.result.problems:
            form.add_error(None, p.message())
        return _detail(request, raw, correction=form, status=422)
    messages.success(
        request,
        _("Koreksi diterima dengan nomor %(receipt)s; kiriman asli ditandai dikoreksi.")
        % {"receipt": done.result.receipt_number},
    )
    return redirect("desk_detail", pk=raw.pk)


@require_POST
@require(Capability.MANAGE_COLLECTION)
def desk_reject(request: HttpRequest, pk: int) -> HttpResponse:
    raw = _raw_or_404(request, pk)
    form = RejectForm(request.POST)
    if act_with_reason(
        request,
        form,
        lambda reason: desk.reject_submission(actor=current_user(request), raw=raw, reason=reason),
        _("Kiriman %(receipt)s ditolak.") % {"receipt": raw.receipt_number},
    ):
        return redirect("desk_detail", pk=raw.pk)
    return _detail(request, raw, reject=form, status=400)
