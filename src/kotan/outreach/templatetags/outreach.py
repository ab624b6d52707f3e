"""Template helpers for pages of other apps that link to the outreach pages."""

from __future__ import annotations

from django import template

from kotan.accounts.contacts import display_whatsapp
from kotan.accounts.permissions import Capability, has_capability

register = template.Library()


@register.filter
def can_send_messages(user: object) -> bool:
    """Whether ``user`` may open the reminder pages (operators in scope, national admins)."""
    return has_capability(user, Capability.SEND_MESSAGES)  # type: ignore[arg-type]


@register.filter
def readable_address(message: object) -> str:
    """A message's address as people read it: a WhatsApp number grouped (+62 812-0000-0017,
    as on the contact pages), an email as it is."""
    address = str(getattr(message, "address", "") or "")
    if getattr(message, "channel", "") == "whatsapp" and address:
        return display_whatsapp(address)
    return address
