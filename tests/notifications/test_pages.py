"""The notification pages: everyone signed in reads their own, and only their own."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.urls import reverse

from kotan.notifications.context_processors import unread
from kotan.notifications.models import EmailPreference, Kind, Notification
from kotan.notifications.send import notify
from tests.support.cast import Cast


@pytest.fixture
def inbox(cast: Cast) -> Cast:
    """Budi (BNNP Jambi) has three notifications, Hadi (BNNP Aceh) one."""
    notify([cast.budi], Kind.ASSIGNMENT_SUBMITTED, "Pertama", url="/pengumpulan/")
    notify([cast.budi], Kind.ASSIGNMENT_SUBMITTED, "Kedua", body="Alasan: data kurang")
    notify([cast.budi], Kind.TASK_FAILED, "Ketiga", url="https://evil.invalid/")
    notify([cast.hadi], Kind.TASK_FINISHED, "Rahasia Aceh")
    return cast


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_anonymous_goes_to_login(db: None, client: Client) -> None:
    for name in ("notification_list", "notification_settings"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_list_shows_own_newest_first_with_unread_marked(inbox: Cast) -> None:
    body = _client(inbox.budi).get(reverse("notification_list")).content.decode()
    assert body.index("Ketiga") < body.index("Kedua") < body.index("Pertama")
    assert "Rahasia Aceh" not in body
    assert body.count("Belum dibaca") >= 3
    assert "Alasan: data kurang" in body
    assert "Pemberitahuan (3)" in body  # the header count
    assert 'aria-label="Pemberitahuan, 3 belum dibaca"' in body


@pytest.mark.parametrize("role", ["ani", "citra", "dewi", "eko", "fajar", "gita", "hadi"])
def test_every_role_opens_its_pages(cast: Cast, role: str) -> None:
    client = _client(getattr(cast, role))
    assert client.get(reverse("notification_list")).status_code == 200
    assert client.get(reverse("notification_settings")).status_code == 200


def test_open_marks_read_and_follows_the_link(inbox: Cast) -> None:
    first = Notification.objects.get(title="Pertama")
    response = _client(inbox.budi).post(reverse("notification_open", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == "/pengumpulan/"
    first.refresh_from_db()
    assert first.read_at is not None
    body = _client(inbox.budi).get(reverse("notification_list")).content.decode()
    assert "Pemberitahuan (2)" in body


def test_open_never_leaves_the_site(inbox: Cast) -> None:
    third = Notification.objects.get(title="Ketiga")
    response = _client(inbox.budi).post(reverse("notification_open", args=[third.pk]))
    assert response["Location"] == reverse("notification_list")


def test_open_needs_post(inbox: Cast) -> None:
    first = Notification.objects.get(title="Pertama")
    response = _client(inbox.budi).get(reverse("notification_open", args=[first.pk]))
    assert response.status_code == 405
    first.refresh_from_db()
    assert first.read_at is None


def test_another_users_notification_is_404_and_stays_unread(inbox: Cast) -> None:
    theirs = Notification.objects.get(title="Rahasia Aceh")
    for user in (inbox.budi, inbox.ani):  # not even the national admin reads another's
        response = _client(user).post(reverse("notification_open", args=[theirs.pk]))
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_all_marks_only_own(inbox: Cast) -> None:
    response = _client(inbox.budi).post(reverse("notification_read_all"))
    assert response.status_code == 302
    assert not Notification.objects.unread().filter(recipient=inbox.budi).exists()
    assert Notification.objects.unread().filter(recipient=inbox.hadi).count() == 1
    body = _client(inbox.budi).get(reverse("notification_list")).content.decode()
    assert "Pemberitahuan (0)" in body and "Belum dibaca" not in body


def test_read_all_needs_post_and_csrf(inbox: Cast) -> None:
    assert _client(inbox.budi).get(reverse("notification_read_all")).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(inbox.budi)
    assert strict.post(reverse("notification_read_all")).status_code == 403
    assert Notification.objects.unread().filter(recipient=inbox.budi).count() == 3


def test_list_is_paginated(cast: Cast) -> None:
    for i in range(30):
        notify([cast.citra], Kind.TASK_FINISHED, f"Tugas nomor {i:02d}")
    client = _client(cast.citra)
    first = client.get(reverse("notification_list")).content.decode()
    assert "Tugas nomor 29" in first and "Tugas nomor 00" not in first
    assert "Halaman 1 dari 2" in first
    second = client.get(reverse("notification_list"), {"halaman": 2}).content.decode()
    assert "Tugas nomor 00" in second and "Tugas nomor 29" not in second


def test_list_queries_do_not_grow_with_notifications(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    for i in range(20):
        notify([cast.citra], Kind.TASK_FINISHED, f"Tugas {i}")
    client = _client(cast.citra)
    client.get(reverse("notification_list"))
    with django_assert_max_num_queries(6):
        client.get(reverse("notification_list"))


def test_settings_turn_email_off_for_a_kind(cast: Cast) -> None:
    client = _client(cast.budi)
    page = client.get(reverse("notification_settings")).content.decode()
    assert page.count("checked") == len(Kind.values)  # every kind on by default
    keep = [k for k in Kind.values if k != Kind.TASK_FAILED]
    response = client.post(reverse("notification_settings"), {"kinds": keep})
    assert response.status_code == 302
    assert list(
        EmailPreference.objects.filter(user=cast.budi, email_enabled=False).values_list(
            "kind", flat=True
        )
    ) == [Kind.TASK_FAILED]
    page = client.get(reverse("notification_settings")).content.decode()
    assert page.count("checked") == len(Kind.values) - 1
    client.post(reverse("notification_settings"), {"kinds": Kind.values})
    assert not EmailPreference.objects.filter(user=cast.budi, email_enabled=False).exists()


def test_settings_refuse_an_unknown_kind_and_change_nothing(cast: Cast) -> None:
    client = _client(cast.budi)
    response = client.post(reverse("notification_settings"), {"kinds": ["bukan-jenis"]})
    assert response.status_code == 200
    assert "bukan-jenis bukan salah satu dari pilihan" in response.content.decode()
    assert not EmailPreference.objects.exists()


def test_settings_are_per_user(cast: Cast) -> None:
    _client(cast.hadi).post(reverse("notification_settings"), {"kinds": []})
    assert EmailPreference.objects.filter(user=cast.hadi).count() == len(Kind.values)
    assert not EmailPreference.objects.filter(user=cast.budi).exists()


def test_header_count_is_absent_for_anonymous(db: None, client: Client) -> None:
    body = client.get(reverse("login")).content.decode()
    assert "Pemberitahuan (" not in body


def test_header_count_is_one_query(inbox: Cast, django_assert_num_queries: Any) -> None:
    request = RequestFactory().get("/")
    request.user = inbox.budi
    with django_assert_num_queries(1):
        assert unread(request) == {"unread_notifications": 3}
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert unread(request) == {}


def test_a_page_number_that_is_not_one_shows_the_first(inbox: Cast) -> None:
    response = _client(inbox.budi).get(reverse("notification_list"), {"halaman": "x"})
    assert response.status_code == 200 and "Pertama" in response.content.decode()
