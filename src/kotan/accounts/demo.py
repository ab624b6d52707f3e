"""Synthetic demo organisations and accounts (invented names; not BNN's real office list)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from kotan.accounts import actions
from kotan.accounts.models import Organization, Role, User
from kotan.regions.models import Province, Regency

DEMO_PASSWORD = "kotan-demo-2026"  # noqa: S105 - demo data only, refused when DEBUG is off


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    organization: str | None = None
    province: str | None = None
    regency: str | None = None


# Jambi is the demo's home province (the Monev report in the project's seed is from Jambi);
# Aceh gives an operator from another province who must see nothing of Jambi's.
DEMO_ACCOUNTS = [
    DemoAccount("admin", "Admin Nasional (demo)", Role.NATIONAL_ADMIN, organization="BNN RI"),
    DemoAccount(
        "bnnp.jambi",
        "Operator BNNP Jambi (demo)",
        Role.PROVINCE_OPERATOR,
        organization="BNNP Jambi",
        province="15",
    ),
    DemoAccount(
        "bnnk.batanghari",
        "Operator BNNK Batanghari (demo)",
        Role.REGENCY_OPERATOR,
        organization="BNNK Batanghari",
        regency="15.04",
    ),
    DemoAccount(
        "kesbangpol.batanghari",
        "Focal Point Kesbangpol Batanghari (demo)",
        Role.FOCAL_POINT,
        organization="Kesbangpol Kabupaten Batanghari",
        regency="15.04",
    ),
    DemoAccount(
        "enumerator.batanghari",
        "Enumerator Batanghari (demo)",
        Role.ENUMERATOR,
        organization="BNNK Batanghari",
        regency="15.04",
    ),
    DemoAccount("pemantau", "Pemantau Pimpinan (demo)", Role.VIEWER, organization="BNN RI"),
    DemoAccount(
        "bnnp.aceh",
        "Operator BNNP Aceh (demo)",
        Role.PROVINCE_OPERATOR,
        organization="BNNP Aceh",
        province="11",
    ),
]


@transaction.atomic
def load_demo() -> list[DemoAccount]:
    """Create the demo organisations and accounts; running it again creates nothing new."""
    actions.ensure_bnn_offices(actor=None)
    # Illustrative BNNK offices: one in every city, plus Batanghari covering Muaro Jambi too;
    # the remaining regencies fall back to their BNNP.
    bnnk_seats = [
        *Regency.objects.filter(kind=Regency.Kind.KOTA),
        Regency.objects.get(code="15.04"),
    ]
    for seat in bnnk_seats:
        name = f"BNNK {seat.name.removeprefix('Kabupaten ')}"
        if not Organization.objects.filter(kind=Organization.Kind.BNNK, regency=seat).exists():
            covered = [seat]
            if seat.code == "15.04":
                covered.append(Regency.objects.get(code="15.05"))
            actions.create_organization(
                actor=None,
                name=name,
                kind=Organization.Kind.BNNK,
                regency=seat,
                covered_regencies=covered,
            )
    for regency_code in ("15.04", "15.71"):
        regency = Regency.objects.get(code=regency_code)
        name = f"Kesbangpol {regency.name}"
        if not Organization.objects.filter(name=name).exists():
            actions.create_organization(
                actor=None,
                name=name,
                kind=Organization.Kind.INSTITUTION,
                sector=Organization.Sector.PEMDA,
                regency=regency,
            )
    jambi = Province.objects.get(code="15")
    if not Organization.objects.filter(name="Kesbangpol Provinsi Jambi").exists():
        actions.create_organization(
            actor=None,
            name="Kesbangpol Provinsi Jambi",
            kind=Organization.Kind.INSTITUTION,
            sector=Organization.Sector.PEMDA,
            province=jambi,
        )
    for account in DEMO_ACCOUNTS:
        if User.objects.filter(username=account.username).exists():
            continue
        actions.create_user(
            actor=None,
            username=account.username,
            password=DEMO_PASSWORD,
            role=account.role,
            full_name=account.full_name,
            organization=Organization.objects.get(name=account.organization)
            if account.organization
            else None,
            province=Province.objects.get(code=account.province) if account.province else None,
            regency=Regency.objects.get(code=account.regency) if account.regency else None,
        )
    return DEMO_ACCOUNTS
