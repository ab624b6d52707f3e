"""Periods: national admins close filling, reopen it, or lock the period for the final run."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.test import Client

from kotan.collection import actions, ingest
from kotan.collection.models import Period
from kotan.instruments.models import Instrument
from tests.support.cast import Cast
from tests.support.periods import payload


def test_close_reopen_lock(cast: Cast, period: Period, client: Client) -> None:
    client.force_login(cast.ani)
    client.post(f"/pengumpulan/periode/{period.year}/tutup/")
    assert Period.objects.get().status == "closed"
    batanghari = period.assignments.get(regency__code="15.04")
    refused = ingest.ingest_submission(payload({"assignment": batanghari.pk}), user=cast.citra)
    assert refused.status == 422 and refused.problems[0].code == "submission.closed"
    client.post(f"/pengumpulan/periode/{period.year}/buka/")
    assert Period.objects.get().status == "open"
    client.post(f"/pengumpulan/periode/{period.year}/tutup/")
    client.post(f"/pengumpulan/periode/{period.year}/kunci/")
    assert Period.objects.get().status == "locked"
    assert Instrument.objects.get(pk=period.instrument_id).status == "locked"
    after = client.post(f"/pengumpulan/periode/{period.year}/buka/", follow=True)
    assert "Tindakan ini tidak berlaku" in after.content.decode()
    assert Period.objects.get().status == "locked"
    moves = LogEntry.objects.get_for_object(period).filter(action=LogEntry.Action.UPDATE)
    assert moves.count() == 4 and {e.actor for e in moves} == {cast.ani}


def test_only_national_admins(cast: Cast, period: Period, client: Client) -> None:
    with pytest.raises(actions.TransitionError):
        actions.set_period_status(actor=cast.budi, period=period, action="close")
    client.force_login(cast.budi)
    assert client.post(f"/pengumpulan/periode/{period.year}/tutup/").status_code == 403
    assert client.get(f"/pengumpulan/periode/{period.year}/tutup/").status_code == 405
    assert Period.objects.get().status == "open"
