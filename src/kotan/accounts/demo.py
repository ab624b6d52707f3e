"""Synthetic demo organisations and accounts (invented names; not BNN's real office list)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from kotan.accounts import actions
from kotan.accounts.models import Contact, Organization, Role, User
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


# Invented people for the demo's contacts (no real official is named).
DEMO_CONTACT_NAMES = [
    "Ahmad Fauzi",
    "Siti Rahmawati",
    "Bambang Sutrisno",
    "Dewi Lestari Putri",
    "Hendra Gunawan",
    "Nur Aini Safitri",
    "Rizky Pratama",
    "Yuliana Sari",
    "Agus Salim Harahap",
    "Maya Anggraeni",
    "Fikri Ramadhan",
    "Lestari Handayani",
    "Irwan Setiawan",
    "Fitri Wulandari",
    "Dedi Kurniawan",
    "Ratna Juwita",
    "Joko Susilo",
    "Wahyuni Kartika",
    "Arif Hidayat",
    "Novita Sari Dewi",
    "Syamsul Bahri",
    "Indah Permatasari",
    "Taufik Hidayatullah",
    "Rini Marlina",
    "Eko Saputra",
    "Sri Mulyani Hasan",
    "Yusuf Maulana",
    "Putri Ayu Lestari",
    "Zainal Abidin",
    "Kartini Rahayu",
]
JAMBI = "15"


def _demo_person(index: int) -> tuple[str, str, str]:
    """Name, email and WhatsApp number (+62 812 0000 xxxx) of the index-th demo contact."""
    name = DEMO_CONTACT_NAMES[index % len(DEMO_CONTACT_NAMES)]
    suffix = "" if index < len(DEMO_CONTACT_NAMES) else str(index // len(DEMO_CONTACT_NAMES))
    email = f"{name.lower().replace(' ', '.')}{suffix}@example.org"
    return name, email, f"0812-0000-{index + 1:04d}"


@transaction.atomic
def load_demo_contacts() -> int:
    """A Kesbangpol for every Jambi regency (when missing) and synthetic contacts for the
    Kesbangpol offices, the BNNK and the BNNP of Jambi; returns how many contacts were new.

    Run after ``load_demo`` (it needs the BNN offices); running it again creates nothing."""
    jambi = Province.objects.get(code=JAMBI)
    actions.ensure_bnn_offices(actor=None)
    for regency in Regency.objects.filter(province=jambi).order_by("code"):
        name = f"Kesbangpol {regency.name}"
        if not Organization.objects.filter(name=name, regency=regency).exists():
            actions.create_organization(
                actor=None,
                name=name,
                kind=Organization.Kind.INSTITUTION,
                sector=Organization.Sector.PEMDA,
                regency=regency,
            )
    kesbangpol = Organization.objects.filter(
        province=jambi, kind=Organization.Kind.INSTITUTION, name__startswith="Kesbangpol"
    ).order_by("regency__code", "name")
    offices = Organization.objects.filter(
        province=jambi, kind__in=[Organization.Kind.BNNP, Organization.Kind.BNNK]
    ).order_by("kind", "regency__code")
    wanted: list[tuple[Organization, str]] = []
    for org in kesbangpol:
        wanted.append((org, "Kepala Badan Kesbangpol"))
        wanted.append((org, "Kepala Bidang Ketahanan Ekonomi, Sosial dan Budaya"))
    for org in offices:
        wanted.append((org, "Kepala Seksi Pencegahan dan Pemberdayaan Masyarakat"))
    created = 0
    for index, (org, position) in enumerate(wanted):
        name, email, whatsapp = _demo_person(index)
        if Contact.objects.filter(organization=org, position=position).exists():
            continue
        actions.add_contact(
            actor=None,
            organization=org,
            name=name,
            position=position,
            email=email,
            whatsapp=whatsapp,
            note="Data contoh (sintetis).",
        )
        created += 1
    return created
