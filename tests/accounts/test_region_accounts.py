"""BNNP and BNNK operators manage the accounts of their own region: enumerators, focal points
and viewers, created with an invitation, deactivated with a reason, sent a reset link."""

from __future__ import annotations

import re

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from post_office.mail import send_queued
from post_office.models import Email

from kotan.accounts import actions
from kotan.accounts.models import Role, User
from tests.support.cast import Cast, make_user, region

pytestmark = pytest.mark.usefixtures("queued_email")

NEW_PASSWORD = "kopi-tubruk-pagi-hari"


def account(cast: Cast, **kw: object) -> dict[str, object]:
    """A new enumerator of Batanghari, as the form posts it."""
    return {
        "username": "rina",
        "full_name": "Rina Anggraini",
        "email": "rina.anggraini@example.org",
        "role": Role.ENUMERATOR,
        "organization": cast.bnnk_batanghari.pk,
        "province": region("15.04").province_id,
        "regency": region("15.04").pk,
    } | kw


def test_bnnk_operator_creates_an_account_and_the_invitation_works(
    cast: Cast, client: Client
) -> None:
    client.force_login(cast.citra)
    form = client.get(reverse("user_create")).content.decode()
    assert "Buat akun" in form and 'value="province_operator"' not in form
    assert "Kabupaten Muaro Jambi" in form and "Kabupaten Aceh Utara" not in form
    response = client.post(reverse("user_create"), account(cast))
    rina = User.objects.get(username="rina")
    assert response.status_code == 302 and response["Location"] == reverse(
        "user_detail", args=[rina.pk]
    )
    assert not rina.has_usable_password() and rina.regency == region("15.04")
    assert (
        LogEntry.objects.get_for_object(rina).filter(action=LogEntry.Action.CREATE).get().actor
        == cast.citra
    )

    assert Email.objects.get().to == ["rina.anggraini@example.org"]
    mail.outbox = []
    send_queued()
    (invitation,) = mail.outbox
    assert "Undangan" in invitation.subject and "Citra" in invitation.body
    assert "Nama pengguna Anda: rina" in invitation.body
    link = re.search(r"https?://\S+/akun/atur-sandi/\S+/", invitation.body)
    assert link
    other = Client()
    page = other.get(link.group(0), follow=True)
    set_url = page.redirect_chain[-1][0]
    other.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    signed = Client().post("/akun/masuk/", {"username": "rina", "password": NEW_PASSWORD})
    assert signed.status_code == 302


def test_province_operator_creates_a_province_viewer(cast: Cast, client: Client) -> None:
    client.force_login(cast.budi)
    data = account(cast, role=Role.VIEWER, regency="", organization=cast.bnnp_jambi.pk)
    assert client.post(reverse("user_create"), data).status_code == 302
    viewer = User.objects.get(username="rina")
    assert viewer.province == cast.bnnp_jambi.province and viewer.regency is None


@pytest.mark.parametrize(
    "role", [Role.PROVINCE_OPERATOR, Role.REGENCY_OPERATOR, Role.NATIONAL_ADMIN]
)
def test_an_operator_cannot_create_an_operator_or_admin(
    cast: Cast, client: Client, role: str
) -> None:
    client.force_login(cast.budi)
    response = client.post(reverse("user_create"), account(cast, role=role))
    assert response.status_code == 200 and "field-error" in response.content.decode()
    with pytest.raises(ValidationError) as caught:
        actions.create_user(
            actor=cast.budi,
            username="rina",
            password=None,
            role=role,
            regency=region("15.04"),
            organization=cast.bnnk_batanghari,
        )
    assert "dibuat oleh admin nasional" in str(caught.value)
    assert not User.objects.filter(username="rina").exists()
    assert not Email.objects.exists()


def test_national_admin_may_create_any_role(cast: Cast) -> None:
    user = actions.invite_user(
        actor=cast.ani,
        base_url="https://si-kotan.example.org/",
        username="operator.aceh2",
        role=Role.PROVINCE_OPERATOR,
        full_name="Teuku Umar Hakim",
        email="teuku@example.org",
        province=cast.bnnp_aceh.province,
        organization=cast.bnnp_aceh,
    )
    assert user.role == Role.PROVINCE_OPERATOR
    assert "https://si-kotan.example.org/akun/atur-sandi/" in Email.objects.get().message


