"""When a sign-in lockout (django-axes) ends, for the lockout page."""

from __future__ import annotations

from datetime import datetime, timedelta

from axes.models import AccessAttempt
from django import template

register = template.Library()


@register.simple_tag
def lockout_ends(username: str, cooloff: timedelta | None) -> datetime | None:
    """The moment the newest lockout of ``username`` lifts by itself: axes counts from the
    last failure it recorded (attempts refused while locked are not recorded)."""
    if not username or cooloff is None:
        return None
    last = (
        AccessAttempt.objects.filter(username=username)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    return last + cooloff if last is not None else None
