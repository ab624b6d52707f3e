"""Assignment status: BNNK submits, BNNP verifies, the centre finalises; returns need a reason."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from kotan.collection import actions
from kotan.collection.models import Assignment, Period
from tests.support.cast import Cast


def test_regencies_get_their_office_and_quotas(period: Period, cast: Cast) -> None:
    batanghari = Assignment.objects.get(period=period, regency__code="15.04")
    kerinci = Assignment.objects.get(period=period, regency__code="15.01")
    assert batanghari.responsible == cast.bnnk_batanghari
    assert kerinci.responsible == cast.bnnp_jambi  # no BNNK: the BNNP covers it
    assert {q.unit.code: q.quota for q in batanghari.quotas.all()} == {
        "gov": 40,
        "edu": 30,
        "biz": 20,
        "com": 40,
        "fam": 50,
    }
    assert Assignment.objects.filter(period=period).count() == 12


def test_the_full_path_with_a_return(batanghari: Assignment, cast: Cast) -> None:
    move = actions.transition_assignment
    assert move(actor=cast.citra, assignment=batanghari, action="submit").status == "diajukan"
    with pytest.raises(actions.TransitionError) as excinfo:
        move(actor=cast.budi, assignment=batanghari, action="return")
    assert excinfo.value.problems[0].code == "transition.reason"
    back = move(actor=cast.budi, assignment=batanghari, action="return", reason="Kuota belum penuh")
    assert (back.status, back.returned_reason) == ("berjalan", "Kuota belum penuh")
    move(actor=cast.citra, assignment=batanghari, action="submit")
    assert move(actor=cast.budi, assignment=batanghari, action="verify").status == "diverifikasi"
    assert move(actor=cast.ani, assignment=batanghari, action="finalize").status == "final"
    entries = LogEntry.objects.get_for_object(batanghari).filter(action=LogEntry.Action.UPDATE)
    assert [e.actor for e in entries.order_by("timestamp")] == [
        cast.citra,
        cast.budi,
        cast.citra,
        cast.budi,
        cast.ani,
    ]


@pytest.mark.parametrize(
    ("who", "action", "code"),
    [
        ("citra", "verify", "transition.role"),  # a BNNK cannot verify its own work
        ("budi", "finalize", "transition.role"),  # only the centre finalises
        ("hadi", "submit", "transition.scope"),  # Aceh's operator cannot touch Jambi
        ("ani", "verify", "transition.status"),  # nothing submitted yet
        ("eko", "submit", "transition.role"),
    ],
)
def test_refused_transitions(
    batanghari: Assignment, cast: Cast, who: str, action: str, code: str
) -> None:
    with pytest.raises(actions.TransitionError) as excinfo:
        actions.transition_assignment(
            actor=getattr(cast, who), assignment=batanghari, action=action
        )
    assert excinfo.value.problems[0].code == code
    batanghari.refresh_from_db()
    assert batanghari.status == "belum_mulai"


def test_no_new_links_once_submitted(batanghari: Assignment, cast: Cast) -> None:
    actions.transition_assignment(actor=cast.citra, assignment=batanghari, action="submit")
    with pytest.raises(actions.TransitionError):
        actions.create_link(actor=cast.citra, assignment=batanghari, unit_code="gov")
