"""Template helpers for pages of other apps that link to the outreach pages."""

from __future__ import annotations

from django import template

from kotan.accounts.permissions import Capability, has_capability

register = template.Library()


@register.filter
def can_send_messages(user: object) -> bool:
    """Whether ``user`` may open the reminder pages (operators in scope, national admins)."""
    return has_capability(user, Capability.SEND_MESSAGES)  # type: ignore[arg-type]
