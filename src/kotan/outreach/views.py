"""The reminder pages: a regency's contacts and messages, "to send today", the log, templates
and the reminder plan of a period.

Operators with SEND_MESSAGES see the regencies of their scope (the scoping helper decides;
outside it is 404); templates and plans are the national admins' (MANAGE_TEMPLATES)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kotan.accounts.contacts import display_whatsapp
from kotan.accounts.models import User
from kotan.accounts.permissions import Capability, current_user, require
from kotan.accounts.scoping import get_scoped_or_404, scope_queryset
from kotan.collection.models import Assignment, Period
from kotan.outreach import actions
from kotan.outreach.forms import PlanForm, ReplyForm, SendNowForm, TemplateForm
from kotan.outreach.models import MessageTemplate, OutreachMessage, ReminderPlan
from kotan.outreach.placeholders import PLACEHOLDERS, example_values
from kotan.outreach.placeholders import render as fill
from kotan.outreach.recipients import plan_days, regency_contacts, regency_states
from kotan.regions.models import Regency

PAGE_SIZE = 50


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect(default)


def _messages_in_scope(user: User) -> QuerySet[OutreachMessage]:
    return scope_queryset(user, OutreachMessage.objects.all()).select_related(
        "regency", "period", "created_by", "email", "organization"
    )


def _assignment_of(request: HttpRequest, regency: Regency) -> Assignment | None:
    """The regency's assignment in ``?periode=YEAR``, else in the latest open period."""
    rows = Assignment.objects.filter(regency=regency).select_related("period", "responsible")
    year = request.GET.get("periode", "").strip()
    if year:
        if not year.isdigit():
            raise Http404
        return rows.filter(period__year=int(year)).first()
    return (
        rows.filter(period__status=Period.Status.OPEN).order_by("-period__year").first()
        or rows.order_by("-period__year").first()
    )


@require(Capability.SEND_MESSAGES)
def regency_page(request: HttpRequest, code: str) -> HttpResponse:
    user = current_user(request)
    regency = get_scoped_or_404(user, Regency.objects.select_related("province"), code=code)
    assignment = _assignment_of(request, regency)
    state = None
    if assignment is not None:
        state = regency_states(assignment.period, timezone.localdate(), [assignment])[assignment.pk]
    contacts = [
        (c, display_whatsapp(c.whatsapp) if c.whatsapp else "")
        for c in regency_contacts(regency, assignment.responsible_id if assignment else None)
    ]
    log = _messages_in_scope(user).filter(regency=regency)
    return render(
        request,
        "outreach/regency.html",
        {
            "regency": regency,
            "assignment": assignment,
            "state": state,
            "contacts": contacts,
            "page": Paginator(log, PAGE_SIZE).get_page(request.GET.get("halaman")),
            "reply_form": ReplyForm(),
        },
    )


