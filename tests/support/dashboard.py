"""The home page's world: the period of tests/support/periods.py with answers, Monev visits
(tests/support/monev.py), one assignment submitted and one sent back, respondent links of two
Kesbangpol offices, a follow-up owned by Kesbangpol Batanghari, prepared WhatsApp messages in
Jambi and Aceh, and a notification for Budi. Built through the real actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from kotan.collection import actions as collection
from kotan.collection.models import Assignment, Period, RespondentLink
from kotan.monev import actions as monev_actions
from kotan.monev.models import FollowUp
from kotan.notifications.send import notify
from kotan.outreach.models import OutreachMessage
from kotan.outreach.sending import prepare_whatsapp
from kotan.regions.models import Regency
from tests.support.cast import Cast
from tests.support.monev import Monev, build_monev
from tests.support.periods import answer_some, build_period

RETURN_REASON = "Kuota keluarga belum terpenuhi; mohon dilengkapi."


@dataclass
class HomeWorld:
    cast: Cast
    period: Period
    monev: Monev
    submitted: Assignment  # Kota Jambi, submitted by BNNP Jambi: waits for its verification
    returned: Assignment  # Muaro Jambi, sent back to BNNK Batanghari with a reason
    kesbangpol_link: RespondentLink
    aceh_link: RespondentLink
    kesbangpol_follow_up: FollowUp  # owned by Kesbangpol Batanghari, due in two days
    jambi_message: OutreachMessage
    aceh_message: OutreachMessage


def _assignment(period: Period, code: str) -> Assignment:
    return Assignment.objects.get(period=period, regency__code=code)


def build_home_world(cast: Cast) -> HomeWorld:
    period = build_period(cast)
    answer_some(period, cast)
    monev = build_monev(cast)
    move = collection.transition_assignment
    submitted = move(actor=cast.budi, assignment=_assignment(period, "15.71"), action="submit")
    returned = move(actor=cast.citra, assignment=_assignment(period, "15.05"), action="submit")
    returned = move(actor=cast.budi, assignment=returned, action="return", reason=RETURN_REASON)
    kesbangpol_link = collection.create_link(
        actor=cast.citra,
        assignment=_assignment(period, "15.04"),
        unit_code="gov",
        label="Staf Kesbangpol Batanghari",
        institution=cast.kesbangpol_batanghari,
        max_uses=5,
    )
    aceh_link = collection.create_link(
        actor=cast.hadi,
        assignment=_assignment(period, "11.08"),
        unit_code="gov",
        label="Staf Kesbangpol Aceh Utara",
        institution=cast.kesbangpol_aceh_utara,
        max_uses=3,
    )
    follow_up = monev_actions.create_follow_up(
        actor=cast.ani,
        point=monev.obstacle,
        action="Menyusun surat edaran pengisian kuesioner.",
        owner=cast.kesbangpol_batanghari,
        due_on=timezone.localdate() + timedelta(days=2),
    )
    jambi_message = prepare_whatsapp(
        key="home:jambi",
        number="+6281200001234",
        recipient_name="Rina Narahubung",
        body="Mohon lengkapi kuesioner IKOTAN.",
        kind=OutreachMessage.Kind.REMINDER,
        period=period,
        regency=Regency.objects.get(code="15.04"),
    ).message
    aceh_message = prepare_whatsapp(
        key="home:aceh",
        number="+6281200005678",
        recipient_name="Teuku Narahubung",
        body="Mohon lengkapi kuesioner IKOTAN.",
        kind=OutreachMessage.Kind.REMINDER,
        period=period,
        regency=Regency.objects.get(code="11.08"),
    ).message
    notify([cast.budi], "reminder_summary", "Ringkasan pengingat Jambi", key="home:budi")
    return HomeWorld(
        cast,
        period,
        monev,
        submitted,
        returned,
        kesbangpol_link,
        aceh_link,
        follow_up,
        jambi_message,
        aceh_message,
    )
