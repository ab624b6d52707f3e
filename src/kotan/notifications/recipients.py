"""Who is told: the people behind a role and a region, for the triggers of higher apps.

Each returns active accounts only; a caller joins several and leaves out the actor.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from kotan.accounts.models import Organization, Role, User

# The roles that act on what an office is told; enumerators and viewers only fill in and read.
ACTING_ROLES = (
    Role.NATIONAL_ADMIN,
    Role.PROVINCE_OPERATOR,
    Role.REGENCY_OPERATOR,
    Role.FOCAL_POINT,
)


def _active() -> QuerySet[User]:
    return User.objects.filter(is_active=True)


def national_admins() -> QuerySet[User]:
    return _active().filter(role=Role.NATIONAL_ADMIN)


def province_operators(province_id: int) -> QuerySet[User]:
    """The BNNP operators of a province."""
    return _active().filter(role=Role.PROVINCE_OPERATOR, province_id=province_id)


def regency_operators(regency_id: int) -> QuerySet[User]:
    """The BNNK operators of a regency: placed there, or at a BNNK that covers it."""
    covering = Q(
        organization__kind=Organization.Kind.BNNK,
        organization__is_active=True,
        organization__covered_regencies=regency_id,
    )
    return (
        _active().filter(Q(regency_id=regency_id) | covering, role=Role.REGENCY_OPERATOR).distinct()
    )


def organization_people(organization_id: int) -> QuerySet[User]:
    """The members of an office or institution who act on its behalf."""
    return _active().filter(organization_id=organization_id, role__in=ACTING_ROLES)


def everyone_but(actor: User | None, *groups: Iterable[User]) -> list[User]:
    """The union of ``groups`` without duplicates and without the one who acted."""
    seen: dict[int, User] = {}
    for group in groups:
        for user in group:
            if actor is None or user.pk != actor.pk:
                seen.setdefault(user.pk, user)
    return list(seen.values())
