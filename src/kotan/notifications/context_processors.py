"""The unread count shown in the header of every page."""

from __future__ import annotations

from django.http import HttpRequest

from kotan.notifications.models import Notification


def unread(request: HttpRequest) -> dict[str, object]:
    """One COUNT on an indexed column, and only for a signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.unread().filter(recipient=user).count()}
