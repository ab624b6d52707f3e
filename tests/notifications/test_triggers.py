"""Who is told what: assignment transitions, Monev follow-ups assigned, due and overdue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone, translation

from kotan.accounts.models import Role
from kotan.collection import actions as collection
from kotan.collection.models import Assignment, Period
from kotan.monev import actions as monev
from kotan.monev.actions import MonevError
from kotan.monev.models import FollowUp
from kotan.monev.tasks import follow_up_reminders
from kotan.notifications.models import Kind, Notification
from tests.support.cast import Cast, make_user, region
from tests.support.monev import Monev, build_monev
from tests.support.notifications import last_for, told, who
from tests.support.periods import build_period


@pytest.fixture
def period(cast: Cast) -> Period:
    return build_period(cast)


def _assignment(period: Period, code: str = "15.04") -> Assignment:
    return Assignment.objects.get(period=period, regency__code=code)


# --- assignments ------------------------------------------------------------------------------


def test_submitted_tells_the_bnnp_operators_of_the_province(cast: Cast, period: Period) -> None:
    collection.transition_assignment(
        actor=cast.citra, assignment=_assignment(period), action="submit"
    )
    assert told(Kind.ASSIGNMENT_SUBMITTED) == {
        "budi": ["Penugasan Kabupaten Batanghari · IKOTAN 2026 menunggu verifikasi"]
    }
    n = last_for(cast.budi)
    assert n.url == f"/pengumpulan/{_assignment(period).pk}/"
    assert "Citra" in n.body


def test_verified_tells_the_national_admins(cast: Cast, period: Period) -> None:
    a = _assignment(period)
    collection.transition_assignment(actor=cast.citra, assignment=a, action="submit")
    collection.transition_assignment(actor=cast.budi, assignment=a, action="verify")
    assert who(Kind.ASSIGNMENT_SUBMITTED) == {"budi", "ani"}
    assert "menunggu finalisasi" in last_for(cast.ani).title


def test_returned_tells_the_bnnk_operators_with_the_reason(cast: Cast, period: Period) -> None:
    a = _assignment(period)
    collection.transition_assignment(actor=cast.citra, assignment=a, action="submit")
    collection.transition_assignment(
        actor=cast.budi, assignment=a, action="return", reason="Kuota pendidikan belum terpenuhi."
    )
    assert who(Kind.ASSIGNMENT_RETURNED) == {"citra"}  # not the enumerator, not the returner
    assert "Alasan: Kuota pendidikan belum terpenuhi." in last_for(cast.citra).body


def test_returned_reaches_a_bnnk_covering_the_regency(cast: Cast, period: Period) -> None:
    a = _assignment(period, "15.05")  # Muaro Jambi, covered by BNNK Batanghari
    collection.transition_assignment(actor=cast.budi, assignment=a, action="submit")
    collection.transition_assignment(actor=cast.ani, assignment=a, action="return", reason="Ulang")
    assert who(Kind.ASSIGNMENT_RETURNED) == {"citra"}  # Citra sits in 15.04, covers 15.05


def test_returned_where_no_bnnk_tells_the_responsible_bnnp(cast: Cast, period: Period) -> None:
    a = _assignment(period, "15.71")  # Kota Jambi: no BNNK in the cast, BNNP Jambi answers
    assert a.responsible == cast.bnnp_jambi
    collection.transition_assignment(actor=cast.budi, assignment=a, action="submit")
    collection.transition_assignment(actor=cast.ani, assignment=a, action="return", reason="X")
    assert who(Kind.ASSIGNMENT_RETURNED) == {"budi"}


def test_finalised_tells_bnnk_and_bnnp_operators(cast: Cast, period: Period) -> None:
    a = _assignment(period)
    collection.transition_assignment(actor=cast.citra, assignment=a, action="submit")
    collection.transition_assignment(actor=cast.budi, assignment=a, action="verify")
    collection.transition_assignment(actor=cast.ani, assignment=a, action="finalize")
    assert who(Kind.ASSIGNMENT_FINALIZED) == {"citra", "budi"}
    assert "hadi" not in who() and "eko" not in who() and "gita" not in who()


def test_inactive_and_other_province_operators_are_not_told(cast: Cast, period: Period) -> None:
    second = make_user(
        "bayu", Role.PROVINCE_OPERATOR, organization=cast.bnnp_jambi, province=cast.budi.province
    )
    second.is_active = False
    second.save(update_fields=["is_active"])
    collection.transition_assignment(
        actor=cast.citra, assignment=_assignment(period), action="submit"
    )
    assert who() == {"budi"}


def test_a_refused_transition_tells_nobody(cast: Cast, period: Period) -> None:
    a = _assignment(period)
    collection.transition_assignment(actor=cast.citra, assignment=a, action="submit")
    before = Notification.objects.count()
    with pytest.raises(collection.TransitionError):
        collection.transition_assignment(actor=cast.budi, assignment=a, action="return")
    with pytest.raises(collection.TransitionError):
        collection.transition_assignment(actor=cast.hadi, assignment=a, action="verify")
    assert Notification.objects.count() == before


def test_a_transition_rolled_back_later_leaves_no_notification(cast: Cast, period: Period) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        collection.transition_assignment(
            actor=cast.citra, assignment=_assignment(period), action="submit"
        )
        assert who() == {"budi"}
        raise RuntimeError("a later step of the same request failed")
    assert not Notification.objects.exists()
    assert _assignment(period).status == Assignment.Status.NOT_STARTED


# --- Monev follow-ups -------------------------------------------------------------------------


@pytest.fixture
def monev_world(cast: Cast) -> Monev:
    world = build_monev(cast)
    Notification.objects.all().delete()  # what building it told is tested below
    return world


def test_building_follow_ups_tells_owner_and_supervisor(cast: Cast) -> None:
    build_monev(cast)
    assigned = told(Kind.FOLLOWUP_ASSIGNED)
    assert set(assigned) == {"citra", "budi", "hadi"}  # ani created them: not told
    assert assigned["citra"] == ["Tindak lanjut Monev untuk BNNK Batanghari"]
    assert len(assigned["budi"]) == 2  # supervisor of both, owner (BNNP Jambi) of one
    n = last_for(cast.citra)
    assert "Koordinasi dengan Kesbangpol." in n.body and n.url.startswith("/monev/tindak-lanjut/")


def test_follow_up_for_an_institution_tells_its_focal_point(cast: Cast, monev_world: Monev) -> None:
    monev.create_follow_up(
        actor=cast.budi,
        point=monev_world.obstacle,
        action="Menyusun Perda P4GN.",
        owner=cast.kesbangpol_batanghari,
        due_on=timezone.localdate() + timedelta(days=40),
    )
    assert who(Kind.FOLLOWUP_ASSIGNED) == {"dewi"}  # budi (supervisor) acted himself


def test_follow_up_for_a_named_account_tells_that_person(cast: Cast, monev_world: Monev) -> None:
    second = make_user(
        "sari", Role.REGENCY_OPERATOR, organization=cast.bnnk_batanghari, regency=region("15.04")
    )
    monev.create_follow_up(
        actor=cast.ani,
        point=monev_world.obstacle,
        action="Rekrut relawan.",
        owner=cast.bnnk_batanghari,
        owner_user=second,
        due_on=timezone.localdate() + timedelta(days=40),
    )
    assert who(Kind.FOLLOWUP_ASSIGNED) == {"sari", "budi"}  # not every member: the named one


def test_handing_a_follow_up_over_tells_the_new_owner_only_then(
    cast: Cast, monev_world: Monev
) -> None:
    fu = monev_world.bnnp_follow_up
    monev.update_follow_up(actor=cast.ani, follow_up=fu, action="Menyiapkan MoU (revisi).")
    assert not Notification.objects.exists()  # same owner: nothing to tell
    monev.update_follow_up(actor=cast.ani, follow_up=fu, owner=cast.bnnk_batanghari)
    assert who(Kind.FOLLOWUP_ASSIGNED) == {"citra", "budi"}


def test_a_refused_follow_up_tells_nobody(cast: Cast, monev_world: Monev) -> None:
    with pytest.raises(MonevError):
        monev.create_follow_up(
            actor=cast.ani,
            point=monev_world.obstacle,
            action="   ",
            owner=cast.bnnk_batanghari,
            due_on=timezone.localdate(),
        )
    with pytest.raises(MonevError):  # another province's operator may not assign here
        monev.create_follow_up(
            actor=cast.hadi,
            point=monev_world.obstacle,
            action="Tidak boleh.",
            owner=cast.bnnk_batanghari,
            due_on=timezone.localdate(),
        )
    assert not Notification.objects.exists()


def test_reminders_overdue_once_then_due_soon(cast: Cast, monev_world: Monev) -> None:
    today = timezone.localdate()
    first = follow_up_reminders.call(today=today)
    # BNNK Batanghari's is 3 days late (citra owner, budi supervisor); Aceh's 1 day (hadi both)
    assert first == 3
    assert who(Kind.FOLLOWUP_OVERDUE) == {"citra", "budi", "hadi"}
    assert "lewat tenggat" in last_for(cast.citra).title
    assert follow_up_reminders.call(today=today) == 0  # idempotent: run twice, told once
    assert follow_up_reminders.call(today=today + timedelta(days=1)) == 0  # still once
    # BNNP Jambi's falls due in 30 days: a week before, budi hears of it (owner and supervisor)
    assert follow_up_reminders.call(today=(today + timedelta(days=22)).isoformat()) == 0
    assert follow_up_reminders.call(today=(today + timedelta(days=23)).isoformat()) == 1
    assert told(Kind.FOLLOWUP_DUE) == {
        "budi": [f"Tindak lanjut Monev jatuh tempo {(today + timedelta(days=30)):%d-%m-%Y}"]
    }
    assert follow_up_reminders.call(today=today + timedelta(days=24)) == 0


def test_reminders_skip_finished_follow_ups_and_remind_again_after_a_new_due_date(
    cast: Cast, monev_world: Monev
) -> None:
    today = timezone.localdate()
    monev.set_follow_up_status(
        actor=cast.citra, follow_up=monev_world.bnnk_follow_up, status=FollowUp.Status.DONE
    )
    monev.update_follow_up(
        actor=cast.hadi, follow_up=monev_world.aceh_follow_up, due_on=today - timedelta(days=2)
    )
    Notification.objects.all().delete()
    assert follow_up_reminders.call(today=today) == 1  # Aceh's only
    monev.update_follow_up(
        actor=cast.hadi, follow_up=monev_world.aceh_follow_up, due_on=today - timedelta(days=1)
    )
    assert follow_up_reminders.call(today=today) == 1  # a new due date, a new reminder
    assert follow_up_reminders.call(today=today) == 0


def test_stored_text_is_in_the_source_language_whatever_the_actor_reads(
    cast: Cast, period: Period
) -> None:
    with translation.override("en"):
        collection.transition_assignment(
            actor=cast.citra, assignment=_assignment(period), action="submit"
        )
    assert last_for(cast.budi).title.endswith("menunggu verifikasi")


def test_a_named_owner_who_left_falls_back_to_the_institution(
    cast: Cast, monev_world: Monev
) -> None:
    gone = make_user(
        "tono", Role.REGENCY_OPERATOR, organization=cast.bnnk_batanghari, regency=region("15.04")
    )
    fu = monev.update_follow_up(
        actor=cast.ani, follow_up=monev_world.bnnp_follow_up, owner=cast.bnnk_batanghari
    )
    monev.update_follow_up(actor=cast.ani, follow_up=fu, owner_user=gone)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    Notification.objects.all().delete()
    fu.refresh_from_db()
    monev.update_follow_up(actor=cast.ani, follow_up=fu, due_on=timezone.localdate())
    follow_up_reminders.call(today=timezone.localdate())
    assert who(Kind.FOLLOWUP_DUE) == {"citra", "budi"}  # citra for her BNNK, not "tono"
