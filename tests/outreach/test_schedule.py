"""Who receives which reminder on which day: a fake clock through the whole schedule, nothing
on other days, stopping at quota, idempotency of the job."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client, override_settings
from django.urls import reverse
from post_office.models import Email

from kotan.collection import actions as collection
from kotan.collection.ingest import ingest_submission
from kotan.collection.models import Period
from kotan.instruments.queries import instrument_spec
from kotan.notifications.tasks import deliver_email
from kotan.outreach.actions import run_reminders, save_plan
from kotan.outreach.models import OutreachMessage
from kotan.outreach.recipients import reminder_recipients
from kotan.outreach.schedule import Step, parse_day_list, step_on
from kotan.outreach.tasks import send_reminders
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
    run_worker,
    small_quotas,
)
from tests.support.periods import payload

__all__ = ["cast", "outreach_world", "people", "period"]  # fixtures


def reminders_on(period: Period, day: date) -> set[tuple[str, str, str]]:
    """(regency code, contact name, step) of every reminder due on ``day``."""
    plan = reminder_recipients(period, day)
    return {(r.regency.regency_code, r.contact_name, r.step.code) for r in plan.reminders}


# --- the pure rules -----------------------------------------------------------------------


def test_step_on_names_the_days_of_the_schedule_and_nothing_else() -> None:
    before, after = [14, 7, 3, 1], [1, 3, 7]
    due = {
        DEADLINE + timedelta(days=d): step_on(DEADLINE, DEADLINE + timedelta(days=d), before, after)
        for d in range(-30, 30)
    }
    stepped = {day: step for day, step in due.items() if step is not None}
    assert sorted((day - DEADLINE).days for day in stepped) == [-14, -7, -3, -1, 1, 3, 7]
    assert stepped[DEADLINE - timedelta(days=7)] == Step("before", 7)
    assert stepped[DEADLINE + timedelta(days=3)] == Step("after", 3)
    assert step_on(DEADLINE, DEADLINE, before, after) is None  # no 0 in the plan


def test_day_lists_are_whole_numbers_up_to_90_each_once() -> None:
    assert parse_day_list("14, 7, 3, 1") == ([14, 7, 3, 1], "")
    assert parse_day_list("") == ([], "")
    assert "ke-2" in parse_day_list("14, tujuh")[1]
    assert "antara 0 dan 90" in parse_day_list("14, 91")[1]
    assert "dua kali" in parse_day_list("7, 3, 7")[1]
    assert "kosong" in parse_day_list("7,,3")[1]


# --- the schedule with a fake clock ---------------------------------------------------------


def test_the_whole_schedule_reminds_on_its_days_only(period: Period, people: People) -> None:
    """Batanghari's Kesbangpol and its BNNK (which also answers for Muaro Jambi), and Aceh
    Utara's Kesbangpol, are reminded 14, 7, 3 and 1 days before and 1, 3, 7 days after."""
    seen: dict[int, set[tuple[str, str, str]]] = {}
    for offset in range(-20, 15):
        found = reminders_on(period, DEADLINE + timedelta(days=offset))
        if found:
            seen[offset] = found
    assert sorted(seen) == [-14, -7, -3, -1, 1, 3, 7]
    assert seen[-7] == {
        ("15.04", "Rina Contoh", "before7"),
        ("15.04", "Sari Contoh", "before7"),
        ("15.05", "Sari Contoh", "before7"),
        ("11.08", "Teuku Contoh", "before7"),
    }
    assert {step for _r, _c, step in seen[3]} == {"after3"}


def test_the_job_sends_emails_and_prepares_whatsapp(period: Period, people: People) -> None:
    day = DEADLINE - timedelta(days=7)
    result = run_reminders(day)
    # Rina and Sari have both channels (Sari twice: two regencies); Teuku email only.
    assert (result.emails, result.whatsapp, result.summaries) == (4, 3, 0)
    wa = OutreachMessage.objects.filter(channel="whatsapp")
    assert {m.status for m in wa} == {"disiapkan"}
    rina_wa = wa.get(contact=people.rina)
    assert rina_wa.wa_url.startswith("https://wa.me/6281200001001?text=")
    assert "Batanghari" in rina_wa.body and "7 hari lagi" in rina_wa.body
    assert rina_wa.created_by is None and rina_wa.kind == "reminder"
    deliver_email.call()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "rina@example.org",
        "sari@example.org",
        "sari@example.org",
        "teuku@example.org",
    ]
    rina_email = OutreachMessage.objects.get(contact=people.rina, channel="email")
    assert rina_email.email is not None and rina_email.delivery_status == "Terkirim"


def test_nothing_is_sent_on_a_day_off_the_schedule(period: Period, people: People) -> None:
    assert run_reminders(DEADLINE - timedelta(days=6)).emails == 0
    assert not OutreachMessage.objects.exists() and not Email.objects.exists()


def test_running_twice_sends_nothing_twice(period: Period, people: People) -> None:
    for day in (DEADLINE - timedelta(days=1), DEADLINE + timedelta(days=3)):
        run_reminders(day)
        counts = (OutreachMessage.objects.count(), Email.objects.count())
        again = run_reminders(day)
        assert (again.emails, again.whatsapp, again.summaries) == (0, 0, 0)
        assert (OutreachMessage.objects.count(), Email.objects.count()) == counts
    deliver_email.call()
    sent = len(mail.outbox)
    run_reminders(DEADLINE + timedelta(days=3))
    deliver_email.call()
    assert len(mail.outbox) == sent


