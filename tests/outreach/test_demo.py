"""The demo's reminders: the real job on the schedule's past days, a log with a reply noted,
WhatsApp messages waiting for today; loading twice adds nothing."""

from __future__ import annotations

from kotan.accounts.demo import load_demo, load_demo_contacts
from kotan.collection import demo
from kotan.outreach.demo import load_demo_outreach
from kotan.outreach.models import OutreachMessage


def test_the_demo_has_reminders_sent_prepared_and_a_reply(db: None) -> None:
    load_demo()
    period = demo.load_demo_period()
    load_demo_contacts()
    load_demo_outreach(period)
    messages = OutreachMessage.objects.filter(period=period)
    statuses = set(messages.values_list("status", flat=True))
    assert {"antre", "disiapkan", "dikirim_operator"} <= statuses
    assert messages.exclude(reply_note="").count() == 1
    # today's step stays for "Kirim hari ini"; earlier ones were sent by the operator
    waiting = messages.filter(status="disiapkan")
    assert waiting and all(":before3:" in m.key for m in waiting)
    count = messages.count()
    load_demo_outreach(period)
    assert messages.count() == count and messages.exclude(reply_note="").count() == 1
