"""What each role may do (capabilities), independent of where: scoping says where."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from kotan.accounts.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from kotan.accounts.models import User


class Capability(StrEnum):
    VIEW_REGIONS = "view_regions"
    VIEW_ORGANIZATIONS = "view_organizations"
    VIEW_USERS = "view_users"
    VIEW_AUDIT = "view_audit"
    VIEW_INSTRUMENTS = "view_instruments"
    MANAGE_INSTRUMENTS = "manage_instruments"
    VIEW_COLLECTION = "view_collection"  # assignments, progress, results in scope
    MANAGE_COLLECTION = "manage_collection"  # links, status actions, exclusions in scope
    FILL_QUESTIONNAIRE = "fill_questionnaire"  # enumerator pages
    COMPUTE_RESULTS = "compute_results"  # index runs (national: ranks are national)
    VIEW_MONEV = "view_monev"  # Monev visits, points, follow-ups, reports in scope
    MANAGE_MONEV = "manage_monev"  # plan and record visits and follow-ups in scope
    MANAGE_ACCOUNTS = "manage_accounts"  # create, deactivate, reset accounts of the own region
    VIEW_CONTACTS = "view_contacts"  # the focal people of institutions in scope (private)
    MANAGE_CONTACTS = "manage_contacts"  # add, change, deactivate contacts in scope
    SEND_MESSAGES = "send_messages"  # reminders, links sent out in bulk, the message log
    MANAGE_TEMPLATES = "manage_templates"  # message templates and reminder schedules (national)
    MAKE_OWN_LINKS = "make_own_links"  # a focal point's respondent links for its institution


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.NATIONAL_ADMIN: frozenset(Capability),
    Role.PROVINCE_OPERATOR: frozenset(
        {
            Capability.VIEW_REGIONS,
            Capability.VIEW_ORGANIZATIONS,
            Capability.VIEW_USERS,
            Capability.VIEW_INSTRUMENTS,
            Capability.VIEW_COLLECTION,
            Capability.MANAGE_COLLECTION,
            Capability.FILL_QUESTIONNAIRE,
            Capability.VIEW_MONEV,
            Capability.MANAGE_MONEV,
            Capability.MANAGE_ACCOUNTS,
            Capability.VIEW_CONTACTS,
            Capability.MANAGE_CONTACTS,
            Capability.SEND_MESSAGES,
        }
    ),
    # A BNNK reads its province's Monev and reports on the follow-ups it owns (monev.rules).
    Role.REGENCY_OPERATOR: frozenset(
        {
            Capability.VIEW_REGIONS,
            Capability.VIEW_ORGANIZATIONS,
            Capability.VIEW_USERS,
            Capability.VIEW_INSTRUMENTS,
            Capability.VIEW_COLLECTION,
            Capability.MANAGE_COLLECTION,
            Capability.FILL_QUESTIONNAIRE,
            Capability.VIEW_MONEV,
            Capability.MANAGE_ACCOUNTS,
            Capability.VIEW_CONTACTS,
            Capability.MANAGE_CONTACTS,
            Capability.SEND_MESSAGES,
        }
    ),
    Role.FOCAL_POINT: frozenset(
        {
            Capability.VIEW_REGIONS,
            Capability.VIEW_INSTRUMENTS,
            Capability.VIEW_COLLECTION,
            Capability.MAKE_OWN_LINKS,
        }
    ),
    Role.ENUMERATOR: frozenset(
        {
            Capability.VIEW_REGIONS,
            Capability.VIEW_INSTRUMENTS,
            Capability.VIEW_COLLECTION,
            Capability.FILL_QUESTIONNAIRE,
        }
    ),
    Role.VIEWER: frozenset(
        {
            Capability.VIEW_REGIONS,
            Capability.VIEW_ORGANIZATIONS,
            Capability.VIEW_INSTRUMENTS,
            Capability.VIEW_COLLECTION,
            Capability.VIEW_MONEV,
        }
    ),
}


def has_capability(user: User | AnonymousUser, capability: Capability) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return capability in ROLE_CAPABILITIES.get(user.role, frozenset())


def current_user(request: HttpRequest) -> User:
    """The signed-in user of a view already guarded by ``require``."""
    from kotan.accounts.models import User

    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


ViewFunc = Callable[..., HttpResponse]


def require(capability: Capability) -> Callable[[ViewFunc], ViewFunc]:
    """View decorator: anonymous users go to the login page; others without the capability,
    or without any region scope (an inconsistent account), get 403."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            from kotan.accounts.scoping import Level, user_scope

            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_capability(request.user, capability):
                raise PermissionDenied
            if user_scope(request.user).level == Level.NONE:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
