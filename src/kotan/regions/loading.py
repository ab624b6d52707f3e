"""Synchronise the Province/Regency tables with the reference file, idempotently."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from kotan.method.reference import REFERENCE_FILE, RegionRow, read_reference
from kotan.regions.models import Province, Regency


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    missing_from_file: list[str] = field(default_factory=list)


def _fields(row: RegionRow) -> dict[str, object]:
    return {
        "name": row.name,
        "capital": row.capital,
        "latitude": row.latitude,
        "longitude": row.longitude,
    }


def _apply(obj: Province | Regency, values: dict[str, object], report: SyncReport) -> None:
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if obj.pk is None:
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save()  # through save() so the audit trail records the change
        report.created.append(obj.code)
    elif changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
        report.updated.append(obj.code)
    else:
        report.unchanged += 1


@transaction.atomic
def sync_regions(path: Path = REFERENCE_FILE) -> SyncReport:
    """Create or update every province and regency in the file; never delete.

    Codes present in the database but absent from the file are reported, not removed: other
    records (assignments, results) may point at them, and a decree change is a human decision.
    """
    reference = read_reference(path)
    report = SyncReport()
    provinces = {p.code: p for p in Province.objects.all()}
    for row in reference.provinces:
        province = provinces.get(row.code) or Province(code=row.code)
        _apply(province, _fields(row), report)
        provinces[row.code] = province
    regencies = {r.code: r for r in Regency.objects.all()}
    for row in reference.regencies:
        regency = regencies.get(row.code) or Regency(code=row.code)
        values = _fields(row) | {"kind": row.kind, "province_id": provinces[row.parent_code].pk}
        _apply(regency, values, report)
    file_codes = {r.code for r in reference.provinces} | {r.code for r in reference.regencies}
    report.missing_from_file = sorted((set(provinces) | set(regencies)) - file_codes)
    return report
