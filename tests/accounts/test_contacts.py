"""Contacts: WhatsApp numbers kept as +62, wa.me links, who reaches a regency, private pages."""

from __future__ import annotations

from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from kotan.accounts import actions
from kotan.accounts.contacts import (
    contacts_for_regency,
    contacts_of,
    normalize_whatsapp,
    wa_me_url,
)
from kotan.accounts.models import Contact, Role
from tests.support.cast import Cast, make_user, region
from tests.support.contacts import add_contact


@pytest.mark.parametrize(
    "typed",
    ["0812-0000-1234", "081200001234", "62812 0000 1234", "+62 812-0000-1234", "(0812) 0000.1234"],
)
def test_whatsapp_numbers_are_stored_as_e164(typed: str) -> None:
    assert normalize_whatsapp(typed) == "+6281200001234"


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("812 0000 1234", "diawali 0, 62 atau +62"),
        ("+1 415 555 0100", "Hanya nomor Indonesia"),
        ("0812-abcd-1234", "hanya boleh berisi angka"),
        ("0812 000", "tidak valid"),
        ("021-5550-1234", "bukan nomor ponsel"),
        ("   ", "kosong"),
    ],
)
def test_other_numbers_are_refused_in_indonesian(typed: str, says: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalize_whatsapp(typed)
    assert says in caught.value.messages[0]
    assert "0812-3456-7890" in caught.value.messages[0]  # the message shows the right form


def test_wa_me_url_carries_the_text_encoded() -> None:
    url = wa_me_url("+6281200001234", "Yth. Bapak/Ibu & tim: isi 100%?")
    assert (
        url
        == "https://wa.me/6281200001234?text=Yth.%20Bapak%2FIbu%20%26%20tim%3A%20isi%20100%25%3F"
    )
    assert wa_me_url("+6281200001234", "") == "https://wa.me/6281200001234"


def test_add_contact_normalises_and_is_audited(cast: Cast) -> None:
    contact = actions.add_contact(
        actor=cast.citra,
        organization=cast.kesbangpol_batanghari,
        name="Sari Wulandari",
        position="Kabid Poldagri",
        whatsapp="0812-0000-0101",
    )
    contact.refresh_from_db()
    assert contact.whatsapp == "+6281200000101" and contact.email == ""
    entry = LogEntry.objects.get_for_object(contact).get()
    assert entry.action == LogEntry.Action.CREATE and entry.actor == cast.citra


def test_a_contact_needs_email_or_whatsapp(cast: Cast) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.add_contact(actor=cast.citra, organization=cast.kesbangpol_batanghari, name="X")
    assert "salah satu wajib" in str(caught.value.message_dict["email"])
    with pytest.raises(ValidationError) as caught:
        actions.add_contact(
            actor=cast.citra,
            organization=cast.kesbangpol_batanghari,
            name="Y",
            email="bukan-email",
        )
    assert "email" in caught.value.message_dict
    assert not Contact.objects.exists()


def test_contacts_for_regency_include_its_institutions_and_covering_bnnk(cast: Cast) -> None:
    kesbangpol = add_contact(cast.kesbangpol_batanghari, "Sari Wulandari", 101)
    bnnk = add_contact(cast.bnnk_batanghari, "Rudi Hartono", 102)
    gone = add_contact(cast.kesbangpol_batanghari, "Tono Sugiarto", 103)
    actions.deactivate_contact(actor=None, contact=gone)
    add_contact(cast.kesbangpol_aceh_utara, "Cut Meutia Sari", 104)
    add_contact(cast.bnnp_jambi, "Yanti Puspita", 105)  # the province's office: not a regency's

    assert list(contacts_for_regency(region("15.04"))) == [bnnk, kesbangpol]
    # Muaro Jambi has no office of its own: BNNK Batanghari covers it.
    assert list(contacts_for_regency(region("15.05"))) == [bnnk]
    assert list(contacts_of(cast.kesbangpol_batanghari)) == [kesbangpol]
    assert set(contacts_of(cast.kesbangpol_batanghari, include_inactive=True)) == {
        kesbangpol,
        gone,
    }


def test_contact_actions_need_the_capability_and_the_scope(cast: Cast) -> None:
    for outsider in (cast.hadi, cast.dewi, cast.gita, cast.eko):
        with pytest.raises(PermissionDenied):
            actions.add_contact(
                actor=outsider,
                organization=cast.kesbangpol_batanghari,
                name="Sari Wulandari",
                email="sari@example.org",
            )
    contact = add_contact(cast.kesbangpol_batanghari, "Sari Wulandari", 101)
    with pytest.raises(PermissionDenied):
        actions.update_contact(actor=cast.hadi, contact=contact, name="Diubah")
    with pytest.raises(PermissionDenied):
        actions.deactivate_contact(actor=cast.hadi, contact=contact)
    contact.refresh_from_db()
    assert contact.name == "Sari Wulandari" and contact.is_active


# --- pages ------------------------------------------------------------------------------------


def detail(cast: Cast) -> str:
    return reverse("organization_detail", args=[cast.kesbangpol_batanghari.pk])


def test_contacts_show_on_the_organization_page_only_to_operators(
    cast: Cast, client: Client
) -> None:
    add_contact(cast.kesbangpol_batanghari, "Sari Wulandari", 101)
    for user in (cast.ani, cast.budi, cast.citra):
        client.force_login(user)
        body = client.get(detail(cast)).content.decode()
        assert "Narahubung" in body and "Sari Wulandari" in body and "+62 812-0000-0101" in body
        assert "https://wa.me/6281200000101" in body
        assert "<title>Kesbangpol Kabupaten Batanghari · SI-KOTAN</title>" in body
        assert reverse("contact_add", args=[cast.kesbangpol_batanghari.pk]) in body
    for user in (cast.fajar, cast.gita):  # viewers read organisations, not their people
        client.force_login(user)
        response = client.get(detail(cast))
        assert response.status_code == 200 and "Sari Wulandari" not in response.content.decode()
    for user in (cast.dewi, cast.eko):
        client.force_login(user)
        assert client.get(detail(cast)).status_code == 403
    client.force_login(cast.hadi)
    assert client.get(detail(cast)).status_code == 404


def test_organization_page_reads_contacts_in_fixed_queries(
    cast: Cast, client: Client, django_assert_max_num_queries: Any
) -> None:
    client.force_login(cast.budi)
    client.get(detail(cast))  # warm the session and the scope
    for number in range(1, 31):
        add_contact(cast.kesbangpol_batanghari, f"Orang Contoh {number}", number)
    with django_assert_max_num_queries(12):
        body = client.get(detail(cast)).content.decode()
    assert body.count('href="https://wa.me/') == 30


def test_operator_adds_a_contact_through_the_form(cast: Cast, client: Client) -> None:
    client.force_login(cast.citra)
    url = reverse("contact_add", args=[cast.kesbangpol_batanghari.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "Sari Wulandari",
            "position": "Kabid",
            "email": "",
            "whatsapp": "62812 0000 0101",
            "note": "",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#narahubung")
    contact = Contact.objects.get()
    assert contact.whatsapp == "+6281200000101"
    assert contact.organization == cast.kesbangpol_batanghari
    assert LogEntry.objects.get_for_object(contact).get().actor == cast.citra


def test_bad_input_is_shown_at_the_field_and_nothing_is_stored(cast: Cast, client: Client) -> None:
    client.force_login(cast.citra)
    url = reverse("contact_add", args=[cast.kesbangpol_batanghari.pk])
    response = client.post(url, {"name": "Sari", "whatsapp": "+1 415 555 0100", "email": ""})
    body = response.content.decode()
    assert response.status_code == 200 and "Hanya nomor Indonesia" in body
    response = client.post(url, {"name": "Sari", "whatsapp": "", "email": ""})
    assert "salah satu wajib" in response.content.decode()
    response = client.post(url, {"name": "Sari", "email": "sari@", "whatsapp": ""})
    assert "field-error" in response.content.decode()
    assert not Contact.objects.exists()


def test_contact_pages_are_scoped(cast: Cast, client: Client) -> None:
    contact = add_contact(cast.kesbangpol_batanghari, "Sari Wulandari", 101)
    add_url = reverse("contact_add", args=[cast.kesbangpol_batanghari.pk])
    edit_url = reverse("contact_edit", args=[contact.pk])
    off_url = reverse("contact_deactivate", args=[contact.pk])
    edit = {"name": "Diubah", "email": "x@example.org", "whatsapp": "", "is_active": "on"}
    kota_jambi = make_user("yudi", Role.REGENCY_OPERATOR, regency=region("15.71"))
    outsiders = [(cast.hadi, 404), (kota_jambi, 404), (cast.gita, 403), (cast.fajar, 403)]
    for user, status in [*outsiders, (cast.dewi, 403), (cast.eko, 403)]:
        client.force_login(user)
        assert client.get(add_url).status_code == status
        assert client.post(add_url, edit).status_code == status
        assert client.get(edit_url).status_code == status
        assert client.post(edit_url, edit).status_code == status
        assert client.post(off_url).status_code == status
    contact.refresh_from_db()
    assert contact.name == "Sari Wulandari" and contact.is_active
    assert Contact.objects.count() == 1


def test_operator_edits_and_deactivates_a_contact(cast: Cast, client: Client) -> None:
    contact = add_contact(cast.kesbangpol_batanghari, "Sari Wulandari", 101)
    client.force_login(cast.budi)
    edit_url = reverse("contact_edit", args=[contact.pk])
    assert "Sari Wulandari" in client.get(edit_url).content.decode()
    response = client.post(
        edit_url,
        {"name": "Sari W.", "email": "sari@example.org", "whatsapp": "0812 0000 0199"},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.name == "Sari W." and contact.whatsapp == "+6281200000199"
    assert not contact.is_active  # the box was left unticked
    client.post(edit_url, {"name": "Sari W.", "email": "sari@example.org", "is_active": "on"})
    contact.refresh_from_db()
    assert contact.is_active and contact.whatsapp == ""
    off_url = reverse("contact_deactivate", args=[contact.pk])
    assert client.get(off_url).status_code == 405  # a change only by POST
    assert client.post(off_url).status_code == 302
    contact.refresh_from_db()
    assert not contact.is_active
    assert "nonaktif" in client.get(detail(cast)).content.decode()


def test_demo_contacts_reach_every_jambi_regency_once(db: None) -> None:
    from kotan.accounts.demo import load_demo, load_demo_contacts
    from kotan.regions.models import Regency

    load_demo()
    created = load_demo_contacts()
    assert created == Contact.objects.count() > 0
    for regency in Regency.objects.filter(province__code="15"):
        reached = contacts_for_regency(regency)
        assert reached.filter(organization__name__startswith="Kesbangpol").exists(), regency
    assert all(c.email.endswith("@example.org") for c in Contact.objects.all())
    assert all(c.whatsapp.startswith("+6281200000") for c in Contact.objects.all())
    assert load_demo_contacts() == 0  # idempotent
    assert Contact.objects.count() == created


def test_the_same_person_is_not_added_twice_to_an_organization(cast: Cast, client: Client) -> None:
    """A second tap on "Simpan" (or the same name typed again, other case or spacing) is
    refused on the name field; another organisation may have its own person of that name."""
    client.force_login(cast.citra)
    url = reverse("contact_add", args=[cast.kesbangpol_batanghari.pk])
    posted = {"name": "Sari Wulandari", "email": "", "whatsapp": "0812 0000 0101"}
    assert client.post(url, posted).status_code == 302
    again = client.post(url, posted | {"name": "sari  wulandari", "whatsapp": "+62 812 0000 0101"})
    assert again.status_code == 200
    assert "sudah ada di organisasi ini" in " ".join(again.context["form"].errors["name"])
    assert Contact.objects.count() == 1
    edit_url = reverse("contact_edit", args=[Contact.objects.get().pk])
    kept = client.post(edit_url, posted | {"position": "Kabid", "is_active": "on"})
    assert kept.status_code == 302  # saving the contact itself is no duplicate
    other = reverse("contact_add", args=[cast.bnnk_batanghari.pk])
    assert client.post(other, posted).status_code == 302
    assert Contact.objects.count() == 2
