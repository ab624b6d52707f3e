"""The one door for telling users something: ``notify`` (in-app, and email unless turned off).

Higher apps (collection, monev, jobs, outreach) call it; it imports nothing above accounts.
Call it inside the transaction of the action it reports: when that action fails and rolls
back, the notification and its queued email go with it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from auditlog.context import disable_auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from post_office import mail

from kotan.accounts.models import User
from kotan.core.network import site_url
from kotan.notifications.models import EmailPreference, Kind, Notification

logger = logging.getLogger(__name__)


def notify(
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    key: str | None = None,
) -> int:
    """Create one in-app Notification per active recipient (and queue an email unless the user
    turned email off for that kind or has no email). ``key`` makes it idempotent: a second call with
    the same (recipient, key) creates nothing. Returns how many were created."""
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind: {kind}")
    people = {u.pk: u for u in recipients if u is not None and u.is_active}
    if not people:
        return 0
    if key:
        taken = Notification.objects.filter(recipient__in=people, key=key).values_list(
            "recipient_id", flat=True
        )
        for pk in taken:
            people.pop(pk, None)
    muted = set(
        EmailPreference.objects.filter(user__in=people, kind=kind, email_enabled=False).values_list(
            "user_id", flat=True
        )
    )
    created = 0
    for user in people.values():
        notification = Notification(
            recipient=user,
            kind=kind,
            title=str(title)[:200],
            body=str(body),
            url=url,
            key=key or "",
        )
        notification.full_clean(exclude=["recipient"], validate_constraints=False)
        try:
            # A savepoint: a concurrent twin loses quietly. Not audited on creation: the action
            # that caused it is, and the notification itself carries who, what and when.
            with transaction.atomic(), disable_auditlog():
                notification.save()
        except IntegrityError:
            if not key:
                raise
            continue
        created += 1
        if user.email and user.pk not in muted:
            _queue_email(user, notification)
    return created


def _queue_email(user: User, notification: Notification) -> None:
    """Queue the email in the database; ``deliver_email`` sends it later."""
    with translation.override(settings.LANGUAGE_CODE):  # the recipient's, not the actor's
        _queue_email_text(user, notification)


def _queue_email_text(user: User, notification: Notification) -> None:
    lines = [_("Yth. %(name)s,") % {"name": user.get_full_name()}, "", notification.title]
    if notification.body:
        lines += ["", notification.body]
    if notification.url:
        lines += ["", _("Buka: %(url)s") % {"url": site_url(notification.url)}]
    lines += [
        "",
        "--",
        _(
            "Email ini dikirim otomatis oleh SI-KOTAN. Atur email pemberitahuan di menu "
            "Pemberitahuan → Pengaturan."
        ),
    ]
    try:
        mail.send(
            recipients=[user.email],
            subject=f"[SI-KOTAN] {notification.title}",
            message="\n".join(lines),
            priority="medium",
        )
    except ValidationError:  # a bad address on one account must not fail the action
        logger.warning("email: not queued for user %s, invalid address", user.pk)
