"""Demo reminders: the real job run on the days of the schedule that have passed, the earlier
WhatsApp messages marked sent by the BNNP operator, and a reply noted. Idempotent."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Min
from django.utils import timezone

from kotan.accounts.models import User
from kotan.collection.models import Period
from kotan.outreach import actions
from kotan.outreach.models import OutreachMessage
from kotan.outreach.recipients import plan_days

OPERATOR = "bnnp.jambi"
REPLY = "Kesbangpol membalas lewat telepon: kuesioner diisi bersama dalam rapat hari Senin."


def load_demo_outreach(period: Period) -> str:
    """Run the reminder job for each step of the schedule up to today; returns a summary."""
    today = timezone.localdate()
    deadline = period.assignments.aggregate(d=Min("deadline"))["d"]
    if deadline is None:
        return "tidak ada penugasan"
    days_before, days_after, _enabled = plan_days(period)
    offsets = sorted({-d for d in days_before} | set(days_after))
    days = [deadline + timedelta(days=o) for o in offsets if deadline + timedelta(days=o) <= today]
    for day in days:
        actions.run_reminders(day)
    operator = User.objects.filter(username=OPERATOR).first()
    messages = OutreachMessage.objects.filter(period=period)
    if operator is not None and operator.province_id is not None:
        earlier = messages.filter(
            channel=OutreachMessage.Channel.WHATSAPP, status=OutreachMessage.Status.PREPARED
        ).exclude(key__contains=f":{_step_code(deadline, today)}:")
        for message in earlier.filter(regency__province_id=operator.province_id):
            actions.mark_sent_by_operator(actor=operator, message=message)
        if not messages.exclude(reply_note="").exists():
            first = (
                messages.filter(
                    channel=OutreachMessage.Channel.EMAIL,
                    regency__province_id=operator.province_id,
                )
                .order_by("regency__code", "pk")
                .first()
            )
            if first is not None:
                actions.note_reply(actor=operator, message=first, note=REPLY)
    prepared = messages.filter(status=OutreachMessage.Status.PREPARED).count()
    return f"{messages.count()} pesan ({prepared} WhatsApp menunggu dikirim hari ini)"


def _step_code(deadline: date, today: date) -> str:
    """The key part of today's step (``before3``), whose messages stay for "Kirim hari ini"."""
    delta = (deadline - today).days
    return f"before{delta}" if delta >= 0 else f"after{-delta}"
