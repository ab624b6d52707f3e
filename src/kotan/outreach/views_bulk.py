"""Pages for sending the questionnaire out in bulk, from an assignment: the list (typed or
uploaded) and its preview, the links made in one step, their QR sheet, and the invitations.

Who: operators who manage collection and send messages (BNNK, BNNP, national admins), for an
assignment in their scope; the rest get 403, an assignment outside the scope 404.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from kotan.accounts.contacts import display_whatsapp
from kotan.accounts.models import User
from kotan.accounts.permissions import Capability, current_user, has_capability, require
from kotan.accounts.scoping import get_scoped_or_404
from kotan.collection import sharing
from kotan.collection.models import Assignment, RespondentLink
from kotan.core.pdf import html_to_pdf
from kotan.outreach import bulk
from kotan.outreach.forms_bulk import (
    PLAN_MAX_AGE,
    BulkListForm,
    ConfirmForm,
    SendForm,
    parse_ids,
    sign_plan,
)

LINKS_PARAM = "tautan"


# --- helpers --------------------------------------------------------------------------------


def _operator(request: HttpRequest) -> User:
    """The signed-in user if they may both make links and send messages; else 403."""
    user = current_user(request)
    if not (
        has_capability(user, Capability.MANAGE_COLLECTION)
        and has_capability(user, Capability.SEND_MESSAGES)
    ):
        raise PermissionDenied
    return user


def _assignment(request: HttpRequest, pk: int) -> tuple[User, Assignment]:
    user = _operator(request)
    related = Assignment.objects.select_related(
        "period__instrument", "regency__province", "responsible"
    )
    return user, get_scoped_or_404(user, related, pk=pk)


def _units(assignment: Assignment) -> Any:
    return assignment.period.instrument.units.all()


def _site(request: HttpRequest) -> str:
    """The address the operator is using, as the single link page does (the QR codes printed
    here must open on the respondents' phones); KOTAN_SITE_URL is for jobs, which have none."""
    return request.build_absolute_uri("/").rstrip("/")


def _public_url(request: HttpRequest, link: RespondentLink) -> str:
    return _site(request) + sharing.public_path(link.token)


def _links(request: HttpRequest, assignment: Assignment) -> QuerySet[RespondentLink]:
    """The links named by ``?tautan=1,2,3`` (a batch), else every active link; always of this
    assignment, so an id from elsewhere is simply not found."""
    links = assignment.links.select_related("unit", "institution").order_by("label", "pk")
    given = request.GET.get(LINKS_PARAM, "").strip()
    if given:
        try:
            return links.filter(pk__in=parse_ids(given))
        except forms.ValidationError:  # a malformed list names no link
            return links.none()
    return links.filter(is_active=True, expires_at__gt=timezone.now())


def _ids_query(links: Iterable[RespondentLink | int]) -> str:
    ids = (link if isinstance(link, int) else link.pk for link in links)
    return f"?{LINKS_PARAM}=" + ",".join(str(i) for i in ids)


def _refuse_closed(request: HttpRequest, assignment: Assignment) -> HttpResponse | None:
    if assignment.accepts_responses:
        return None
    messages.error(
        request, _("Penugasan ini tidak lagi menerima jawaban; tautan baru tidak dapat dibuat.")
    )
    return redirect("assignment_detail", pk=assignment.pk)


# --- the list and its preview ---------------------------------------------------------------


def _start_page(
    request: HttpRequest, assignment: Assignment, form: BulkListForm, status: int = 200
) -> HttpResponse:
    context = {
        "assignment": assignment,
        "form": form,
        "problems": form.problems,
        "headers": list(bulk.HEADERS.values()),
        "example": "\n".join(
            [
                ";".join(bulk.HEADERS.values()),
                "Dinas Pendidikan;Rina Contoh;Kepala Bidang;rina@example.org;0812 0000 0001",
                "SMA Negeri 1 Contoh;Sari Contoh;Wakil Kepala Sekolah;;+62 812 0000 0002",
            ]
        ),
        "max_rows": bulk.MAX_ROWS,
    }
    return render(request, "outreach/bulk_start.html", context, status=status)


@never_cache
@require(Capability.MANAGE_COLLECTION)
def bulk_start(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the form. POST: the list checked; its preview, or the form with every problem."""
    _user, assignment = _assignment(request, pk)
    if refused := _refuse_closed(request, assignment):
        return refused
    if request.method != "POST":
        return _start_page(request, assignment, BulkListForm(units=_units(assignment)))
    if request.POST.get("ubah"):  # back from the preview to change the list
        form = BulkListForm(initial=request.POST.dict(), units=_units(assignment))
        return _start_page(request, assignment, form)
    form = BulkListForm(request.POST, request.FILES, units=_units(assignment))
    if not form.is_valid():
        return _start_page(request, assignment, form, status=400)
    entries: list[bulk.Entry] = form.cleaned_data["entries"]
    planned = bulk.plan(assignment, entries)
    unit = next(u for u in _units(assignment) if u.code == form.cleaned_data["unit"])
    context = {
        "assignment": assignment,
        "planned": planned,
        "unit": unit,
        "settings": form.cleaned_data,
        "plan": sign_plan(assignment.pk, form.cleaned_data, entries),
        "typed": "\n".join(
            "\t".join(row)
            for row in [
                list(bulk.HEADERS.values()),
                *[[e.institution, e.name, e.position, e.email, e.whatsapp] for e in entries],
            ]
        ),
        "new_institutions": sum(p.institution is None for p in planned),
        "rows": [
            (p, display_whatsapp(p.entry.whatsapp) if p.entry.whatsapp else "") for p in planned
        ],
    }
    return render(request, "outreach/bulk_preview.html", context)


@require(Capability.MANAGE_COLLECTION)
@require_GET
def bulk_template(request: HttpRequest, pk: int) -> HttpResponse:
    _user, assignment = _assignment(request, pk)
    response = HttpResponse(bulk.template_xlsx(), content_type=bulk.XLSX_TYPE)
    name = f"daftar-instansi-{assignment.regency.code}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require(Capability.MANAGE_COLLECTION)
@require_POST
def bulk_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Create what the preview showed, all in one transaction, and open the batch."""
    user, assignment = _assignment(request, pk)
    if refused := _refuse_closed(request, assignment):
        return refused
    form = ConfirmForm(request.POST, assignment_id=assignment.pk)
    if not form.is_valid():
        for error in form.errors.get("rencana", []):
            messages.error(request, str(error))
        return redirect("bulk_start", pk=assignment.pk)
    plan = form.cleaned_data["rencana"]
    if plan["unit"] not in {u.code for u in _units(assignment)}:
        messages.error(request, _("Kelompok responden tidak ada pada instrumen periode ini."))
        return redirect("bulk_start", pk=assignment.pk)
    # The same preview confirmed twice (a double tap, the back button) makes its links once.
    done_key = f"kotan:bulk-plan:{plan.get('nonce', '')}"
    if not cache.add(done_key, "", timeout=PLAN_MAX_AGE):
        done = cache.get(done_key)
        messages.info(request, _("Daftar ini sudah diproses; tautannya tidak dibuat dua kali."))
        if done:
            return redirect(reverse("bulk_batch", args=[assignment.pk]) + f"?{LINKS_PARAM}={done}")
        return redirect("bulk_batch", pk=assignment.pk)
    try:
        made = bulk.create_batch(
            actor=user,
            assignment=assignment,
            entries=plan["entries"],
            unit_code=plan["unit"],
            max_uses=plan["max_uses"],
            valid_days=plan["valid_days"],
        )
    except BaseException:
        cache.delete(done_key)  # nothing was made: the same plan may be tried again
        raise
    cache.set(done_key, ",".join(str(m.link.pk) for m in made), timeout=PLAN_MAX_AGE)
    messages.success(
        request,
        ngettext(
            "%(n)s tautan dibuat. Kirim ke narahubungnya atau cetak kode QR-nya.",
            "%(n)s tautan dibuat. Kirim ke narahubungnya atau cetak kode QR-nya.",
            len(made),
        )
        % {"n": len(made)},
    )
    return redirect(reverse("bulk_batch", args=[assignment.pk]) + _ids_query(m.link for m in made))


# --- the batch: its contacts and the invitations ------------------------------------------------


@never_cache  # the page holds the links' tokens
@require(Capability.MANAGE_COLLECTION)
def bulk_batch(request: HttpRequest, pk: int) -> HttpResponse:
    _user, assignment = _assignment(request, pk)
    links = list(_links(request, assignment))
    recipients = bulk.recipients(links)
    reached = {r.link.pk for r in recipients}
    now = timezone.now()
    context = {
        "assignment": assignment,
        "links": links,
        "recipients": recipients,
        "unusable": {link.pk for link in links if link.unavailable_reason(now)},
        "without_contact": [link for link in links if link.pk not in reached],
        "ids": ",".join(str(link.pk) for link in links),
        "query": _ids_query(links) if request.GET.get(LINKS_PARAM) else "",
        "form": SendForm(initial={"tautan": ",".join(str(link.pk) for link in links)}),
        "resend_token": secrets.token_hex(8),
    }
    return render(request, "outreach/bulk_batch.html", context)


@require(Capability.MANAGE_COLLECTION)
@require_POST
def bulk_send(request: HttpRequest, pk: int) -> HttpResponse:
    user, assignment = _assignment(request, pk)
    form = SendForm(request.POST)
    back = reverse("bulk_batch", args=[assignment.pk])
    if form.is_valid():
        back += _ids_query(form.cleaned_data["tautan"])
    if not assignment.accepts_responses:
        messages.error(
            request, _("Penugasan ini tidak lagi menerima jawaban; tidak ada yang dikirim.")
        )
        return redirect(back)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    links = list(
        assignment.links.select_related(
            "unit", "institution", "assignment__period", "assignment__regency__province"
        ).filter(pk__in=form.cleaned_data["tautan"])
    )
    token = request.POST.get("token", "")
    resend = token if form.cleaned_data["ulang"] and token.isalnum() and len(token) <= 32 else ""
    summary = bulk.send_invitations(
        actor=user,
        links=links,
        channels=form.cleaned_data["kanal"],
        link_url=lambda link: _public_url(request, link),
        resend=resend,
    )
    _report(request, summary)
    return redirect(back)


def _report(request: HttpRequest, summary: bulk.SendSummary) -> None:
    lines = [
        (
            summary.emails,
            messages.success,
            ngettext(
                "%(n)s email masuk antrean dan segera terkirim.",
                "%(n)s email masuk antrean dan segera terkirim.",
                summary.emails,
            ),
        ),
        (
            summary.whatsapp,
            messages.success,
            ngettext(
                "%(n)s pesan WhatsApp disiapkan; kirim dari daftar “Kirim hari ini”.",
                "%(n)s pesan WhatsApp disiapkan; kirim dari daftar “Kirim hari ini”.",
                summary.whatsapp,
            ),
        ),
        (
            summary.already,
            messages.info,
            ngettext(
                "%(n)s pesan sudah pernah dikirim dan tidak dikirim lagi. Centang “kirim ulang” "
                "bila memang perlu.",
                "%(n)s pesan sudah pernah dikirim dan tidak dikirim lagi. Centang “kirim ulang” "
                "bila memang perlu.",
                summary.already,
            ),
        ),
        (
            summary.without_address,
            messages.info,
            ngettext(
                "%(n)s pesan tidak dibuat karena narahubungnya tidak punya email atau nomor "
                "WhatsApp untuk kanal itu.",
                "%(n)s pesan tidak dibuat karena narahubungnya tidak punya email atau nomor "
                "WhatsApp untuk kanal itu.",
                summary.without_address,
            ),
        ),
        (
            summary.unusable_links,
            messages.warning,
            ngettext(
                "%(n)s narahubung dilewati: tautannya sudah tidak dapat dipakai.",
                "%(n)s narahubung dilewati: tautannya sudah tidak dapat dipakai.",
                summary.unusable_links,
            ),
        ),
    ]
    for count, say, text in lines:
        if count:
            say(request, text % {"n": count})
    if not (summary.emails or summary.whatsapp or summary.already):
        messages.warning(request, _("Tidak ada pesan yang dikirim."))


# --- the QR sheet ---------------------------------------------------------------------------


def _sheet_context(request: HttpRequest, assignment: Assignment) -> dict[str, object]:
    cards = []
    for link in _links(request, assignment):
        url = _public_url(request, link)
        svg: SafeString = mark_safe(  # noqa: S308 - segno's output: path data and an escaped title
            sharing.qr_svg_inline(url, _("Kode QR kuesioner %(name)s") % {"name": link})
        )
        cards.append({"link": link, "url": url, "qr_svg": svg})
    return {"assignment": assignment, "cards": cards, "query": request.GET.urlencode()}


@never_cache
@require(Capability.MANAGE_COLLECTION)
@require_GET
def bulk_qr_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    _user, assignment = _assignment(request, pk)
    return render(request, "outreach/bulk_qr_sheet.html", _sheet_context(request, assignment))


@never_cache
@require(Capability.MANAGE_COLLECTION)
@require_GET
def bulk_qr_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    _user, assignment = _assignment(request, pk)
    html = render_to_string(
        "outreach/bulk_qr_pdf.html", _sheet_context(request, assignment), request=request
    )
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    name = f"kode-qr-{assignment.regency.code}-{assignment.period.year}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