@require_POST
@require(Capability.SEND_MESSAGES)
def send_now(request: HttpRequest, code: str) -> HttpResponse:
    user = current_user(request)
    regency = get_scoped_or_404(user, Regency.objects.select_related("province"), code=code)
    page = reverse("outreach_regency", args=[regency.code])
    form = SendNowForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih narahubung dan kanal."))
        return redirect(page)
    assignment = (
        Assignment.objects.filter(regency=regency, period__status=Period.Status.OPEN)
        .select_related("period")
        .order_by("-period__year")
        .first()
    )
    if assignment is None:
        messages.error(request, _("Tidak ada periode terbuka untuk kabupaten/kota ini."))
        return redirect(page)
    contact = get_object_or_404(
        regency_contacts(regency, assignment.responsible_id), pk=form.cleaned_data["contact"]
    )
    try:
        sent = actions.send_reminder_now(
            actor=user, assignment=assignment, contact=contact, channel=form.cleaned_data["channel"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(page)
    if sent.message.channel == OutreachMessage.Channel.WHATSAPP:
        messages.success(
            request,
            _("Pesan WhatsApp untuk %(name)s disiapkan; tandai sudah dikirim setelah terkirim.")
            % {"name": contact.name},
        )
        return redirect(sent.message.wa_url)
    messages.success(
        request, _("Pengingat untuk %(name)s masuk antrean email.") % {"name": contact.name}
    )
    return redirect(page)


@require(Capability.SEND_MESSAGES)
def today(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    prepared = (
        _messages_in_scope(user)
        .filter(channel=OutreachMessage.Channel.WHATSAPP, status=OutreachMessage.Status.PREPARED)
        .order_by("regency__name", "recipient_name", "pk")
    )
    return render(
        request, "outreach/today.html", {"prepared": prepared[:500], "total": prepared.count()}
    )


@require_POST
@require(Capability.SEND_MESSAGES)
def mark_sent(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    message = get_scoped_or_404(user, OutreachMessage.objects.all(), pk=pk)
    try:
        actions.mark_sent_by_operator(actor=user, message=message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Ditandai sudah dikirim: %(name)s.") % {"name": message.recipient_name}
        )
    return _back(request, reverse("outreach_today"))


@require_POST
@require(Capability.SEND_MESSAGES)
def note_reply(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    message = get_scoped_or_404(user, OutreachMessage.objects.all(), pk=pk)
    form = ReplyForm(request.POST)
    default = (
        reverse("outreach_regency", args=[message.regency.code])
        if message.regency
        else reverse("outreach_log")
    )
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return _back(request, default)
    try:
        actions.note_reply(actor=user, message=message, note=form.cleaned_data["reply_note"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Catatan balasan disimpan."))
    return _back(request, default)


@require(Capability.SEND_MESSAGES)
def log(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    rows = _messages_in_scope(user)
    chosen = {k: request.GET.get(k, "").strip() for k in ("periode", "kanal", "status", "wilayah")}
    if chosen["periode"].isdigit():
        rows = rows.filter(period__year=int(chosen["periode"]))
    if chosen["kanal"] in OutreachMessage.Channel.values:
        rows = rows.filter(channel=chosen["kanal"])
    if chosen["status"] in OutreachMessage.Status.values:
        rows = rows.filter(status=chosen["status"])
    if chosen["wilayah"]:
        rows = rows.filter(regency__code=chosen["wilayah"])
    return render(
        request,
        "outreach/log.html",
        {
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("halaman")),
            "chosen": chosen,
            "periods": Period.objects.order_by("-year").values_list("year", flat=True),
            "channels": OutreachMessage.Channel.choices,
            "statuses": OutreachMessage.Status.choices,
            "regencies": scope_queryset(user, Regency.objects.order_by("code")).values_list(
                "code", "name"
            ),
        },
    )


@require(Capability.MANAGE_TEMPLATES)
def template_list(request: HttpRequest) -> HttpResponse:
    templates = sorted(
        actions.ensure_templates().values(), key=lambda t: list(PLACEHOLDERS).index(t.key)
    )
    periods = Period.objects.order_by("-year").values_list("year", flat=True)
    return render(
        request, "outreach/template_list.html", {"templates": templates, "periods": periods}
    )


@require(Capability.MANAGE_TEMPLATES)
def template_edit(request: HttpRequest, key: str) -> HttpResponse:
    if key not in MessageTemplate.Key.values:
        raise Http404
    template = actions.ensure_templates()[key]
    form = TemplateForm(
        request.POST or None, initial={"subject": template.subject, "body": template.body}
    )
    subject, body = template.subject, template.body
    if request.method == "POST" and form.is_valid():
        subject, body = form.cleaned_data["subject"], form.cleaned_data["body"]
        if request.POST.get("aksi") == "simpan":
            try:
                actions.save_template(
                    actor=current_user(request), key=key, subject=subject, body=body
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, _("Templat disimpan."))
                return redirect("outreach_template_list")
    values = example_values(key)
    return render(
        request,
        "outreach/template_edit.html",
        {
            "template": template,
            "form": form,
            "placeholders": values.items(),
            "preview_subject": fill(subject, values),
            "preview_body": fill(body, values),
        },
    )


@require(Capability.MANAGE_TEMPLATES)
def plan_edit(request: HttpRequest, year: int) -> HttpResponse:
    period = get_object_or_404(Period, year=year)
    before, after, enabled = plan_days(period)
    initial = {
        "days_before": ", ".join(map(str, before)),
        "days_after": ", ".join(map(str, after)),
        "enabled": enabled,
    }
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_plan(
                actor=current_user(request),
                period=period,
                days_before=form.cleaned_data["days_before"],
                days_after=form.cleaned_data["days_after"],
                enabled=form.cleaned_data["enabled"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Jadwal pengingat disimpan."))
            return redirect("outreach_plan", year=period.year)
    return render(
        request,
        "outreach/plan.html",
        {
            "period": period,
            "form": form,
            "saved": ReminderPlan.objects.filter(period=period).exists(),
            "periods": Period.objects.order_by("-year").values_list("year", flat=True),
        },
    )
