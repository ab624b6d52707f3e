"""Password reset by email (end to end through the email queue), change, and the lockout page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from post_office.mail import send_queued
from post_office.models import Email

from kotan.accounts import actions
from kotan.accounts.models import Role, User
from kotan.accounts.passwords import reset_link_validity
from tests.support.cast import PASSWORD, Cast, region

LOGIN = "/akun/masuk/"
NEW_PASSWORD = "kopi-tubruk-pagi-hari"


pytestmark = pytest.mark.usefixtures("queued_email")


@pytest.fixture
def lina(cast: Cast) -> User:
    """An enumerator of Batanghari with an email address (invented)."""
    return actions.create_user(
        actor=None,
        username="lina",
        password=PASSWORD,
        role=Role.ENUMERATOR,
        full_name="Lina Marlina",
        email="lina.marlina@example.org",
        organization=cast.bnnk_batanghari,
        regency=region("15.04"),
    )


def deliver() -> list[mail.EmailMessage]:
    """Run the email queue as the delivery job does; what the locmem backend received."""
    mail.outbox = []
    send_queued()
    return list(mail.outbox)


def link_in(message: mail.EmailMessage) -> str:
    found = re.search(r"https?://\S+/akun/atur-sandi/\S+/", message.body)
    assert found, message.body
    return found.group(0)


def signs_in(username: str, password: str) -> bool:
    return Client().post(LOGIN, {"username": username, "password": password}).status_code == 302


def test_sign_in_page_offers_the_reset(client: Client, db: None) -> None:
    body = client.get(LOGIN).content.decode()
    assert "Lupa kata sandi?" in body and reverse("password_reset") in body


def test_reset_end_to_end(lina: User, client: Client) -> None:
    page = client.get(reverse("password_reset"))
    assert page.status_code == 200 and "Lupa kata sandi" in page.content.decode()
    response = client.post(reverse("password_reset"), {"email": "LINA.Marlina@example.org"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert "Periksa email Anda" in client.get(response["Location"]).content.decode()

    queued = Email.objects.get()  # queued in the database, not sent inside the request
    assert queued.to == ["lina.marlina@example.org"]
    (message,) = deliver()
    assert message.subject == "Atur ulang kata sandi SI-KOTAN"
    assert "Lina Marlina" in message.body and "Nama pengguna Anda: lina" in message.body
    assert f"berlaku {reset_link_validity()}" in message.body and "3 hari" in message.body

    form = client.get(link_in(message), follow=True)
    assert form.status_code == 200 and "Buat kata sandi baru" in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    assert "Kata sandi disimpan" in client.get(done["Location"]).content.decode()

    assert signs_in("lina", NEW_PASSWORD)
    assert not signs_in("lina", PASSWORD)
    # The link works once.
    again = client.get(link_in(message), follow=True).content.decode()
    assert "tidak berlaku lagi" in again


def test_unknown_email_gets_the_same_answer_and_no_email(lina: User, client: Client) -> None:
    known = client.post(reverse("password_reset"), {"email": "lina.marlina@example.org"})
    unknown = client.post(reverse("password_reset"), {"email": "siapa.saja@example.org"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert Email.objects.count() == 1
    assert len(deliver()) == 1


def test_a_deactivated_account_gets_no_email(lina: User, client: Client) -> None:
    actions.deactivate_user(actor=None, user=lina)
    response = client.post(reverse("password_reset"), {"email": "lina.marlina@example.org"})
    assert response.status_code == 302
    assert not Email.objects.exists()


def test_an_invited_account_without_password_may_ask_again(cast: Cast, client: Client) -> None:
    actions.create_user(
        actor=None,
        username="nina",
        password=None,
        role=Role.VIEWER,
        full_name="Nina Kusuma",
        email="nina@example.org",
    )
    client.post(reverse("password_reset"), {"email": "nina@example.org"})
    (message,) = deliver()
    assert "/akun/atur-sandi/" in message.body


def test_bad_email_and_weak_password_are_refused_in_place(lina: User, client: Client) -> None:
    response = client.post(reverse("password_reset"), {"email": "bukan-email"})
    assert response.status_code == 200 and "field-error" in response.content.decode()
    client.post(reverse("password_reset"), {"email": "lina.marlina@example.org"})
    (message,) = deliver()
    form = client.get(link_in(message), follow=True)
    set_url = form.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "1234567890", "new_password2": "1234567890"})
    assert weak.status_code == 200 and "field-error" in weak.content.decode()
    mismatch = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": "lain"})
    assert mismatch.status_code == 200 and "field-error" in mismatch.content.decode()
    assert signs_in("lina", PASSWORD)  # unchanged


@override_settings(PASSWORD_RESET_TIMEOUT=12 * 3600)
def test_email_states_the_configured_validity(lina: User, client: Client) -> None:
    client.post(reverse("password_reset"), {"email": "lina.marlina@example.org"})
    (message,) = deliver()
    assert "berlaku 12 jam" in message.body


def test_validity_in_words() -> None:
    assert reset_link_validity(3 * 86400) == "3 hari"
    assert reset_link_validity(86400) == "1 hari"
    assert reset_link_validity(36 * 3600) == "36 jam"
    assert reset_link_validity(900) == "15 menit"


def test_lockout_page_says_how_to_reset_and_when_it_unlocks(lina: User, client: Client) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = client.post(LOGIN, {"username": "lina", "password": "salah"})
    assert locked.status_code == 429
    body = locked.content.decode()
    assert f"Coba lagi dalam {settings.AXES_COOLOFF_TIME * 60:.0f} menit" in body
    assert reverse("password_reset") in body and "atur ulang kata sandi" in body
    attempt = AccessAttempt.objects.get(username="lina")
    ends = timezone.localtime(attempt.attempt_time + timedelta(hours=settings.AXES_COOLOFF_TIME))
    assert f"Terbuka sekitar pukul {ends:%H.%M}." in body


def test_a_new_password_lifts_the_lockout(lina: User, client: Client) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "lina", "password": "salah"})
    assert client.post(LOGIN, {"username": "lina", "password": PASSWORD}).status_code == 429
    client.post(reverse("password_reset"), {"email": "lina.marlina@example.org"})
    (message,) = deliver()
    form = client.get(link_in(message), follow=True)
    set_url = form.redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert client.post(LOGIN, {"username": "lina", "password": NEW_PASSWORD}).status_code == 302


def test_password_change(lina: User, client: Client) -> None:
    url = reverse("password_change")
    assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    client.force_login(lina)
    assert "Ubah kata sandi" in client.get(url).content.decode()
    wrong = client.post(
        url,
        {"old_password": "salah", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200 and "field-error" in wrong.content.decode()
    response = client.post(
        url,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    assert "Kata sandi diubah" in client.get(response["Location"]).content.decode()
    assert signs_in("lina", NEW_PASSWORD) and not signs_in("lina", PASSWORD)
