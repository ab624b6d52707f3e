"""Every write to organisations and users: atomic, validated, audited (django-auditlog)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

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
    if covered and kind != Organization.Kind.BNNK:
        raise ValidationError(_("Hanya BNNK yang memiliki wilayah kerja kabupaten/kota."))
    if kind == Organization.Kind.BNNK:
        if regency is not None and regency not in covered:
            covered.insert(0, regency)
        if any(r.province_id != org.province_id for r in covered):
            raise ValidationError(_("Wilayah kerja BNNK harus berada di provinsinya sendiri."))
    with acting_as(actor):
        org.save()
        if covered:
            org.covered_regencies.add(*covered)
    return org


@transaction.atomic
def set_bnnk_coverage(
    *, actor: User | None, bnnk: Organization, regencies: Iterable[Regency]
) -> None:
    """Replace the regencies a BNNK covers (the rest fall back to the BNNP)."""
    wanted = list(regencies)
    if bnnk.kind != Organization.Kind.BNNK:
        raise ValidationError(_("Hanya BNNK yang memiliki wilayah kerja kabupaten/kota."))
    if any(r.province_id != bnnk.province_id for r in wanted):
        raise ValidationError(_("Wilayah kerja BNNK harus berada di provinsinya sendiri."))
    taken = (
        Regency.objects.filter(pk__in=[r.pk for r in wanted], covering_bnnk__is_active=True)
        .exclude(covering_bnnk=bnnk)
        .values_list("name", flat=True)
    )
    if taken:
        raise ValidationError(
            _("Sudah ditangani BNNK lain: %(names)s") % {"names": ", ".join(taken)}
        )
    with acting_as(actor):
        bnnk.covered_regencies.set(wanted)


def _check_scope(role: str, province: Province | None, regency: Regency | None) -> None:
    if regency is not None and province is not None and regency.province_id != province.pk:
        raise ValidationError(_("Kabupaten/kota tidak berada di provinsi yang dipilih."))
    needs = {
        Role.NATIONAL_ADMIN: (False, False),
        Role.PROVINCE_OPERATOR: (True, False),
        Role.REGENCY_OPERATOR: (True, True),
        Role.FOCAL_POINT: (True, True),
        Role.ENUMERATOR: (True, True),
    }
    if role not in Role.values:
        raise ValidationError(_("Peran tidak dikenal: %(role)s") % {"role": role})
    if role in needs:
        want_province, want_regency = needs[Role(role)]
        if (province is not None) != want_province or (regency is not None) != want_regency:
            raise ValidationError(
                _("Cakupan wilayah tidak sesuai dengan peran %(role)s.")
                % {"role": Role(role).label}
            )


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
    _check_scope(role, province, regency)
    if role in (Role.FOCAL_POINT,) and organization is None:
        raise ValidationError(_("Focal point harus terhubung dengan sebuah instansi."))
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
    user.full_clean()
    with acting_as(actor):
        user.save()
    return user


@transaction.atomic
def deactivate_user(*, actor: User | None, user: User) -> None:
    """Accounts are deactivated, never deleted: the audit trail keeps pointing at them."""
    user.is_active = False
    with acting_as(actor):
        user.save(update_fields=["is_active"])
