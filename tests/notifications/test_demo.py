"""The demo notifications: some for every demo account, made once."""

from __future__ import annotations

import pytest

from kotan.accounts.demo import DEMO_ACCOUNTS, load_demo
from kotan.demo.notifications import load_demo_notifications
from kotan.instruments.demo import load_demo_instrument
from kotan.monev.demo import load_demo_monev
from kotan.notifications.models import Kind, Notification
from tests.support.notifications import who


@pytest.mark.django_db
def test_every_demo_account_has_notifications_once() -> None:
    load_demo()
    load_demo_instrument()
    load_demo_monev()  # its follow-ups tell their owners and BNNP Jambi
    made = load_demo_notifications()
    assert made > 0
    assert who() == {a.username for a in DEMO_ACCOUNTS}
    assert {"bnnp.jambi", "bnnk.batanghari"} <= who(Kind.FOLLOWUP_OVERDUE)
    assert "bnnp.jambi" in who(Kind.FOLLOWUP_ASSIGNED)
    total = Notification.objects.count()
    assert Notification.objects.unread().count() < total  # some read, some not
    assert load_demo_notifications() == 0
    assert Notification.objects.count() == total
