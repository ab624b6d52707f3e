"""Synthetic contacts (invented names, example.org addresses, +62 812 0000 xxxx numbers)."""

from __future__ import annotations

from kotan.accounts import actions
from kotan.accounts.models import Contact, Organization


def add_contact(org: Organization, name: str, number: int, **kw: str) -> Contact:
    """A contact of ``org`` through the real action; ``number`` picks +62 812 0000 <number>."""
    fields = {
        "position": "Kepala Bidang",
        "email": f"{name.lower().replace(' ', '.')}@example.org",
        "whatsapp": f"0812-0000-{number:04d}",
    } | kw
    return actions.add_contact(actor=None, organization=org, name=name, **fields)
