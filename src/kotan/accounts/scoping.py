"""The one region-scoping helper: every read of region-scoped data goes through here.

A model opts in by declaring two class attributes naming the lookups to its region:
``scope_province_lookup`` (required) and ``scope_regency_lookup`` (``None`` when the row belongs
to a province as a whole). A user's scope follows from role and assignment:

- national admin, or a viewer without a region: everything;
- province operator, or a viewer of a province: that province;
- regency-level users (BNNK operator, focal point, enumerator, viewer of a regency): their
  regency, plus every regency their BNNK covers.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.db import models
from django.http import Http404

from kotan.accounts.models import Organization, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from kotan.accounts.models import User

M = TypeVar("M", bound=models.Model)


class Level(StrEnum):
    NONE = "none"
    NATIONAL = "national"
    PROVINCE = "province"
    REGENCY = "regency"


@dataclass(frozen=True)
class Scope:
    level: Level
    province_ids: frozenset[int] = frozenset()
    regency_ids: frozenset[int] = frozenset()

    def covers_province(self, province_id: int) -> bool:
        return self.level == Level.NATIONAL or province_id in self.province_ids

    def covers_regency(self, regency_id: int, province_id: int) -> bool:
        if self.level == Level.NATIONAL:
            return True
        if self.level == Level.PROVINCE:
            return province_id in self.province_ids
        return regency_id in self.regency_ids


NO_SCOPE = Scope(Level.NONE)
_CACHE_ATTR = "_kotan_scope"


def _compute_scope(user: User) -> Scope:
    if user.role == Role.NATIONAL_ADMIN or (
        user.role == Role.VIEWER and not user.province_id and not user.regency_id
    ):
        return Scope(Level.NATIONAL)
    if user.regency_id and user.province_id:
        regency_ids = {user.regency_id}
        org = user.organization
        if org is not None and org.kind == Organization.Kind.BNNK and org.is_active:
            regency_ids |= set(org.covered_regencies.values_list("pk", flat=True))
        from kotan.regions.models import Regency

        province_ids = set(
            Regency.objects.filter(pk__in=regency_ids).values_list("province_id", flat=True)
        )
        return Scope(Level.REGENCY, frozenset(province_ids), frozenset(regency_ids))
    if user.province_id and user.role in (Role.PROVINCE_OPERATOR, Role.VIEWER):
        return Scope(Level.PROVINCE, frozenset({user.province_id}))
    return NO_SCOPE  # an inconsistent account sees nothing rather than too much


def user_scope(user: User | AnonymousUser) -> Scope:
    """The user's scope, computed once per request (cached on the user object)."""
    if not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    cached: Scope | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = _compute_scope(user)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def _lookups(model: type[models.Model]) -> tuple[str, str | None]:
    try:
        province_lookup: str = model.scope_province_lookup  # type: ignore[attr-defined]
        regency_lookup: str | None = model.scope_regency_lookup  # type: ignore[attr-defined]
    except AttributeError as exc:
        raise ImproperlyConfigured(
            f"{model.__name__} must declare scope_province_lookup and scope_regency_lookup"
        ) from exc
    return province_lookup, regency_lookup


def scope_queryset(user: User | AnonymousUser, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """Restrict ``queryset`` to the rows the user may see."""
    scope = user_scope(user)
    if scope.level == Level.NATIONAL:
        return queryset
    if scope.level == Level.NONE:
        return queryset.none()
    province_lookup, regency_lookup = _lookups(queryset.model)
    if scope.level == Level.PROVINCE or regency_lookup is None:
        return queryset.filter(**{f"{province_lookup}__in": scope.province_ids})
    return queryset.filter(**{f"{regency_lookup}__in": scope.regency_ids})


def get_scoped_or_404(user: User | AnonymousUser, queryset: models.QuerySet[M], **lookup: Any) -> M:
    """Load one row the user may see; a row outside the scope is indistinguishable from none."""
    try:
        return scope_queryset(user, queryset).get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
