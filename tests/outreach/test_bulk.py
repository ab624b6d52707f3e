"""Sending the questionnaire out in bulk: a list typed or uploaded, its preview, links made in
one step (all or nothing), the QR sheet, the invitations (sent once), a focal point's own links,
and who may do what where."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from post_office.models import Email
from pytest_django import DjangoDbBlocker

from kotan.accounts.models import Contact, Organization, User
from kotan.collection import actions as collection
from kotan.collection.models import Assignment, RespondentLink
from kotan.notifications.tasks import deliver_email
from kotan.outreach import actions as outreach
from kotan.outreach import bulk
from kotan.outreach.models import OutreachMessage
from tests.support.cast import Cast, build_cast
from tests.support.periods import build_period
from tests.support.world import held_transaction

HEADER = "Instansi;Nama;Jabatan;Email;WhatsApp"
GOOD = "\n".join(
    [
        HEADER,
        "Dinas Pendidikan;Rina Contoh;Kepala Bidang;rina@example.org;0812 0000 0001",
        "SMA Negeri 1 Contoh;Sari Contoh;Wakil Kepala;;+62 812 0000 0002",
        "Kesbangpol Kabupaten Batanghari;Tono Contoh;Kepala;tono@example.org;",
    ]
)


@dataclass
class World:
    cast: Cast
    period_id: int


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[World]:
    with held_transaction(django_db_blocker):
        cast = build_cast()
        yield World(cast, build_period(cast).pk)


@pytest.fixture
def cast(world: World, db: None) -> Cast:
    return world.cast.fresh()


@pytest.fixture
def batanghari(world: World, db: None) -> Assignment:
    return Assignment.objects.get(period_id=world.period_id, regency__code="15.04")


@pytest.fixture
def aceh_utara(world: World, db: None) -> Assignment:
    return Assignment.objects.get(period_id=world.period_id, regency__code="11.08")


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def settings_post(**extra: Any) -> dict[str, Any]:
    return {"unit": "gov", "uses": "sekali", "valid_days": "30", **extra}


def xlsx(rows: list[list[Any]], *, sheet: str = "Daftar") -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name: str = "daftar.xlsx") -> BytesIO:
    file = BytesIO(data)
    file.name = name
    return file


def counts() -> tuple[int, int, int]:
    return (
        Organization.objects.count(),
        Contact.objects.count(),
        RespondentLink.objects.count(),
    )


def preview(client: Client, assignment: Assignment, **data: Any) -> Any:
    return client.post(reverse("bulk_start", args=[assignment.pk]), settings_post(**data))


def plan_of(response: Any) -> str:
    match = re.search(rb'name="rencana" value="([^"]+)"', response.content)
    assert match, "the preview carries its signed plan"
    return match.group(1).decode()


def confirm(client: Client, assignment: Assignment, text: str = GOOD) -> Any:
    page = preview(client, assignment, daftar=text)
    assert page.status_code == 200, page.content.decode()[:2000]
    return client.post(reverse("bulk_confirm", args=[assignment.pk]), {"rencana": plan_of(page)})


def problems(text: str) -> list[str]:
    with pytest.raises(bulk.ListRejected) as caught:
        bulk.read_text(text)
    return [str(p) for p in caught.value.problems]


# --- reading a list ---------------------------------------------------------------------------


def test_a_typed_list_is_read_with_semicolons_or_tabs() -> None:
    entries = bulk.read_text(GOOD)
    assert [e.institution for e in entries] == [
        "Dinas Pendidikan",
        "SMA Negeri 1 Contoh",
        "Kesbangpol Kabupaten Batanghari",
    ]
    assert entries[0].whatsapp == "+6281200000001" and entries[1].whatsapp == "+6281200000002"
    assert entries[1].email == "" and entries[2].whatsapp == ""
    tabbed = GOOD.replace(";", "\t")
    assert bulk.read_text(tabbed) == entries
    # Headers in another order and case, with a blank line between rows.
    other = "whatsapp;EMAIL;nama;instansi\n\n0812 0000 0003;a@example.org;Ana Contoh;Dinas Sosial"
    (entry,) = bulk.read_text(other)
    assert (entry.institution, entry.name, entry.row) == ("Dinas Sosial", "Ana Contoh", 3)


def test_every_problem_is_located_by_row_and_column() -> None:
    text = "\n".join(
        [
            HEADER,
            "Dinas Pendidikan;Rina Contoh;;rina@example.org;",
            ";Tanpa Instansi;;x@example.org;",
            "Dinas Sosial;Sari Contoh;;bukan-email;",
            "Dinas Kesehatan;Tono Contoh;;;0812",
            "dinas  pendidikan;Ani Contoh;;ani@example.org;",
            "Dinas Pariwisata;;;;",
            "Dinas Perhubungan;Budi Contoh;;;",
        ]
    )
    found = problems(text)
    assert "baris 3, kolom Instansi: nama instansi wajib diisi" in found
    assert "baris 4, kolom Email: alamat email tidak valid" in found
    assert any(p.startswith("baris 5, kolom WhatsApp: ") for p in found)
    assert any(
        p.startswith("baris 6, kolom Instansi: instansi ini sudah ada di baris 2") for p in found
    )
    assert "baris 7, kolom Nama: nama narahubung wajib diisi" in found
    assert any(p.startswith("baris 8, kolom Email: isi email atau nomor WhatsApp") for p in found)
    assert not any(p.startswith("baris 2") for p in found)


def test_a_foreign_or_landline_whatsapp_number_is_refused() -> None:
    for number in ("+1 202 555 0100", "021 555 0100", "0812-abc"):
        (found,) = problems(f"{HEADER}\nDinas Sosial;Sari Contoh;;;{number}")
        assert found.startswith("baris 2, kolom WhatsApp: "), found


def test_wrong_headers_and_separators_are_refused() -> None:
    (unknown, missing) = problems("Instansi;Nama;Emial;WhatsApp\nDinas;Rina;;0812 0000 0001")
    assert unknown.startswith("baris 1: judul kolom “Emial” tidak dikenal")
    assert "tidak ada kolom Email" in missing
    (comma,) = problems("Instansi,Nama,Email,WhatsApp\nDinas,Rina,r@example.org,")
    assert "titik koma" in comma
    (empty,) = problems(HEADER + "\n\n")
    assert "Daftar kosong" in empty
    too_long = "\n".join([HEADER] + [f"Dinas {i};Rina;;r{i}@example.org;" for i in range(301)])
    (many,) = problems(too_long)
    assert "paling banyak 300 instansi" in many


def test_an_uploaded_workbook_is_read_with_spreadsheet_rows() -> None:
    data = xlsx(
        [
            ["Instansi", "Nama", "Jabatan", "Email", "WhatsApp"],
            ["Dinas Pendidikan", "Rina Contoh", "Kepala", "rina@example.org", 6281200000001],
            [None, None, None, None, None],
            ["Dinas Sosial", "Sari Contoh", None, "salah@", None],
        ]
    )
    with pytest.raises(bulk.ListRejected) as caught:
        bulk.read_xlsx(data)
    assert [str(p) for p in caught.value.problems] == [
        "baris 4, kolom Email: alamat email tidak valid"
    ]
    good = xlsx(
        [
            ["Instansi", "Nama", "Jabatan", "Email", "WhatsApp"],
            ["Dinas Pendidikan", "Rina Contoh", "Kepala", "rina@example.org", 6281200000001],
            ["Dinas Sosial", "Sari Contoh", None, None, 81200000003],  # a number cell lost its 0
        ]
    )
    first, second = bulk.read_xlsx(good)
    assert first.whatsapp == "+6281200000001" and first.row == 2
    assert second.whatsapp == "+6281200000003" and second.row == 3


def test_the_downloaded_template_filled_in_is_accepted() -> None:
    workbook = load_workbook(BytesIO(bulk.template_xlsx()))
    assert workbook.sheetnames == ["Daftar", "Petunjuk"]
    sheet = workbook["Daftar"]
    assert [c.value for c in sheet[1]] == ["Instansi", "Nama", "Jabatan", "Email", "WhatsApp"]
    sheet.append(["Dinas Pendidikan", "Rina Contoh", "", "rina@example.org", "0812 0000 0001"])
    buffer = BytesIO()
    workbook.save(buffer)
    (entry,) = bulk.read_xlsx(buffer.getvalue())
    assert entry.name == "Rina Contoh"


def refusal(data: bytes) -> str:
    with pytest.raises(bulk.ListRejected) as caught:
        bulk.read_xlsx(data)
    return " | ".join(str(p) for p in caught.value.problems)


def test_a_bad_workbook_is_refused_with_a_clear_message() -> None:
    assert "bukan buku kerja Excel" in refusal(b"Instansi;Nama\nDinas;Rina")
    archive = BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    assert "bukan buku kerja Excel" in refusal(archive.getvalue())
    assert "terlalu besar" in refusal(b"PK\x03\x04" + b"\0" * (bulk.MAX_UPLOAD_BYTES + 1))
    assert "Berkas Excel lama (.xls)" in refusal(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    assert "judul kolom" in refusal(xlsx([["Nama lembaga", "Orang"], ["Dinas", "Rina"]]))
    assert "Baris pertama" in refusal(xlsx([[None], ["Dinas", "Rina"]]))
    formula = xlsx(
        [
            ["Instansi", "Nama", "Jabatan", "Email", "WhatsApp"],
            ["Dinas Pendidikan", '=CONCATENATE("Rina", " Contoh")', "", "r@example.org", ""],
        ]
    )
    assert "rumus" in refusal(formula)


# --- the pages: preview, confirm, all or nothing ------------------------------------------------


def test_the_preview_creates_nothing_and_confirming_creates_everything(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    signed_in(client, cast.citra)
    before = counts()
    page = preview(client, batanghari, daftar=GOOD)
    assert page.status_code == 200
    assert counts() == before
    text = page.content.decode()
    assert "Dinas Pendidikan" in text and "+62 812-0000-0001" in text
    assert "sudah terdaftar" in text  # Kesbangpol Batanghari exists in the cast
    assert page.context["new_institutions"] == 2

    response = client.post(
        reverse("bulk_confirm", args=[batanghari.pk]), {"rencana": plan_of(page)}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("bulk_batch", args=[batanghari.pk]))
    orgs, contacts, links = counts()
    assert (orgs, contacts, links) == (before[0] + 2, before[1] + 3, before[2] + 3)
    made = RespondentLink.objects.filter(assignment=batanghari).select_related("institution")
    assert {link.institution.name for link in made if link.institution} == {
        "Dinas Pendidikan",
        "SMA Negeri 1 Contoh",
        "Kesbangpol Kabupaten Batanghari",
    }
    assert all(link.unit.code == "gov" and link.max_uses == 1 for link in made)
    kesbangpol = Organization.objects.get(pk=cast.kesbangpol_batanghari.pk)
    assert made.filter(institution=kesbangpol).count() == 1  # reused, not a second one
    new_org = Organization.objects.get(name="Dinas Pendidikan")
    assert new_org.kind == "institution" and new_org.regency_id == batanghari.regency_id
    assert new_org.sector == "pemda"
    rina = Contact.objects.get(name="Rina Contoh")
    assert rina.organization == new_org and rina.whatsapp == "+6281200000001"
    # Every write is audited, with the operator as its actor.
    for model in (Organization, Contact, RespondentLink):
        entries = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), actor=cast.citra
        )
        assert entries.exists(), model


def test_a_list_with_one_bad_row_creates_nothing(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    signed_in(client, cast.citra)
    before = counts()
    bad = GOOD + "\nDinas Sosial;Sari Contoh;;bukan-email;"
    page = preview(client, batanghari, daftar=bad)
    assert page.status_code == 400
    assert "baris 5, kolom Email: alamat email tidak valid" in page.content.decode()
    assert counts() == before


def test_the_same_name_reuses_the_institution_and_updates_its_contact(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    signed_in(client, cast.citra)
    assert confirm(client, batanghari).status_code == 302
    before = counts()
    again = f"{HEADER}\nDINAS  pendidikan;Rina Contoh;Sekretaris;;0812 0000 0009"
    assert confirm(client, batanghari, again).status_code == 302
    orgs, contacts, links = counts()
    assert (orgs, contacts, links) == (before[0], before[1], before[2] + 1)
    rina = Contact.objects.get(name="Rina Contoh")
    assert rina.position == "Sekretaris" and rina.whatsapp == "+6281200000009"
    assert rina.email == "rina@example.org"  # left empty in the list: kept


def test_a_failure_while_creating_keeps_nothing(
    cast: Cast, batanghari: Assignment, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = collection.create_link
    calls = []

    def failing(**kwargs: Any) -> RespondentLink:
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(bulk.collection, "create_link", failing)
    before = counts()
    with pytest.raises(RuntimeError):
        bulk.create_batch(
            actor=cast.citra,
            assignment=batanghari,
            entries=bulk.read_text(GOOD),
            unit_code="gov",
            max_uses=1,
            valid_days=30,
        )
    assert len(calls) == 2
    assert counts() == before


def test_a_tampered_or_foreign_plan_creates_nothing(
    client: Client, cast: Cast, batanghari: Assignment, world: World
) -> None:
    signed_in(client, cast.budi)
    page = preview(client, batanghari, daftar=GOOD)
    plan = plan_of(page)
    before = counts()
    url = reverse("bulk_confirm", args=[batanghari.pk])
    response = client.post(url, {"rencana": plan[:-3] + "abc"}, follow=True)
    assert "kedaluwarsa atau rusak" in response.content.decode()
    muaro = Assignment.objects.get(period_id=world.period_id, regency__code="15.05")
    other = client.post(reverse("bulk_confirm", args=[muaro.pk]), {"rencana": plan}, follow=True)
    assert "kedaluwarsa atau rusak" in other.content.decode()
    assert counts() == before


def test_an_uploaded_workbook_goes_through_the_same_preview(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    signed_in(client, cast.citra)
    data = xlsx(
        [
            ["Instansi", "Nama", "Jabatan", "Email", "WhatsApp"],
            ["Dinas Pendidikan", "Rina Contoh", "Kepala", "rina@example.org", "0812 0000 0001"],
            ["Dinas Sosial", "Sari Contoh", None, None, "0812 0000 0002"],
        ]
    )
    page = preview(client, batanghari, berkas=upload(data))
    assert page.status_code == 200
    response = client.post(
        reverse("bulk_confirm", args=[batanghari.pk]), {"rencana": plan_of(page)}
    )
    assert response.status_code == 302
    assert Contact.objects.filter(name__in=["Rina Contoh", "Sari Contoh"]).count() == 2
    before = counts()
    refused = preview(client, batanghari, berkas=upload(b"bukan excel"))
    assert refused.status_code == 400
    assert "bukan buku kerja Excel" in refused.content.decode()
    both = preview(client, batanghari, daftar=GOOD, berkas=upload(data))
    assert both.status_code == 400 and "Pilih salah satu" in both.content.decode()
    neither = preview(client, batanghari)
    assert neither.status_code == 400
    assert counts() == before


def test_the_template_downloads_as_a_workbook(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    signed_in(client, cast.citra)
    response = client.get(reverse("bulk_template", args=[batanghari.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == bulk.XLSX_TYPE
    assert load_workbook(BytesIO(response.content)).sheetnames == ["Daftar", "Petunjuk"]


def test_changing_the_list_from_the_preview_keeps_what_was_typed(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    signed_in(client, cast.citra)
    page = preview(client, batanghari, daftar=GOOD)
    typed = page.context["typed"]
    back = client.post(
        reverse("bulk_start", args=[batanghari.pk]), settings_post(ubah="1", daftar=typed)
    )
    assert back.status_code == 200
    assert "SMA Negeri 1 Contoh" in back.content.decode()
    assert bulk.read_text(typed) == [
        bulk.Entry(e.row, e.institution, e.name, e.position, e.email, e.whatsapp)
        for e in bulk.read_text(GOOD)
    ]


# --- sending each contact its link -----------------------------------------------------------


def batch_url(client: Client, assignment: Assignment) -> str:
    response = confirm(client, assignment)
    assert response.status_code == 302
    return str(response["Location"])


def send(client: Client, assignment: Assignment, batch: str, **data: Any) -> Any:
    ids = batch.split("tautan=")[1]
    page = client.get(batch)
    token = page.context["resend_token"]
    body = {"tautan": ids, "kanal": ["email", "whatsapp"], "token": token, **data}
    return client.post(reverse("bulk_send", args=[assignment.pk]), body, follow=True)


def test_each_contact_is_sent_its_link_once(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    signed_in(client, cast.citra)
    batch = batch_url(client, batanghari)
    page = client.get(batch)
    assert page.status_code == 200 and len(page.context["recipients"]) == 3
    send(client, batanghari, batch)
    invitations = OutreachMessage.objects.filter(kind="invitation")
    # Rina: email + WhatsApp; Sari: WhatsApp only; Tono: email only.
    assert invitations.filter(channel="email").count() == 2
    assert invitations.filter(channel="whatsapp", status="disiapkan").count() == 2
    sari = invitations.get(channel="whatsapp", recipient_name="Sari Contoh")
    link = RespondentLink.objects.get(label="SMA Negeri 1 Contoh")
    assert sari.wa_url.startswith("https://wa.me/6281200000002?text=")
    assert link.token in sari.body and "Sari Contoh" in sari.body
    assert sari.regency_id == batanghari.regency_id and sari.organization_id == link.institution_id

    today = client.get(reverse("outreach_today")).content.decode()
    assert "Sari Contoh" in today and "Rina Contoh" in today  # WhatsApp waits for the operator

    again = send(client, batanghari, batch)
    assert invitations.count() == 4  # nothing sent twice
    assert "sudah pernah dikirim" in again.content.decode()
    assert Email.objects.count() == 2

    deliver_email.call()
    assert len(mail.outbox) == 2
    rina = next(m for m in mail.outbox if m.to == ["rina@example.org"])
    rina_link = RespondentLink.objects.get(label="Dinas Pendidikan")
    assert rina_link.token in rina.body and "Rina Contoh" in rina.body
    assert "15 Desember 2026" in rina.body  # {tenggat}: the assignment's deadline


def test_kirim_ulang_sends_again_once_per_form(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    signed_in(client, cast.citra)
    batch = batch_url(client, batanghari)
    send(client, batanghari, batch, kanal=["email"])
    assert OutreachMessage.objects.filter(kind="invitation").count() == 2
    ids = batch.split("tautan=")[1]
    body = {"tautan": ids, "kanal": ["email"], "token": "abc123", "ulang": "on"}
    url = reverse("bulk_send", args=[batanghari.pk])
    client.post(url, body)
    assert OutreachMessage.objects.filter(kind="invitation").count() == 4
    client.post(url, body)  # the same form sent twice (a double tap)
    assert OutreachMessage.objects.filter(kind="invitation").count() == 4
    assert Email.objects.count() == 4


def test_an_unusable_link_is_not_sent(client: Client, cast: Cast, batanghari: Assignment) -> None:
    signed_in(client, cast.citra)
    batch = batch_url(client, batanghari)
    collection.deactivate_link(
        actor=cast.citra, link=RespondentLink.objects.get(label="Dinas Pendidikan")
    )
    response = send(client, batanghari, batch)
    assert "tautannya sudah tidak dapat dipakai" in response.content.decode()
    assert not OutreachMessage.objects.filter(recipient_name="Rina Contoh").exists()
    assert OutreachMessage.objects.filter(kind="invitation").count() == 2


# --- the QR sheet -----------------------------------------------------------------------------


def test_the_qr_sheet_shows_every_name_and_one_svg_per_link(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    signed_in(client, cast.citra)
    batch = batch_url(client, batanghari)
    query = batch.split("?")[1]
    sheet = client.get(reverse("bulk_qr_sheet", args=[batanghari.pk]) + "?" + query)
    assert sheet.status_code == 200
    html = sheet.content.decode()
    links = RespondentLink.objects.filter(assignment=batanghari)
    for link in links:
        assert link.label in html and link.token in html
    assert html.count("<svg") == links.count() == 3
    # Without a batch: every active link of the assignment.
    collection.create_link(actor=cast.citra, assignment=batanghari, unit_code="edu", label="Warga")
    collection.deactivate_link(actor=cast.citra, link=links.get(label="Dinas Pendidikan"))
    everything = client.get(reverse("bulk_qr_sheet", args=[batanghari.pk])).content.decode()
    assert everything.count("<svg") == 3
    assert "Warga" in everything and "Dinas Pendidikan" not in everything


def test_the_qr_sheet_as_pdf(
    client: Client, cast: Cast, batanghari: Assignment, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[str] = []

    def fake_pdf(html: str) -> bytes:
        rendered.append(html)
        return b"%PDF-1.7 test"

    monkeypatch.setattr("kotan.outreach.views_bulk.html_to_pdf", fake_pdf)
    signed_in(client, cast.citra)
    batch = batch_url(client, batanghari)
    response = client.get(reverse("bulk_qr_pdf", args=[batanghari.pk]) + "?" + batch.split("?")[1])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    (html,) = rendered
    assert html.count("<svg") == 3 and "SMA Negeri 1 Contoh" in html


# --- who may do what where --------------------------------------------------------------------

BULK_GETS = ("bulk_start", "bulk_template", "bulk_batch", "bulk_qr_sheet", "bulk_qr_pdf")


@pytest.mark.parametrize("who", ["dewi", "eko", "fajar", "gita"])
def test_roles_without_both_capabilities_are_refused(
    client: Client, cast: Cast, batanghari: Assignment, aceh_utara: Assignment, who: str
) -> None:
    signed_in(client, getattr(cast, who))
    before = counts()
    for assignment in (batanghari, aceh_utara):  # own region and another province alike
        for name in BULK_GETS:
            assert client.get(reverse(name, args=[assignment.pk])).status_code == 403, name
        for name, data in (
            ("bulk_start", settings_post(daftar=GOOD)),
            ("bulk_confirm", {"rencana": "x"}),
            ("bulk_send", {"tautan": "1", "kanal": ["email"]}),
        ):
            response = client.post(reverse(name, args=[assignment.pk]), data)
            assert response.status_code == 403, name
    assert counts() == before and not OutreachMessage.objects.exists()


@pytest.mark.parametrize(
    ("who", "aceh_status"), [("ani", 200), ("budi", 404), ("citra", 404), ("hadi", 200)]
)
def test_operators_open_the_pages_of_their_own_region_only(
    client: Client,
    cast: Cast,
    batanghari: Assignment,
    aceh_utara: Assignment,
    who: str,
    aceh_status: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("kotan.outreach.views_bulk.html_to_pdf", lambda html: b"%PDF")
    signed_in(client, getattr(cast, who))
    jambi_status = 404 if who == "hadi" else 200
    for name in BULK_GETS:
        assert client.get(reverse(name, args=[batanghari.pk])).status_code == jambi_status, name
        assert client.get(reverse(name, args=[aceh_utara.pk])).status_code == aceh_status, name


def test_another_provinces_operator_gets_404_and_changes_nothing(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    signed_in(client, cast.citra)
    batch = batch_url(client, batanghari)
    ids = batch.split("tautan=")[1]
    plan = plan_of(preview(client, batanghari, daftar=GOOD))
    before = counts()
    signed_in(client, cast.hadi)
    for name in BULK_GETS:
        assert client.get(reverse(name, args=[batanghari.pk])).status_code == 404, name
    for name, data in (
        ("bulk_start", settings_post(daftar=GOOD)),
        ("bulk_confirm", {"rencana": plan}),
        ("bulk_send", {"tautan": ids, "kanal": ["email", "whatsapp"]}),
    ):
        assert client.post(reverse(name, args=[batanghari.pk]), data).status_code == 404, name
    assert counts() == before and not OutreachMessage.objects.exists()


def test_links_of_another_assignment_are_not_found_through_this_one(
    client: Client, cast: Cast, batanghari: Assignment, aceh_utara: Assignment
) -> None:
    aceh_link = collection.create_link(
        actor=cast.hadi, assignment=aceh_utara, unit_code="gov", label="Dinas Aceh"
    )
    signed_in(client, cast.citra)
    url = reverse("bulk_qr_sheet", args=[batanghari.pk]) + f"?tautan={aceh_link.pk}"
    assert "Dinas Aceh" not in client.get(url).content.decode()
    client.post(
        reverse("bulk_send", args=[batanghari.pk]), {"tautan": aceh_link.pk, "kanal": ["email"]}
    )
    assert not OutreachMessage.objects.exists()


def test_posts_need_the_csrf_token(cast: Cast, batanghari: Assignment) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.citra)
    before = counts()
    response = client.post(reverse("bulk_start", args=[batanghari.pk]), settings_post(daftar=GOOD))
    assert response.status_code == 403
    assert counts() == before


# --- a focal point's own links ---------------------------------------------------------------


def own_link(client: Client, assignment: Assignment, **data: str) -> Any:
    body = {"sendiri-unit": "gov", "sendiri-uses": "beberapa", "sendiri-max_uses": "20"}
    body["sendiri-valid_days"] = "30"
    body.update(data)
    return client.post(reverse("own_link_create", args=[assignment.pk]), body)


def test_a_focal_point_makes_and_shares_links_for_its_own_institution(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    signed_in(client, cast.dewi)
    page = client.get(reverse("assignment_detail", args=[batanghari.pk]))
    assert page.context["can_create_own_links"] and not page.context["can_create_links"]
    response = own_link(client, batanghari)
    assert response.status_code == 302
    link = RespondentLink.objects.get()
    assert link.institution_id == cast.kesbangpol_batanghari.pk
    assert link.label == "Kesbangpol Kabupaten Batanghari" and link.max_uses == 20
    assert link.created_by_id == cast.dewi.pk
    for name in ("link_detail", "link_print", "link_qr"):
        assert client.get(reverse(name, args=[link.pk])).status_code == 200, name
    page = client.get(reverse("assignment_detail", args=[batanghari.pk]))
    assert reverse("link_detail", args=[link.pk]).encode() in page.content
    assert client.post(reverse("link_deactivate", args=[link.pk])).status_code == 302
    link.refresh_from_db()
    assert not link.is_active


def test_a_focal_point_cannot_touch_other_institutions_or_regencies(
    client: Client, cast: Cast, batanghari: Assignment, aceh_utara: Assignment, world: World
) -> None:
    others = collection.create_link(
        actor=cast.citra, assignment=batanghari, unit_code="gov", label="Dinas Pendidikan"
    )
    bnnk_link = collection.create_link(
        actor=cast.citra,
        assignment=batanghari,
        unit_code="gov",
        institution=cast.kesbangpol_aceh_utara,
        label="Kesbangpol Aceh Utara",
    )
    aceh_link = collection.create_link(
        actor=cast.hadi,
        assignment=aceh_utara,
        unit_code="gov",
        institution=cast.kesbangpol_aceh_utara,
    )
    muaro = Assignment.objects.get(period_id=world.period_id, regency__code="15.05")
    signed_in(client, cast.dewi)
    before = counts()
    for link in (others, bnnk_link, aceh_link):
        for name in ("link_detail", "link_print", "link_qr"):
            assert client.get(reverse(name, args=[link.pk])).status_code == 403, name
        assert client.post(reverse("link_deactivate", args=[link.pk])).status_code == 403
    assert own_link(client, aceh_utara).status_code == 404
    assert own_link(client, muaro).status_code == 404  # the BNNK's other regency
    assert (
        client.post(
            reverse("link_create", args=[batanghari.pk]), {"unit": "gov", "label": "x"}
        ).status_code
        == 403
    )
    assert counts() == before
    assert RespondentLink.objects.filter(is_active=False).count() == 0


@pytest.mark.parametrize("who", ["ani", "budi", "citra", "eko", "fajar", "gita", "hadi"])
def test_only_a_focal_point_uses_the_own_link_form(
    client: Client, cast: Cast, batanghari: Assignment, who: str
) -> None:
    signed_in(client, getattr(cast, who))
    before = counts()
    assert own_link(client, batanghari).status_code == 403
    assert counts() == before


def test_an_invalid_own_link_form_is_shown_again(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    signed_in(client, cast.dewi)
    response = own_link(client, batanghari, **{"sendiri-max_uses": ""})
    assert response.status_code == 400
    assert "Isi jumlah penggunaan" in response.content.decode()
    assert not RespondentLink.objects.exists()


def test_the_batch_and_qr_pages_do_not_query_per_link(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    signed_in(client, cast.citra)
    few = batch_url(client, batanghari)
    send(client, batanghari, few)
    more = "\n".join([HEADER] + [f"Dinas {i};Orang {i};;o{i}@example.org;" for i in range(8)])
    many = str(confirm(client, batanghari, more)["Location"])
    send(client, batanghari, many)
    counted = []
    for url in (few, many):
        for page in (url, url.replace("/tautan/", "/qr/")):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(page).status_code == 200
            counted.append(len(queries))
    assert counted[0] == counted[2] and counted[1] == counted[3], counted


def test_confirming_the_same_preview_twice_makes_the_links_once(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    signed_in(client, cast.citra)
    page = preview(client, batanghari, daftar=GOOD)
    url = reverse("bulk_confirm", args=[batanghari.pk])
    first = client.post(url, {"rencana": plan_of(page)})
    before = counts()
    second = client.post(url, {"rencana": plan_of(page)})
    assert counts() == before
    assert second.status_code == 302 and second["Location"] == first["Location"]


def test_the_invitation_follows_the_template_the_admin_wrote(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    outreach.save_template(
        actor=cast.ani,
        key="invitation",
        subject="Undangan untuk {instansi}",
        body="Halo {nama} dari {instansi}: {tautan} (sebelum {tenggat}).",
    )
    signed_in(client, cast.citra)
    batch = batch_url(client, batanghari)
    send(client, batanghari, batch, kanal=["email"])
    message = OutreachMessage.objects.get(recipient_name="Tono Contoh")
    link = RespondentLink.objects.get(label="Kesbangpol Kabupaten Batanghari")
    assert message.subject == "Undangan untuk Kesbangpol Kabupaten Batanghari"
    assert message.body == (
        f"Halo Tono Contoh dari Kesbangpol Kabupaten Batanghari: "
        f"http://testserver/isi/{link.token}/ (sebelum 15 Desember 2026)."
    )  # the address the operator uses, as on the single link page


def test_an_id_too_large_for_the_database_names_no_link(
    client: Client, cast: Cast, batanghari: Assignment
) -> None:
    """An edited address with an id beyond what the database holds: the page answers as for
    an unknown link (no 500), and nothing is sent."""
    signed_in(client, cast.citra)
    batch_url(client, batanghari)
    huge = str(2**70)
    for name in ("bulk_batch", "bulk_qr_sheet"):
        response = client.get(reverse(name, args=[batanghari.pk]) + f"?tautan={huge}")
        assert response.status_code == 200, name
        assert "Dinas Pendidikan" not in response.content.decode(), name
    response = client.post(
        reverse("bulk_send", args=[batanghari.pk]), {"tautan": huge, "kanal": ["email"]}
    )
    assert response.status_code == 302
    assert not OutreachMessage.objects.exists()
