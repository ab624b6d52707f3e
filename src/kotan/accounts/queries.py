"""Read helpers for organisations and coverage."""

from __future__ import annotations

from collections.abc import Iterable

from kotan.accounts.models import Organization
from kotan.regions.models import Regency


def covering_units(regencies: Iterable[Regency]) -> dict[int, Organization | None]:
    """The BNN office responsible for each regency: its BNNK, otherwise its province's BNNP.

    Two queries whatever the number of regencies.
    """
    regencies = list(regencies)
    ids = [r.pk for r in regencies]
    bnnk_by_regency: dict[int, Organization] = {}
    through = Organization.covered_regencies.through
    links = through.objects.filter(
        regency_id__in=ids, organization__is_active=True, organization__kind=Organization.Kind.BNNK
    ).select_related("organization")
    for link in links:
        bnnk_by_regency.setdefault(link.regency_id, link.organization)
    bnnp_by_province = {
        o.province_id: o
        for o in Organization.objects.filter(
            kind=Organization.Kind.BNNP,
            is_active=True,
            province_id__in={r.province_id for r in regencies},
        )
    }
    return {
        r.pk: bnnk_by_regency.get(r.pk) or bnnp_by_province.get(r.province_id) for r in regencies
    }
