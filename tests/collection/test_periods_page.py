"""National admins open a period and choose the regencies measured."""

from __future__ import annotations

import pytest
from django.test import Client

from kotan.collection.models import Assignment, Period
from kotan.instruments.demo import load_demo_instrument
from kotan.regions.models import Province
from tests.support.cast import Cast, build_cast

URL = "/pengumpulan/periode/baru/"


@pytest.fixture
def cast(db: None) -> Cast:
    """Built for each test, without the collection tests' period: these tests open the first."""
    return build_cast()


def form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "year": 2026,
        "name": "IKOTAN 2026",
        "instrument": load_demo_instrument().pk,
        "opens_on": "2026-02-01",
        "closes_on": "2026-06-30",
        "deadline": "2026-06-15",
        "provinces": [Province.objects.get(code="15").pk],
        "regency_codes": "11.08",
    }
    data.update(overrides)
    return data


def test_admin_opens_a_period_for_a_province_and_more(cast: Cast, client: Client) -> None:
    client.force_login(cast.ani)
    response = client.post(URL, form())
    assert response.status_code == 302
    period = Period.objects.get()
    codes = set(Assignment.objects.filter(period=period).values_list("regency__code", flat=True))
    assert len(codes) == 12 and {"15.04", "11.08"} <= codes


def test_bad_input_changes_nothing(cast: Cast, client: Client) -> None:
    client.force_login(cast.ani)
    body = client.post(URL, form(regency_codes="15.04 99.99", closes_on="2026-01-01")).content
    text = body.decode()
    assert "Kode tidak dikenal: 99.99" in text
    assert "Tanggal ditutup harus sesudah tanggal dibuka." in text
    no_office = client.post(URL, form(regency_codes="32.73")).content.decode()
    assert "Tidak ada BNNK atau BNNP yang menangani Kota Bandung." in no_office
    nothing = client.post(URL, form(provinces=[], regency_codes="")).content.decode()
    assert "Pilih sedikitnya satu provinsi" in nothing
    assert not Period.objects.exists() and not Assignment.objects.exists()


def test_only_national_admins(cast: Cast, client: Client) -> None:
    client.force_login(cast.budi)
    assert client.get(URL).status_code == 403
    assert client.post(URL, form()).status_code == 403
    assert not Period.objects.exists()
