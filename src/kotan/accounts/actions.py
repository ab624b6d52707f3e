"""Every write to organisations and users: atomic, validated, audited (django-auditlog)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import transaction

from kotan.accounts.models import Organization, Role, User
from kotan.regions.models import Province, Regency


@contextmanager
def acting_as(actor: User | None) -> Iterator[None]:
    """Attribute audit records written inside the block to ``actor`` (None: the system)."""
    if actor is None:
        yield
    else:
        with set_actor(actor):
            yield


@transaction.atomic
def create_organization(
    *,
    actor: User | None,
    name: str,
    kind: str,
    sector: str = Organization.Sector.BNN,
    province: Province | None = None,
    regency: Regency | None = None,
    covered_regencies: Iterable[Regency] = (),
) -> Organization:
    if regency is not None and province is None:
        province = regency.province
    org = Organization(name=name, kind=kind, sector=sector, province=province, regency=regency)
    org.full_clean()
    covered = list(covered_regencies)
    if kind == Organization.Kind.BNNK and regency is not None and regency not in covered:
        covered.insert(0, regency)
    org.check_coverage(covered)
    with acting_as(actor):
        org.save()
        if covered:
            org.covered_regencies.add(*covered)
    return org


@transaction.atomic
def ensure_bnn_offices(*, actor: User | None) -> list[Organization]:
    """BNN RI and one BNNP per province, created when missing (idempotent); returns the new ones.

    BNNK offices are not derived: which regencies have one is BNN's own, changing record, so
    they are added by hand (admin site), with the regencies they cover.
    """
    created = []
    if not Organization.objects.filter(kind=Organization.Kind.BNN_RI).exists():
        created.append(
            create_organization(actor=actor, name="BNN RI", kind=Organization.Kind.BNN_RI)
        )
    have = set(
        Organization.objects.filter(kind=Organization.Kind.BNNP).values_list(
            "province_id", flat=True
        )
    )
    for province in Province.objects.exclude(pk__in=have).order_by("code"):
        created.append(
            create_organization(
                actor=actor,
                name=f"BNNP {province.name}",
                kind=Organization.Kind.BNNP,
                province=province,
            )
        )
    return created


@transaction.atomic
def set_bnnk_coverage(
    *, actor: User | None, bnnk: Organization, regencies: Iterable[Regency]
) -> None:
    """Replace the regencies a BNNK covers (the rest fall back to the BNNP)."""
    wanted = list(regencies)
    if bnnk.kind != Organization.Kind.BNNK:  # an empty list is no excuse for a BNNP
        raise ValidationError(Organization.ONLY_BNNK_COVERS)
    bnnk.check_coverage(wanted)
    with acting_as(actor):
        bnnk.covered_regencies.set(wanted)


@transaction.atomic
def create_user(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    role: str,
    full_name: str = "",
    email: str = "",
    organization: Organization | None = None,
    province: Province | None = None,
    regency: Regency | None = None,
) -> User:
    """Create an account with one role and one scope; the region follows the role."""
    if regency is not None and province is None:
        province = regency.province
    user = User(
        username=username,
        email=email,
        full_name=full_name,
        role=role,
        organization=organization,
        province=province,
        regency=regency,
        is_staff=role == Role.NATIONAL_ADMIN,
        is_superuser=role == Role.NATIONAL_ADMIN,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()  # User.clean: the scope follows the role
    with acting_as(actor):
        user.save()
    return user


@transaction.atomic
def deactivate_user(*, actor: User | None, user: User) -> None:
    """Accounts are deactivated, never deleted: the audit trail keeps pointing at them."""
    user.is_active = False
    with acting_as(actor):
        user.save(update_fields=["is_active"])