def test_an_operator_cannot_create_outside_the_region(cast: Cast, client: Client) -> None:
    client.force_login(cast.citra)
    # Kota Jambi is in Jambi, but not one of BNNK Batanghari's regencies.
    response = client.post(reverse("user_create"), account(cast, regency=region("15.71").pk))
    assert response.status_code == 200 and "field-error" in response.content.decode()
    with pytest.raises(ValidationError):
        actions.create_user(
            actor=cast.hadi,
            username="rina",
            password=None,
            role=Role.ENUMERATOR,
            regency=region("15.04"),
        )
    with pytest.raises(ValidationError):  # another province's organisation
        actions.create_user(
            actor=cast.hadi,
            username="rina",
            password=None,
            role=Role.ENUMERATOR,
            regency=region("11.08"),
            organization=cast.bnnk_batanghari,
        )
    assert not User.objects.filter(username="rina").exists()


def test_bad_input_is_refused_at_the_field(cast: Cast, client: Client) -> None:
    client.force_login(cast.citra)
    for bad in ({"email": "rina@"}, {"email": ""}, {"username": "ada spasi"}, {"username": "eko"}):
        response = client.post(reverse("user_create"), account(cast, **bad))
        assert response.status_code == 200 and "field-error" in response.content.decode(), bad
    # A focal point needs an institution.
    response = client.post(
        reverse("user_create"), account(cast, role=Role.FOCAL_POINT, organization="")
    )
    assert "Focal point harus terhubung" in response.content.decode()
    assert not User.objects.filter(username="rina").exists() and not Email.objects.exists()


def test_who_may_open_the_account_pages(cast: Cast, client: Client) -> None:
    create = reverse("user_create")
    eko = reverse("user_detail", args=[cast.eko.pk])
    for user, create_status, detail_status in (
        (cast.ani, 200, 200),
        (cast.budi, 200, 200),
        (cast.citra, 200, 200),
        (cast.hadi, 200, 404),
        (cast.gita, 403, 403),
        (cast.fajar, 403, 403),
        (cast.dewi, 403, 403),
        (cast.eko, 403, 403),
    ):
        client.force_login(user)
        assert client.get(create).status_code == create_status, user
        assert client.get(eko).status_code == detail_status, user


def test_deactivate_with_a_reason_is_audited(cast: Cast, client: Client) -> None:
    client.force_login(cast.citra)
    url = reverse("user_deactivate", args=[cast.eko.pk])
    assert client.get(url).status_code == 405
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 422 and "Tuliskan alasannya" in refused.content.decode()
    cast.eko.refresh_from_db()
    assert cast.eko.is_active
    assert client.post(url, {"reason": "Pindah tugas ke Kota Jambi"}).status_code == 302
    cast.eko.refresh_from_db()
    assert not cast.eko.is_active
    entry = LogEntry.objects.get_for_object(cast.eko).order_by("-pk").first()
    assert entry is not None and entry.actor == cast.citra
    assert entry.changes_dict["is_active"] == ["True", "False"]
    assert entry.changes_dict["alasan"] == ["", "Pindah tugas ke Kota Jambi"]
    # ... and back.
    assert client.post(reverse("user_reactivate", args=[cast.eko.pk])).status_code == 302
    cast.eko.refresh_from_db()
    assert cast.eko.is_active


def test_operators_cannot_touch_another_region_or_higher_roles(cast: Cast, client: Client) -> None:
    # Hadi (Aceh) on Jambi's enumerator: 404 everywhere, nothing changes.
    client.force_login(cast.hadi)
    for name in ("user_deactivate", "user_reactivate", "user_send_reset"):
        assert client.post(reverse(name, args=[cast.eko.pk]), {"reason": "x"}).status_code == 404
    # The BNNK operator of Kota Jambi, same province, on a Batanghari account: 404 as well.
    client.force_login(make_user("yudi", Role.REGENCY_OPERATOR, regency=region("15.71")))
    assert (
        client.post(reverse("user_deactivate", args=[cast.eko.pk]), {"reason": "x"}).status_code
        == 404
    )
    assert client.get(reverse("user_detail", args=[cast.eko.pk])).status_code == 404
    # Citra (BNNK) on the BNNP's viewer of Jambi province: out of her regencies.
    client.force_login(cast.citra)
    assert (
        client.post(reverse("user_deactivate", args=[cast.gita.pk]), {"reason": "x"}).status_code
        == 404
    )
    # Budi (BNNP) on Citra, an operator: refused with a message.
    client.force_login(cast.budi)
    refused = client.post(reverse("user_deactivate", args=[cast.citra.pk]), {"reason": "x"})
    assert (
        refused.status_code == 422
        and "hanya dapat dikelola oleh admin nasional" in refused.content.decode()
    )
    with pytest.raises(PermissionDenied):
        actions.deactivate_user(actor=cast.hadi, user=cast.eko, reason="x")
    with pytest.raises(PermissionDenied):  # a viewer has no MANAGE_ACCOUNTS
        actions.deactivate_user(actor=cast.gita, user=cast.eko, reason="x")
    for user in (cast.eko, cast.gita, cast.citra):
        user.refresh_from_db()
        assert user.is_active
    assert not Email.objects.exists()


