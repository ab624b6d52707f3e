"""Every write of kotan.outreach: templates, reminder plans, the day's reminders and summaries,
reminders sent by hand, WhatsApp messages marked sent, replies noted. Atomic, validated,
audited (django-auditlog)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from post_office.models import Email

from kotan.accounts.actions import acting_as
from kotan.accounts.models import Contact, User
from kotan.collection.models import Assignment, Period
from kotan.core.network import site_url
from kotan.notifications.models import Kind as NotificationKind
from kotan.notifications.send import notify
from kotan.outreach.defaults import DEFAULT_TEMPLATES
from kotan.outreach.models import MessageTemplate, OutreachMessage, ReminderPlan
from kotan.outreach.placeholders import render
from kotan.outreach.recipients import DayPlan, RegencyState, Reminder, reminder_recipients
from kotan.outreach.sending import Sent, prepare_whatsapp, send_email_message

# --- templates and plans --------------------------------------------------------------------


def ensure_templates() -> dict[str, MessageTemplate]:
    """Every template, the missing ones created from the defaults (by the system)."""
    found = {t.key: t for t in MessageTemplate.objects.all()}
    missing = [key for key in DEFAULT_TEMPLATES if key not in found]
    if missing:
        with transaction.atomic():
            for key in missing:
                subject, body = DEFAULT_TEMPLATES[key]
                found[key], _created = MessageTemplate.objects.get_or_create(
                    key=key, defaults={"subject": str(subject), "body": str(body)}
                )
    return found


@transaction.atomic
def save_template(*, actor: User, key: str, subject: str, body: str) -> MessageTemplate:
    """Change a template; an unknown placeholder or a broken brace raises ValidationError
    with the line and column, and nothing is stored."""
    template = ensure_templates()[key]
    template = MessageTemplate.objects.select_for_update().get(pk=template.pk)
    template.subject = subject
    template.body = body
    template.updated_by = actor
    template.full_clean()
    with acting_as(actor):
        template.save()
    return template


@transaction.atomic
def save_plan(
    *, actor: User, period: Period, days_before: list[int], days_after: list[int], enabled: bool
) -> ReminderPlan:
    plan = ReminderPlan.objects.filter(period=period).first() or ReminderPlan(period=period)
    plan.days_before = sorted(days_before, reverse=True)
    plan.days_after = sorted(days_after)
    plan.enabled = enabled
    plan.full_clean()
    with acting_as(actor):
        plan.save()
    return plan


# --- the day's reminders and summaries ------------------------------------------------------


@dataclass(frozen=True)
class RunResult:
    emails: int = 0
    whatsapp: int = 0
    summaries: int = 0


def _long_date(day: date) -> str:
    return date_format(day, "j F Y")


def reminder_text(
    templates: dict[str, MessageTemplate], state: RegencyState, name: str, period: Period, link: str
) -> tuple[str, str]:
    key = "reminder_before" if state.days_left >= 0 else "reminder_after"
    values = {
        "nama": name,
        "wilayah": state.regency_name,
        "periode": period.name,
        "tenggat": _long_date(state.deadline),
        "sisa_hari": max(state.days_left, 0),
        "hari_lewat": state.days_late,
        "terisi": state.filled,
        "target": state.target,
        "tautan": link,
    }
    template = templates[key]
    return render(template.subject, values), render(template.body, values)


def _send_reminder(
    reminder: Reminder,
    period: Period,
    templates: dict[str, MessageTemplate],
    *,
    key_base: str,
    kind: str,
    actor: User | None,
    channels: tuple[str, ...] = ("email", "whatsapp"),
) -> list[Sent]:
    from kotan.regions.models import Regency

    link = (
        site_url(reverse("form_link", args=[reminder.link_token]))
        if reminder.link_token
        else site_url("/")
    )
    subject, body = reminder_text(templates, reminder.regency, reminder.contact_name, period, link)
    regency = Regency.objects.select_related("province").get(pk=reminder.regency.regency_id)
    contact = Contact.objects.select_related("organization").get(pk=reminder.contact_id)
    common: dict[str, Any] = {
        "recipient_name": reminder.contact_name,
        "body": body,
        "kind": kind,
        "period": period,
        "regency": regency,
        "organization": contact.organization,
        "contact": contact,
        "created_by": actor,
    }
    sent = []
    for channel in channels:
        address = reminder.email if channel == "email" else reminder.whatsapp
        if not address:
            continue
        key = f"{key_base}:{channel}"
        if channel == "email":
            sent.append(send_email_message(key=key, address=address, subject=subject, **common))
        else:
            sent.append(prepare_whatsapp(key=key, number=address, **common))
    return sent


def _summary_lines(rows: tuple[RegencyState, ...]) -> str:
    return "\n".join(f"- {r.regency_name}: {r.filled}/{r.target}" for r in rows)


def _send_summaries(plan: DayPlan, period: Period, templates: dict[str, MessageTemplate]) -> int:
    """One summary per BNNP, then one national: in-app and by email through ``notify``, and a
    row in the message log per recipient."""
    from kotan.regions.models import Province

    created = 0
    progress = site_url(reverse("progress") + f"?periode={period.year}")
    people = {
        u.pk: u
        for u in User.objects.filter(
            pk__in=[pk for s in plan.province_summaries for pk in s.recipients]
            + list(plan.national.recipients if plan.national else [])
        )
    }
    deadline = min((r.deadline for s in plan.province_summaries for r in s.overdue), default=None)
    provinces = Province.objects.in_bulk([s.province_id for s in plan.province_summaries])
    for summary in plan.province_summaries:
        province = provinces[summary.province_id]
        for pk in summary.recipients:
            user = people[pk]
            values = {
                "nama": user.get_full_name(),
                "provinsi": summary.province_name,
                "periode": period.name,
                "tenggat": _long_date(summary.overdue[0].deadline),
                "jumlah": len(summary.overdue),
                "daftar": _summary_lines(summary.overdue),
                "tautan": progress,
            }
            key = f"escalation:province:{period.pk}:{summary.province_id}:{plan.today}:{pk}"
            created += _log_summary(
                user, key, "escalation_province", values, templates, period, province
            )
    if plan.national is not None:
        listing = "\n".join(
            _("- %(province)s: %(n)d kabupaten/kota") % {"province": name, "n": n}
            for name, n in plan.national.provinces
        )
        for pk in plan.national.recipients:
            user = people[pk]
            values = {
                "nama": user.get_full_name(),
                "periode": period.name,
                "tenggat": _long_date(deadline) if deadline else "",
                "jumlah": sum(n for _name, n in plan.national.provinces),
                "daftar": listing,
                "tautan": progress,
            }
            key = f"escalation:national:{period.pk}:{plan.today}:{pk}"
            created += _log_summary(
                user, key, "escalation_national", values, templates, period, None
            )
    return created


def _log_summary(
    user: User,
    key: str,
    template_key: str,
    values: dict[str, object],
    templates: dict[str, MessageTemplate],
    period: Period,
    province: object,
) -> int:
    if OutreachMessage.objects.filter(key=key).exists():
        return 0
    subject = render(templates[template_key].subject, values)
    body = render(templates[template_key].body, values)
    url = reverse("progress") + f"?periode={period.year}"
    newest = Email.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    notify([user], NotificationKind.REMINDER_SUMMARY, subject, body, url, key=key)
    # notify queued the email (unless the user turned this kind off): link it for its status
    queued = next(
        (
            e
            for e in Email.objects.filter(pk__gt=newest, subject__endswith=subject[:150])
            if user.email and user.email in e.to
        ),
        None,
    )
    message = OutreachMessage(
        key=key,
        channel=OutreachMessage.Channel.EMAIL,
        status=OutreachMessage.Status.QUEUED if queued else OutreachMessage.Status.SENT,
        email=queued,
        address=user.email or user.get_username(),
        recipient_name=user.get_full_name() or user.get_username(),
        recipient_user=user,
        subject=subject[:200],
        body=body,
        kind=OutreachMessage.Kind.ESCALATION,
        period=period,
        province=province,  # type: ignore[misc]
    )
    message.full_clean(validate_unique=False)
    message.save()
    return 1


@transaction.atomic
def run_reminders(today: date | None = None) -> RunResult:
    """The day's reminders and summaries for every open period. Idempotent by key."""
    today = today or timezone.localdate()
    templates = ensure_templates()
    emails = whatsapp = summaries = 0
    for period in Period.objects.filter(status=Period.Status.OPEN).order_by("year"):
        plan = reminder_recipients(period, today)
        for reminder in plan.reminders:
            key = (
                f"reminder:{period.pk}:{reminder.regency.regency_id}:"
                f"{reminder.contact_id}:{reminder.step.code}"
            )
            for sent in _send_reminder(
                reminder, period, templates, key_base=key, kind="reminder", actor=None
            ):
                if sent.created and sent.message.channel == OutreachMessage.Channel.EMAIL:
                    emails += 1
                elif sent.created:
                    whatsapp += 1
        summaries += _send_summaries(plan, period, templates)
    return RunResult(emails, whatsapp, summaries)


