"""Instrument pages: everyone reads published instruments, national admins manage them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kotan.instruments import actions
from kotan.instruments.models import Instrument
from kotan.instruments.queries import instrument_spec
from kotan.method.spec import EXAMPLE, load_yaml
from kotan.method.spec_xlsx import read_xlsx
from tests.support.cast import Cast


@pytest.fixture
def published(cast: Cast) -> Instrument:
    spec = load_yaml(EXAMPLE.read_text(encoding="utf-8"))
    draft = actions.import_instrument(actor=cast.ani, spec=spec)
    return actions.publish_instrument(actor=cast.ani, instrument=draft)


def upload(client: Client, name: str, content: bytes) -> object:
    return client.post(reverse("instrument_list"), {"file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize("role", ["ani", "budi", "citra", "dewi", "eko", "fajar", "hadi"])
def test_every_role_reads_published_instruments(
    cast: Cast, client: Client, published: Instrument, role: str
) -> None:
    client.force_login(getattr(cast, role))
    assert "Instrumen IKOTAN (CONTOH)" in client.get(reverse("instrument_list")).content.decode()
    page = client.get(reverse("instrument_detail", args=[published.pk])).content.decode()
    assert "MAS1_01" in page and "Ini instrumen CONTOH" in page
    can_manage = role == "ani"
    assert ("Terbitkan" in page or "Salin sebagai draf" in page) == can_manage


def test_drafts_are_hidden_from_everyone_but_national_admins(cast: Cast, client: Client) -> None:
    spec = load_yaml(EXAMPLE.read_text(encoding="utf-8"))
    draft = actions.import_instrument(actor=cast.ani, spec=spec)
    client.force_login(cast.budi)
    assert client.get(reverse("instrument_detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("instrument_download", args=[draft.pk, "xlsx"])).status_code == 404
    client.force_login(cast.ani)
    assert client.get(reverse("instrument_detail", args=[draft.pk])).status_code == 200


def test_admin_uploads_a_yaml_file_as_a_draft(cast: Cast, client: Client) -> None:
    client.force_login(cast.ani)
    response = upload(client, "ikotan.yaml", EXAMPLE.read_bytes())
    instrument = Instrument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("instrument_detail", args=[instrument.pk])
    assert instrument.status == "draft"
    assert instrument_spec(instrument) == load_yaml(EXAMPLE.read_text(encoding="utf-8"))


def test_a_malformed_upload_lists_every_problem_and_saves_nothing(
    cast: Cast, client: Client
) -> None:
    client.force_login(cast.ani)
    text = EXAMPLE.read_text(encoding="utf-8").replace("weight: 0.25", "weight: 0.3", 1)
    text = text.replace("code: MAS1_02", "code: MAS1_01", 1)
    response = upload(client, "ikotan.yaml", text.encode())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Berkas ditolak; tidak ada yang disimpan" in body
    assert "Bobot variabel berjumlah 1.05, seharusnya 1." in body
    assert "Kode &#x27;MAS1_01&#x27; dipakai lebih dari sekali." in body
    assert not Instrument.objects.exists()


def test_wrong_file_type_and_garbage_are_refused(cast: Cast, client: Client) -> None:
    client.force_login(cast.ani)
    assert "yaml, yml, xlsx" in upload(client, "instrumen.pdf", b"%PDF").content.decode()
    body = upload(client, "instrumen.xlsx", b"bukan excel").content.decode()
    assert "Berkas ditolak" in body
    assert not Instrument.objects.exists()


def test_operators_cannot_upload_or_manage(
    cast: Cast, client: Client, published: Instrument
) -> None:
    client.force_login(cast.budi)
    assert upload(client, "ikotan.yaml", EXAMPLE.read_bytes()).status_code == 404
    url = reverse("instrument_action", args=[published.pk, "kunci"])
    assert client.post(url).status_code == 403
    assert Instrument.objects.get().status == "published"


def test_publish_lock_and_copy_through_the_pages(cast: Cast, client: Client) -> None:
    client.force_login(cast.ani)
    upload(client, "ikotan.yaml", EXAMPLE.read_bytes())
    draft = Instrument.objects.get()
    assert client.get(reverse("instrument_action", args=[draft.pk, "terbitkan"])).status_code == 405
    client.post(reverse("instrument_action", args=[draft.pk, "terbitkan"]))
    assert Instrument.objects.get(pk=draft.pk).status == "published"
    response = client.post(reverse("instrument_action", args=[draft.pk, "salin"]), {"year": 2027})
    copy = Instrument.objects.get(year=2027)
    assert response["Location"] == reverse("instrument_detail", args=[copy.pk])
    assert copy.status == "draft" and copy.copied_from_id == draft.pk
    client.post(reverse("instrument_action", args=[draft.pk, "kunci"]))
    assert Instrument.objects.get(pk=draft.pk).status == "locked"
    again = client.post(reverse("instrument_action", args=[draft.pk, "terbitkan"]), follow=True)
    assert "Hanya instrumen berstatus draf yang dapat diterbitkan." in again.content.decode()


def test_downloads_round_trip(cast: Cast, client: Client, published: Instrument) -> None:
    client.force_login(cast.citra)
    spec = instrument_spec(published)
    xlsx = client.get(reverse("instrument_download", args=[published.pk, "xlsx"]))
    assert xlsx["Content-Disposition"] == 'attachment; filename="instrumen-2026-v1.xlsx"'
    assert read_xlsx(xlsx.content) == spec
    yaml = client.get(reverse("instrument_download", args=[published.pk, "yaml"]))
    assert load_yaml(yaml.content.decode()) == spec
    assert client.get(f"/instrumen/{published.pk}/unduh.exe").status_code == 404


def test_the_detail_page_shows_the_content_digest_and_the_scheme(
    cast: Cast, client: Client, published: Instrument
) -> None:
    from kotan.method.spec import spec_digest

    client.force_login(cast.fajar)
    page = client.get(reverse("instrument_detail", args=[published.pk])).content.decode()
    digest = spec_digest(instrument_spec(published))
    assert "Sidik isi (SHA-256)" in page
    assert "<wbr>".join(digest[i : i + 16] for i in range(0, 64, 16)) in page
    assert "3 interval sama: Cukup Tanggap, Tanggap, Sangat Tanggap" in page


def test_the_detail_page_shows_fixed_bands(cast: Cast, client: Client) -> None:
    from dataclasses import replace

    spec = replace(load_yaml(EXAMPLE.read_text(encoding="utf-8")), categories="2022-terbit")
    instrument = actions.import_instrument(actor=cast.ani, spec=spec)
    client.force_login(cast.ani)
    page = client.get(reverse("instrument_detail", args=[instrument.pk])).content.decode()
    assert "Cukup Tanggap [2,600–3,064]; Tanggap (3,064–3,532]; Sangat Tanggap (3,532–4]" in page
