"""Sending one message and logging it: an email queued in django-post-office, or a WhatsApp
message prepared as a wa.me link for an operator to send with one tap.

Both are idempotent by ``key``: a second call with the same key sends nothing and returns the
first row with ``created=False``. The log row and the queued email are written in one
transaction, audited (django-auditlog); delivery happens later in the ``deliver_email`` job, so
a failing mail server never blocks the caller."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction

from kotan.accounts.actions import acting_as
from kotan.accounts.contacts import wa_me_url
from kotan.outreach.models import OutreachMessage

if TYPE_CHECKING:
    from kotan.accounts.models import Contact, Organization, User
    from kotan.collection.models import Period
    from kotan.regions.models import Province, Regency


@dataclass(frozen=True)
class Sent:
    message: OutreachMessage
    created: bool  # False: the key was already used, nothing was sent again


def _log(
    *,
    key: str,
    channel: str,
    status: str,
    address: str,
    recipient_name: str,
    subject: str,
    body: str,
    kind: str,
    period: Period | None,
    regency: Regency | None,
    province: Province | None,
    organization: Organization | None,
    contact: Contact | None,
    recipient_user: User | None,
    created_by: User | None,
    wa_url: str = "",
) -> tuple[OutreachMessage, bool]:
    existing = OutreachMessage.objects.filter(key=key).first()
    if existing is not None:
        return existing, False
    if province is None and regency is not None:
        province = regency.province
    message = OutreachMessage(
        key=key,
        channel=channel,
        status=status,
        address=address,
        recipient_name=recipient_name[:200],
        subject=subject[:200],
        body=body,
        kind=kind,
        period=period,
        regency=regency,
        province=province,
        organization=organization,
        contact=contact,
        recipient_user=recipient_user,
        created_by=created_by,
        wa_url=wa_url,
    )
    message.full_clean(exclude=["email"], validate_unique=False)
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:  # the same key written concurrently
        return OutreachMessage.objects.get(key=key), False
    return message, True


@transaction.atomic
def send_email_message(
    *,
    key: str,
    address: str,
    recipient_name: str,
    subject: str,
    body: str,
    kind: str,
    period: Period | None = None,
    regency: Regency | None = None,
    province: Province | None = None,
    organization: Organization | None = None,
    contact: Contact | None = None,
    recipient_user: User | None = None,
    created_by: User | None = None,
) -> Sent:
    """Queue an email and log it (status ``antre``); the queue's row shows its delivery."""
    from post_office import mail

    with acting_as(created_by):
        message, created = _log(
            key=key,
            channel=OutreachMessage.Channel.EMAIL,
            status=OutreachMessage.Status.QUEUED,
            address=address,
            recipient_name=recipient_name,
            subject=subject,
            body=body,
            kind=kind,
            period=period,
            regency=regency,
            province=province,
            organization=organization,
            contact=contact,
            recipient_user=recipient_user,
            created_by=created_by,
        )
        if created:
            message.email = mail.send(
                recipients=[address],
                sender=settings.DEFAULT_FROM_EMAIL,
                subject=subject,
                message=body,
                priority="medium",
            )
            message.save(update_fields=["email"])
    return Sent(message, created)


@transaction.atomic
def prepare_whatsapp(
    *,
    key: str,
    number: str,
    recipient_name: str,
    body: str,
    kind: str,
    period: Period | None = None,
    regency: Regency | None = None,
    province: Province | None = None,
    organization: Organization | None = None,
    contact: Contact | None = None,
    recipient_user: User | None = None,
    created_by: User | None = None,
) -> Sent:
    """Log a WhatsApp message as prepared (``disiapkan``) with its wa.me link; the operator
    sends it from "Kirim hari ini" and marks it sent."""
    with acting_as(created_by):
        message, created = _log(
            key=key,
            channel=OutreachMessage.Channel.WHATSAPP,
            status=OutreachMessage.Status.PREPARED,
            address=number,
            recipient_name=recipient_name,
            subject="",
            body=body,
            kind=kind,
            period=period,
            regency=regency,
            province=province,
            organization=organization,
            contact=contact,
            recipient_user=recipient_user,
            created_by=created_by,
            wa_url=wa_me_url(number, body),
        )
    return Sent(message, created)