# --- by hand --------------------------------------------------------------------------------


def send_reminder_now(
    *, actor: User, assignment: Assignment, contact: Contact, channel: str
) -> Sent:
    """An operator's "Kirim pengingat sekarang": one message to one contact by one channel.
    Pressing twice the same minute sends once (the key holds the minute)."""
    from kotan.outreach.recipients import regency_states
    from kotan.outreach.schedule import Step

    if channel not in OutreachMessage.Channel.values:
        raise ValidationError(_("Kanal tidak dikenal."))
    address = contact.email if channel == OutreachMessage.Channel.EMAIL else contact.whatsapp
    if not address:
        raise ValidationError(
            _("Narahubung ini tidak punya alamat untuk kanal %(channel)s.")
            % {"channel": OutreachMessage.Channel(channel).label}
        )
    today = timezone.localdate()
    state = regency_states(assignment.period, today, [assignment])[assignment.pk]
    if state.complete:
        # The reminder says "baru 180 dari 180 responden ... mohon segera diisi": nonsense
        # to a regency that has finished, as the scheduled reminders know (they stop).
        raise ValidationError(
            _(
                "%(regency)s sudah memenuhi target (%(filled)s dari %(target)s responden); "
                "pengingat tidak dikirim."
            )
            % {"regency": state.regency_name, "filled": state.filled, "target": state.target}
        )
    token = (
        assignment.links.filter(institution=contact.organization, is_active=True)
        .order_by("pk")
        .values_list("token", flat=True)
        .first()
    )
    reminder = Reminder(
        regency=state,
        step=Step("manual", 0),
        contact_id=contact.pk,
        contact_name=contact.name,
        email=contact.email if channel == "email" else "",
        whatsapp=contact.whatsapp if channel == "whatsapp" else "",
        organization_id=contact.organization_id,
        organization_name=contact.organization.name,
        link_token=token or "",
    )
    minute = timezone.now().strftime("%Y%m%d%H%M")
    key = f"manual:{assignment.pk}:{contact.pk}:{actor.pk}:{minute}"
    with transaction.atomic():
        sent = _send_reminder(
            reminder,
            assignment.period,
            ensure_templates(),
            key_base=key,
            kind=OutreachMessage.Kind.MANUAL,
            actor=actor,
            channels=(channel,),
        )
    return sent[0]


@transaction.atomic
def mark_sent_by_operator(*, actor: User, message: OutreachMessage) -> OutreachMessage:
    """The operator sent a prepared WhatsApp message with one tap."""
    message = OutreachMessage.objects.select_for_update().get(pk=message.pk)
    if message.status != OutreachMessage.Status.PREPARED:
        raise ValidationError(_("Pesan ini tidak sedang menunggu dikirim."))
    message.status = OutreachMessage.Status.SENT_BY_OPERATOR
    message.sent_at = timezone.now()
    with acting_as(actor):
        message.save(update_fields=["status", "sent_at"])
    return message


@transaction.atomic
def note_reply(*, actor: User, message: OutreachMessage, note: str) -> OutreachMessage:
    message = OutreachMessage.objects.select_for_update().get(pk=message.pk)
    message.reply_note = note.strip()
    message.full_clean(exclude=["email"], validate_unique=False)
    with acting_as(actor):
        message.save(update_fields=["reply_note"])
    return message
