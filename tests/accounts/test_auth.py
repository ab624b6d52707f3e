from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.test import Client, override_settings
from django.urls import reverse

from tests.support.cast import PASSWORD, Cast

LOGIN = "/akun/masuk/"


def test_login_page_is_in_bahasa_indonesia(client: Client, db: None) -> None:
    body = client.get(LOGIN).content.decode()
    assert 'lang="id"' in body
    assert "Masuk ke SI-KOTAN" in body and "Kata sandi" in body


def test_browser_language_does_not_override_bahasa_indonesia(client: Client, db: None) -> None:
    response = client.get(LOGIN, headers={"accept-language": "en-US,en;q=0.9"})
    assert "Masuk ke SI-KOTAN" in response.content.decode()
    assert response["Content-Language"] == "id"


def test_login_page_switches_to_english(client: Client, db: None) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": LOGIN})
    assert response.status_code == 302
    body = client.get(LOGIN).content.decode()
    assert 'lang="en"' in body
    assert "Sign in to SI-KOTAN" in body and "Password" in body


def test_login_and_logout(cast: Cast, client: Client) -> None:
    response = client.post(LOGIN, {"username": "budi", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "Operator provinsi" in client.get("/").content.decode()
    assert client.get(reverse("logout")).status_code == 405  # logout only by POST (CSRF)
    client.post(reverse("logout"))
    assert client.get("/").status_code == 302


def test_wrong_password_gives_a_clear_message(cast: Cast, client: Client) -> None:
    response = client.post(LOGIN, {"username": "budi", "password": "salah"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()


def test_lockout_after_repeated_failures(cast: Cast, client: Client) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert client.post(LOGIN, {"username": "budi", "password": "salah"}).status_code == 200
    locked = client.post(LOGIN, {"username": "budi", "password": "salah"})
    assert locked.status_code == 429
    assert "Akun terkunci sementara" in locked.content.decode()
    assert f"Coba lagi dalam {settings.AXES_COOLOFF_TIME * 60:.0f} menit" in locked.content.decode()
    # Even the right password is refused while locked.
    again = client.post(LOGIN, {"username": "budi", "password": PASSWORD})
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="budi").failures_since_start >= limit


def test_lockout_is_per_user_and_address(cast: Cast, client: Client) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "budi", "password": "salah"})
    other = Client()
    assert other.post(LOGIN, {"username": "citra", "password": PASSWORD}).status_code == 302


def test_success_resets_the_failure_count(cast: Cast, client: Client) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(LOGIN, {"username": "budi", "password": "salah"})
    assert client.post(LOGIN, {"username": "budi", "password": PASSWORD}).status_code == 302
    client.post(reverse("logout"))
    assert client.post(LOGIN, {"username": "budi", "password": "salah"}).status_code == 200


def test_inactive_user_cannot_log_in(cast: Cast, client: Client) -> None:
    from kotan.accounts.actions import deactivate_user

    deactivate_user(actor=cast.ani, user=cast.eko)
    assert client.post(LOGIN, {"username": "eko", "password": PASSWORD}).status_code == 200
    assert "_auth_user_id" not in client.session


def test_production_hasher_is_argon2() -> None:
    production = [h for h in settings.PASSWORD_HASHERS if "MD5" not in h]
    assert production[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=production):
        assert make_password("kata-sandi-panjang").startswith("argon2$argon2id$")


@pytest.mark.django_db
def test_csrf_is_enforced_on_login() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": "x", "password": "y"})
    assert response.status_code == 403


def test_behind_a_proxy_the_lockout_uses_the_forwarded_address(
    cast: Cast, client: Client, settings: Any
) -> None:
    """KOTAN_PROXY_COUNT: one office's failures do not lock the same user out elsewhere."""
    settings.PROXY_COUNT = 1  # nginx on 127.0.0.1 appends the address it saw
    office = {"HTTP_X_FORWARDED_FOR": "10.1.1.1"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "budi", "password": "salah"}, **office)
    assert (
        client.post(LOGIN, {"username": "budi", "password": PASSWORD}, **office).status_code == 429
    )
    home = {"HTTP_X_FORWARDED_FOR": "10.1.1.1, 10.2.2.2"}  # a forged first hop is ignored
    assert (
        Client().post(LOGIN, {"username": "budi", "password": PASSWORD}, **home).status_code == 302
    )


def test_sign_in_returns_to_the_page_the_user_came_from(cast: Cast, client: Client) -> None:
    came_from = client.get("/pengisian/")
    assert came_from.status_code == 302 and "next=/pengisian/" in came_from["Location"]
    signed_in = client.post(
        f"{LOGIN}?next=/pengisian/",
        {"username": "eko", "password": PASSWORD, "next": "/pengisian/"},
    )
    assert signed_in["Location"] == "/pengisian/"
    # Never to another site.
    client.post(reverse("logout"))
    away = client.post(
        LOGIN, {"username": "eko", "password": PASSWORD, "next": "https://jahat.example/"}
    )
    assert away["Location"] == "/"


def test_a_remembered_device_stays_signed_in_for_the_field_trip(cast: Cast, client: Client) -> None:
    client.post(LOGIN, {"username": "eko", "password": PASSWORD})
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE  # a working day
    client.post(reverse("logout"))
    client.post(LOGIN, {"username": "eko", "password": PASSWORD, "remember": "on"})
    assert client.session.get_expiry_age() == settings.SESSION_REMEMBER_DAYS * 86400
    assert (
        client.cookies[settings.SESSION_COOKIE_NAME]["max-age"]
        == settings.SESSION_REMEMBER_DAYS * 86400
    )


def test_a_remembered_device_is_revoked_by_a_password_change(cast: Cast, client: Client) -> None:
    client.post(LOGIN, {"username": "eko", "password": PASSWORD, "remember": "on"})
    assert client.get("/pengisian/").status_code == 200
    cast.eko.set_password("kata-sandi-baru-yang-panjang")
    cast.eko.save()
    assert client.get("/pengisian/").status_code == 302


def test_a_remembered_device_is_revoked_by_deactivation(cast: Cast, client: Client) -> None:
    from kotan.accounts.actions import deactivate_user

    client.post(LOGIN, {"username": "eko", "password": PASSWORD, "remember": "on"})
    deactivate_user(actor=cast.ani, user=cast.eko)
    assert client.get("/pengisian/").status_code == 302
