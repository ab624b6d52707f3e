"""notify(): one notification per active recipient, idempotent by key, email unless turned off."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from post_office.models import STATUS, Email

from kotan.accounts import actions as account_actions
from kotan.notifications import actions
from kotan.notifications.models import EmailPreference, Kind, Notification
from kotan.notifications.send import notify
from tests.support.cast import Cast


@pytest.fixture
def mailable(cast: Cast) -> Cast:
    for user in (cast.budi, cast.citra, cast.hadi):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    return cast


def test_one_notification_per_recipient_and_an_email_each(mailable: Cast) -> None:
    made = notify([mailable.budi, mailable.citra, mailable.budi], Kind.TASK_FINISHED, "Selesai")
    assert made == 2
    assert Notification.objects.filter(recipient=mailable.budi).count() == 1
    assert sorted(e.to[0] for e in Email.objects.all()) == [
        "budi@example.org",
        "citra@example.org",
    ]


def test_same_key_twice_creates_nothing_the_second_time(mailable: Cast) -> None:
    assert notify([mailable.budi], Kind.TASK_FINISHED, "Selesai", key="job:1") == 1
    assert notify([mailable.budi, mailable.citra], Kind.TASK_FINISHED, "Lagi", key="job:1") == 1
    assert Notification.objects.filter(key="job:1").count() == 2
    assert Email.objects.count() == 2


def test_without_key_each_call_is_new(mailable: Cast) -> None:
    notify([mailable.budi], Kind.TASK_FINISHED, "Satu")
    notify([mailable.budi], Kind.TASK_FINISHED, "Dua")
    assert Notification.objects.filter(recipient=mailable.budi).count() == 2


def test_inactive_users_receive_nothing(mailable: Cast) -> None:
    account_actions.deactivate_user(actor=None, user=mailable.hadi)
    assert notify([mailable.hadi], Kind.TASK_FAILED, "Gagal") == 0
    assert not Notification.objects.exists() and not Email.objects.exists()


def test_email_turned_off_for_that_kind_only(mailable: Cast) -> None:
    EmailPreference.objects.create(user=mailable.budi, kind=Kind.TASK_FAILED, email_enabled=False)
    notify([mailable.budi], Kind.TASK_FAILED, "Gagal")
    assert not Email.objects.exists()
    assert Notification.objects.filter(recipient=mailable.budi, kind=Kind.TASK_FAILED).exists()
    notify([mailable.budi], Kind.TASK_FINISHED, "Selesai")
    assert Email.objects.count() == 1


def test_no_email_address_means_in_app_only(cast: Cast) -> None:
    assert notify([cast.eko], Kind.TASK_FINISHED, "Selesai", body="Isi", url="/x/") == 1
    assert not Email.objects.exists()
    n = Notification.objects.get()
    assert (n.title, n.body, n.url, n.read_at) == ("Selesai", "Isi", "/x/", None)


def test_email_carries_title_body_and_link(mailable: Cast) -> None:
    notify([mailable.budi], Kind.TASK_FINISHED, "Ekspor siap", body="Berkas A", url="/unduh/1/")
    email = Email.objects.get()
    assert email.subject == "[SI-KOTAN] Ekspor siap"
    assert "Berkas A" in email.message and "/unduh/1/" in email.message
    assert email.status == STATUS.queued  # queued, not sent yet


def test_unknown_kind_is_refused(cast: Cast) -> None:
    with pytest.raises(ValueError):
        notify([cast.budi], "nonsense", "x")


def test_a_rolled_back_caller_leaves_nothing(mailable: Cast) -> None:
    with pytest.raises(ValidationError), transaction.atomic():
        notify([mailable.budi], Kind.TASK_FINISHED, "Selesai")
        raise ValidationError("action failed")
    assert not Notification.objects.exists() and not Email.objects.exists()


def test_creation_is_not_in_the_audit_trail_but_reading_is(cast: Cast) -> None:
    notify([cast.budi], Kind.TASK_FINISHED, "Selesai")
    n = Notification.objects.get()
    entries = LogEntry.objects.get_for_object(n)
    assert not entries.exists()
    actions.mark_read(actor=cast.budi, notification=n)
    assert list(entries.values_list("action", "actor")) == [(LogEntry.Action.UPDATE, cast.budi.pk)]


def test_a_bad_address_still_notifies_in_the_app(cast: Cast) -> None:
    type(cast.budi).objects.filter(pk=cast.budi.pk).update(email="bukan alamat")
    cast.budi.refresh_from_db()
    assert notify([cast.budi], Kind.TASK_FINISHED, "Selesai") == 1
    assert Notification.objects.filter(recipient=cast.budi).exists()
    assert not Email.objects.exists()
