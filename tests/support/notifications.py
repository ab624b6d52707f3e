"""Reading what the notification triggers did, for the notification tests."""

from __future__ import annotations

from kotan.accounts.models import User
from kotan.notifications.models import Notification


def told(kind: str | None = None) -> dict[str, list[str]]:
    """username -> the titles they received (of one kind, or all), in creation order."""
    rows = Notification.objects.order_by("pk").select_related("recipient")
    if kind is not None:
        rows = rows.filter(kind=kind)
    out: dict[str, list[str]] = {}
    for n in rows:
        out.setdefault(n.recipient.username, []).append(n.title)
    return out


def who(kind: str | None = None) -> set[str]:
    return set(told(kind))


def last_for(user: User) -> Notification:
    return Notification.objects.filter(recipient=user).latest("pk")
