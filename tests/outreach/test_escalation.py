"""Escalation after the deadline: one summary per BNNP listing its overdue regencies, then one
national summary; one per level per day, never twice."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail

from kotan.collection.models import Period
from kotan.notifications.models import Notification
from kotan.notifications.tasks import deliver_email
from kotan.outreach.actions import run_reminders
from kotan.outreach.models import OutreachMessage
from kotan.outreach.recipients import reminder_recipients
from tests.support.cast import Cast
from tests.support.outreach import (
    DEADLINE,
    People,
    assignment,
    cast,
    fill_quota,
    outreach_world,
    people,
    period,
    small_quotas,
)

__all__ = ["cast", "outreach_world", "people", "period"]  # fixtures


def summaries() -> list[tuple[str, str]]:
    return sorted(
        (m.key.split(":")[1], m.recipient_user.username)  # type: ignore[union-attr]
        for m in OutreachMessage.objects.filter(kind="escalation")
    )


def test_no_summary_before_the_deadline(period: Period, people: People) -> None:
    plan = reminder_recipients(period, DEADLINE - timedelta(days=1))
    assert plan.reminders and not plan.province_summaries and plan.national is None


def test_the_day_after_one_summary_per_bnnp_lists_its_overdue_regencies(
    cast: Cast, period: Period, people: People
) -> None:
    plan = reminder_recipients(period, DEADLINE + timedelta(days=1))
    by_province = {s.province_name: s for s in plan.province_summaries}
    assert sorted(by_province) == ["Aceh", "Jambi"]
    jambi = by_province["Jambi"]
    assert jambi.recipients == (cast.budi.pk,)
    assert {r.regency_code for r in jambi.overdue} == {
        r.regency.code for r in period.assignments.filter(regency__province__code="15")
    }
    assert plan.national is None  # the centre only from deadline + 3

    result = run_reminders(DEADLINE + timedelta(days=1))
    assert result.summaries == 2
    assert summaries() == [("province", "budi"), ("province", "hadi")]
    note = Notification.objects.get(recipient=cast.budi)
    assert note.kind == "reminder_summary" and "Jambi" in note.title
    assert "Kabupaten Batanghari: 0/180" in note.body
    assert "Aceh" not in note.body
    deliver_email.call()
    to_budi = [m for m in mail.outbox if m.to == ["budi@example.org"]]
    assert len(to_budi) == 1 and "Batanghari" in to_budi[0].body
    logged = OutreachMessage.objects.select_related("email").get(recipient_user=cast.budi)
    assert logged.email is not None and logged.delivery_status == "Terkirim"
    assert to_budi[0].body.count("Yth.") == 1


def test_from_deadline_plus_three_the_centre_gets_one_national_summary(
    cast: Cast, period: Period, people: People
) -> None:
    day = DEADLINE + timedelta(days=3)
    run_reminders(day)
    assert summaries() == [("national", "ani"), ("province", "budi"), ("province", "hadi")]
    national = OutreachMessage.objects.get(kind="escalation", key__contains=":national:")
    assert "Jambi: 11 kabupaten/kota" in national.body and "Aceh: 1 kabupaten/kota" in national.body
    assert national.province is None and national.regency is None
    assert Notification.objects.filter(recipient=cast.ani, kind="reminder_summary").count() == 1


def test_one_summary_per_level_per_day_and_none_twice(period: Period, people: People) -> None:
    run_reminders(DEADLINE + timedelta(days=3))
    run_reminders(DEADLINE + timedelta(days=3))
    assert len(summaries()) == 3
    assert Notification.objects.count() == 3
    run_reminders(DEADLINE + timedelta(days=4))  # not a day of the schedule
    assert len(summaries()) == 3
    run_reminders(DEADLINE + timedelta(days=7))  # the next step: a new summary per level
    assert len(summaries()) == 6


def test_a_regency_at_its_quota_leaves_the_summary(
    cast: Cast, period: Period, people: People
) -> None:
    aceh_utara = assignment(period, "11.08")
    small_quotas(aceh_utara)
    fill_quota(period, aceh_utara, cast.hadi)
    plan = reminder_recipients(period, DEADLINE + timedelta(days=3))
    assert [s.province_name for s in plan.province_summaries] == ["Jambi"]
    assert plan.national is not None and dict(plan.national.provinces) == {"Jambi": 11}
