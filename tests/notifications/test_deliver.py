"""deliver_email sends the queue once; a failing mail server leaves the message for a retry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail as django_mail
from django.core.cache import cache
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings
from django.utils import timezone
from post_office.models import STATUS, Email

from kotan.notifications.models import Kind
from kotan.notifications.send import notify
from kotan.notifications.tasks import deliver_email, delivery_lock_key
from tests.support.cast import Cast


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("mail server down")


def _refusing(settings: Any) -> dict[str, Any]:
    return {**settings.POST_OFFICE, "BACKENDS": {"default": f"{__name__}.RefusingBackend"}}


@pytest.fixture
def queued(cast: Cast) -> Cast:
    cast.budi.email = "budi@example.org"
    cast.budi.save(update_fields=["email"])
    notify([cast.budi], Kind.TASK_FINISHED, "Ekspor siap", body="Berkas siap diunduh.")
    return cast


def test_sends_the_queue_once(queued: Cast) -> None:
    assert django_mail.outbox == []  # notify only queues
    assert deliver_email.call() == 1
    assert [m.to for m in django_mail.outbox] == [["budi@example.org"]]
    assert "Berkas siap diunduh." in django_mail.outbox[0].body
    assert deliver_email.call() == 0  # idempotent: nothing sent twice
    assert len(django_mail.outbox) == 1
    assert Email.objects.get().status == STATUS.sent


def test_a_refusing_server_requeues_then_fails_for_good(queued: Cast, settings: Any) -> None:
    with override_settings(POST_OFFICE=_refusing(settings)):
        assert deliver_email.call() == 0  # no exception escapes the task
        email = Email.objects.get()
        assert email.status == STATUS.requeued and email.number_of_retries == 1
        assert email.scheduled_time is not None and email.scheduled_time > timezone.now()
        assert deliver_email.call() == 0  # not due yet: not tried again at once
        assert Email.objects.get().number_of_retries == 1
        max_retries = settings.POST_OFFICE["MAX_RETRIES"]
        for _ in range(max_retries):
            Email.objects.update(scheduled_time=timezone.now() - timedelta(seconds=1))
            deliver_email.call()
    email = Email.objects.get()
    assert email.status == STATUS.failed and email.number_of_retries == max_retries
    assert email.logs.filter(status=STATUS.failed).exists()
    assert django_mail.outbox == []


def test_a_requeued_message_goes_out_when_the_server_is_back(queued: Cast, settings: Any) -> None:
    with override_settings(POST_OFFICE=_refusing(settings)):
        deliver_email.call()
    Email.objects.update(scheduled_time=timezone.now() - timedelta(seconds=1))
    assert deliver_email.call() == 1
    assert len(django_mail.outbox) == 1


def test_a_second_delivery_while_one_runs_sends_nothing(queued: Cast) -> None:
    cache.add(delivery_lock_key(), "1")  # another worker is sending
    try:
        assert deliver_email.call() == 0
        assert django_mail.outbox == []
        assert Email.objects.get().status == STATUS.queued  # left for the next run
    finally:
        cache.delete(delivery_lock_key())
    assert deliver_email.call() == 1
    assert cache.get(delivery_lock_key()) is None  # released after the run