def test_a_regency_at_its_quota_is_no_longer_reminded(
    cast: Cast, period: Period, people: People
) -> None:
    batanghari = assignment(period, "15.04")
    small_quotas(batanghari)
    fill_quota(period, batanghari, cast.citra)
    found = reminders_on(period, DEADLINE - timedelta(days=3))
    assert not {r for r in found if r[0] == "15.04"}
    assert ("15.05", "Sari Contoh", "before3") in found  # the BNNK still, for Muaro Jambi


def test_an_institution_that_gave_what_its_link_expects_is_no_longer_reminded(
    cast: Cast, period: Period, people: People
) -> None:
    batanghari = assignment(period, "15.04")
    link = collection.create_link(
        actor=cast.citra,
        assignment=batanghari,
        unit_code="gov",
        institution=cast.kesbangpol_batanghari,
        max_uses=1,
    )
    day = DEADLINE - timedelta(days=14)
    assert ("15.04", "Rina Contoh", "before14") in reminders_on(period, day)
    plan = reminder_recipients(period, day)
    assert next(r for r in plan.reminders if r.contact_name == "Rina Contoh").link_token
    ingest_submission(payload({"link": link.token}))
    found = reminders_on(period, day)
    assert ("15.04", "Rina Contoh", "before14") not in found
    assert ("15.04", "Sari Contoh", "before14") in found  # the regency is still short


def test_a_submitted_assignment_or_a_closed_period_gets_nothing(
    cast: Cast, period: Period, people: People
) -> None:
    day = DEADLINE - timedelta(days=1)
    batanghari = assignment(period, "15.04")
    batanghari.status = "diajukan"
    batanghari.save(update_fields=["status"])
    assert {r[0] for r in reminders_on(period, day)} == {"15.05", "11.08"}
    period.status = Period.Status.CLOSED
    period.save(update_fields=["status"])
    assert reminder_recipients(period, day).reminders == []


def test_the_plan_of_a_period_moves_the_days(cast: Cast, period: Period, people: People) -> None:
    save_plan(actor=cast.ani, period=period, days_before=[10], days_after=[], enabled=True)
    assert reminders_on(period, DEADLINE - timedelta(days=7)) == set()
    assert reminders_on(period, DEADLINE - timedelta(days=10))
    assert reminders_on(period, DEADLINE + timedelta(days=1)) == set()
    save_plan(actor=cast.ani, period=period, days_before=[10], days_after=[], enabled=False)
    assert reminders_on(period, DEADLINE - timedelta(days=10)) == set()


def test_a_plan_with_a_bad_day_is_refused(cast: Cast, period: Period) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as err:
        save_plan(actor=cast.ani, period=period, days_before=[7, 7], days_after=[], enabled=True)
    assert "dua kali" in str(err.value)
    assert not period.__class__.objects.filter(reminder_plan__isnull=False).exists()


def test_the_task_runs_on_the_worker_with_a_given_day(period: Period, people: People) -> None:
    result = send_reminders.enqueue(today=(DEADLINE - timedelta(days=7)).isoformat())
    run_worker()
    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert result.return_value == {"emails": 4, "whatsapp": 3, "summaries": 0}


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("mail server down")


def test_a_failing_mail_server_shows_in_the_log_and_blocks_nothing(
    cast: Cast, period: Period, people: People, settings: Any
) -> None:
    run_reminders(DEADLINE - timedelta(days=7))
    refusing = {**settings.POST_OFFICE, "BACKENDS": {"default": f"{__name__}.RefusingBackend"}}
    with override_settings(POST_OFFICE=refusing):
        deliver_email.call()
    message = OutreachMessage.objects.select_related("email").get(
        contact=people.rina, channel="email"
    )
    assert message.delivery_status == "Gagal, akan dicoba lagi"
    client = Client()
    client.force_login(cast.citra)
    page = client.get(reverse("outreach_regency", args=["15.04"]))
    assert page.status_code == 200 and "Gagal, akan dicoba lagi" in page.content.decode()


def test_an_institution_whose_units_are_complete_is_no_longer_reminded(
    cast: Cast, period: Period, people: People
) -> None:
    from kotan.collection.models import Quota

    batanghari = assignment(period, "15.04")
    link = collection.create_link(
        actor=cast.citra,
        assignment=batanghari,
        unit_code="gov",
        institution=cast.kesbangpol_batanghari,
        max_uses=None,  # no limit of its own: the unit's quota decides
    )
    Quota.objects.filter(assignment=batanghari, unit__code="gov").update(quota=1)
    day = DEADLINE - timedelta(days=14)
    assert ("15.04", "Rina Contoh", "before14") in reminders_on(period, day)
    answers = {i.code: "3" for i in instrument_spec(period.instrument).items if "gov" in i.units}
    assert ingest_submission(payload({"link": link.token}, answers=answers)).status == 201
    found = reminders_on(period, day)
    assert ("15.04", "Rina Contoh", "before14") not in found
    assert ("15.04", "Sari Contoh", "before14") in found