def test_nobody_deactivates_or_reactivates_themselves(cast: Cast, client: Client) -> None:
    for me in (cast.ani, cast.budi, cast.citra):
        with pytest.raises(ValidationError) as caught:
            actions.deactivate_user(actor=me, user=me, reason="x")
        assert "akun Anda sendiri" in str(caught.value)
        client.force_login(me)
        response = client.post(reverse("user_deactivate", args=[me.pk]), {"reason": "x"})
        assert response.status_code == 422
        me.refresh_from_db()
        assert me.is_active
    with pytest.raises(ValidationError):
        actions.reactivate_user(actor=cast.budi, user=cast.budi)


def test_send_reset_link_is_queued_and_audited(cast: Cast, client: Client) -> None:
    client.force_login(cast.budi)
    url = reverse("user_send_reset", args=[cast.eko.pk])
    no_email = client.post(url)
    assert no_email.status_code == 422 and "tidak punya alamat email" in no_email.content.decode()
    User.objects.filter(pk=cast.eko.pk).update(email="eko@example.org")
    assert client.post(url).status_code == 302
    assert Email.objects.get().to == ["eko@example.org"]
    entry = LogEntry.objects.get_for_object(cast.eko).get(action=LogEntry.Action.ACCESS)
    assert entry.actor == cast.budi and "eko@example.org" in str(entry.changes_dict)
    page = client.get(reverse("user_detail", args=[cast.eko.pk])).content.decode()
    assert "Kirim tautan" in page and "Nonaktifkan" in page


def test_user_list_offers_management_only_to_account_managers(cast: Cast, client: Client) -> None:
    client.force_login(cast.citra)
    body = client.get(reverse("user_list")).content.decode()
    assert reverse("user_create") in body and reverse("user_detail", args=[cast.eko.pk]) in body
    client.force_login(cast.gita)
    assert reverse("user_create") not in client.get(reverse("user_list")).content.decode()


def test_a_username_differing_only_in_case_is_refused(cast: Cast, client: Client) -> None:
    """ "ADMIN" next to "admin": refused on the form's field, no account, no invitation."""
    taken = cast.citra.username
    client.force_login(cast.citra)
    before = User.objects.count()
    response = client.post(reverse("user_create"), account(cast, username=taken.upper()))
    assert response.status_code == 200
    assert "sudah dipakai akun lain" in " ".join(response.context["form"].errors["username"])
    assert User.objects.count() == before and not Email.objects.exists()


def test_a_username_with_spaces_or_symbols_is_refused(cast: Cast, client: Client) -> None:
    client.force_login(cast.citra)
    response = client.post(reverse("user_create"), account(cast, username="rina anggraini!"))
    assert response.status_code == 200 and response.context["form"].errors["username"]
    assert not User.objects.filter(full_name="Rina Anggraini").exists()


def test_a_role_the_operator_may_not_give_is_refused_in_plain_words(
    cast: Cast, client: Client
) -> None:
    """A BNNK operator posting "regency_operator" (not offered on the form): a plain message,
    not the role's code, and no account."""
    client.force_login(cast.citra)
    response = client.post(reverse("user_create"), account(cast, role=Role.REGENCY_OPERATOR))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["role"])
    assert "tidak dapat Anda berikan" in errors and "regency_operator" not in errors
    assert not User.objects.filter(username="rina").exists() and not Email.objects.exists()
