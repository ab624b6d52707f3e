"""The writes of a user's own notifications: read them, choose which come by email."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from kotan.accounts.actions import acting_as
from kotan.accounts.models import User
from kotan.notifications.models import EmailPreference, Kind, Notification


@transaction.atomic
def mark_read(*, actor: User, notification: Notification) -> None:
    """Mark one of the actor's own notifications read (reading twice changes nothing)."""
    if notification.recipient_id != actor.pk:
        raise PermissionError("a notification is read by its recipient only")
    if notification.read_at is not None:
        return
    notification.read_at = timezone.now()
    with acting_as(actor):
        notification.save(update_fields=["read_at"])


@transaction.atomic
def mark_all_read(*, actor: User) -> int:
    """Mark every unread notification of the actor read; returns how many.

    One UPDATE, not an audit row per notification: reading is the recipient's own business."""
    return Notification.objects.unread().filter(recipient=actor).update(read_at=timezone.now())


@transaction.atomic
def set_email_preferences(*, actor: User, user: User, enabled: Iterable[str]) -> None:
    """Email on for the kinds in ``enabled``, off for the others (a user sets only their own)."""
    if actor.pk != user.pk:
        raise PermissionError("email preferences are set by their user only")
    wanted = set(enabled)
    unknown = wanted - set(Kind.values)
    if unknown:
        raise ValueError(f"unknown notification kinds: {sorted(unknown)}")
    current = {p.kind: p for p in EmailPreference.objects.filter(user=user)}
    with acting_as(actor):
        for kind in Kind.values:
            on = kind in wanted
            pref = current.get(kind)
            if pref is None:
                if not on:  # no row means on
                    pref = EmailPreference(user=user, kind=kind, email_enabled=False)
                    pref.full_clean()
                    pref.save()
            elif pref.email_enabled != on:
                pref.email_enabled = on
                pref.save(update_fields=["email_enabled"])


def email_enabled_kinds(user: User) -> set[str]:
    """The kinds the user receives by email (every kind unless turned off)."""
    off = EmailPreference.objects.filter(user=user, email_enabled=False).values_list(
        "kind", flat=True
    )
    return set(Kind.values) - set(off)
