"""Who may do what to a visit or a follow-up (role, region and, for follow-ups, ownership).

The actions enforce these rules; the pages use the same functions to offer only what is allowed.
"""

from __future__ import annotations

from enum import StrEnum

from kotan.accounts.models import Organization, Role, User
from kotan.accounts.permissions import Capability, has_capability
from kotan.accounts.scoping import user_scope
from kotan.monev.models import FollowUp


class Level(StrEnum):
    REGENCY = "regency"
    PROVINCE = "province"
    NATIONAL = "national"


# Whose work a role verifies: the level above the owner (the centre verifies its own level,
# by someone other than the person who finished it).
VERIFIERS: dict[Level, frozenset[str]] = {
    Level.REGENCY: frozenset({Role.PROVINCE_OPERATOR, Role.NATIONAL_ADMIN}),
    Level.PROVINCE: frozenset({Role.NATIONAL_ADMIN}),
    Level.NATIONAL: frozenset({Role.NATIONAL_ADMIN}),
}


# Besides the managers of a province, these roles report progress on follow-ups they own.
OWNER_ROLES = frozenset({Role.REGENCY_OPERATOR})


def owner_level(owner: Organization) -> Level:
    if owner.kind == Organization.Kind.BNN_RI:
        return Level.NATIONAL
    if owner.kind == Organization.Kind.BNNP or owner.regency_id is None:
        return Level.PROVINCE
    return Level.REGENCY


def in_scope(user: User, province_id: int) -> bool:
    return user_scope(user).covers_province(province_id)


def can_manage(user: User, province_id: int) -> bool:
    """Plan and record visits, points and follow-ups of this province."""
    return has_capability(user, Capability.MANAGE_MONEV) and in_scope(user, province_id)


def owns(user: User, follow_up: FollowUp) -> bool:
    if user.role not in OWNER_ROLES:
        return False
    return follow_up.owner_user_id == user.pk or (
        user.organization_id is not None and follow_up.owner_id == user.organization_id
    )


def _province(follow_up: FollowUp) -> int:
    return follow_up.point.session.visit.province_id


def can_update(user: User, follow_up: FollowUp) -> bool:
    """Report progress (status, notes, evidence): managers of the province, or the owner."""
    if follow_up.is_verified:
        return False
    province_id = _province(follow_up)
    if can_manage(user, province_id):
        return True
    return (
        has_capability(user, Capability.VIEW_MONEV)
        and in_scope(user, province_id)
        and owns(user, follow_up)
    )


def is_supervisor(user: User, follow_up: FollowUp) -> bool:
    """At the level that verifies the owner's work, in scope, and not the owner itself."""
    level = owner_level(follow_up.owner)
    if user.role not in VERIFIERS[level] or not in_scope(user, _province(follow_up)):
        return False
    return level == Level.NATIONAL or user.organization_id != follow_up.owner_id


def can_verify(user: User, follow_up: FollowUp) -> bool:
    return (
        follow_up.status == FollowUp.Status.DONE
        and not follow_up.is_verified
        and follow_up.completed_by_id != user.pk
        and is_supervisor(user, follow_up)
    )


def can_reopen(user: User, follow_up: FollowUp) -> bool:
    """A finished or cancelled follow-up reopens; once verified, only its verifiers reopen it."""
    if follow_up.status not in (FollowUp.Status.DONE, FollowUp.Status.CANCELLED):
        return False
    if follow_up.is_verified:
        return is_supervisor(user, follow_up)
    return can_manage(user, _province(follow_up)) or is_supervisor(user, follow_up)
