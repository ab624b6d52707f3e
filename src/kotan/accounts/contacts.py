"""Contacts (focal people of organisations): whom to reach for an organisation or a regency.

One model (``Contact``) for every kind of organisation, so the partners registry and the
reminders read the same people. The WhatsApp helpers live in ``phones`` and are offered here.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from kotan.accounts.models import Contact, Organization
from kotan.accounts.phones import display_whatsapp, normalize_whatsapp, wa_me_url
from kotan.regions.models import Regency

__all__ = [
    "contacts_for_regency",
    "contacts_of",
    "display_whatsapp",
    "normalize_whatsapp",
    "wa_me_url",
]


def contacts_of(org: Organization, *, include_inactive: bool = False) -> QuerySet[Contact]:
    """The contacts of one organisation, active ones only unless asked."""
    contacts = Contact.objects.filter(organization=org).select_related("organization")
    return contacts if include_inactive else contacts.filter(is_active=True)


def contacts_for_regency(regency: Regency) -> QuerySet[Contact]:
    """Active contacts of the active organisations of a regency: those seated there (its
    Kesbangpol, Pemkab, OPD, a BNNK) and the BNNK that covers it from elsewhere."""
    return (
        Contact.objects.filter(is_active=True, organization__is_active=True)
        .filter(
            Q(organization__regency=regency)
            | Q(
                organization__kind=Organization.Kind.BNNK,
                organization__covered_regencies=regency,
            )
        )
        .select_related("organization")
        .distinct()
        .order_by("organization__kind", "organization__name", "name")
    )
