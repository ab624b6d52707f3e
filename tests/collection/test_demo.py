"""The demo period: built through the real actions, idempotent."""

from __future__ import annotations

import pytest

from kotan.accounts.demo import load_demo
from kotan.collection import demo
from kotan.collection.models import Assignment, RawSubmission, Response


@pytest.mark.django_db
def test_demo_period_has_complete_and_behind_regencies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "FILLED_SHARE", {"15.04": 1.0, "15.71": 1.0, "15.06": 0.2})
    monkeypatch.setattr(demo, "NOT_STARTED", ["15.03"])
    load_demo()
    period = demo.load_demo_period()
    status = dict(Assignment.objects.values_list("regency__code", "status"))
    assert status == {
        "15.04": "diajukan",
        "15.71": "diverifikasi",
        "15.06": "berjalan",
        "15.03": "belum_mulai",
    }
    assert Response.objects.filter(assignment__regency__code="15.04").count() == 180
    assert Response.objects.filter(assignment__regency__code="15.06").count() == 36
    assert not RawSubmission.objects.exclude(status="accepted").exists()
    assert demo.load_demo_period() == period
    assert Response.objects.count() == 396
    # A provisional index run, so the results pages have something to show; computed once.
    from kotan.scoring.demo import load_demo_run

    run = load_demo_run(period)
    assert run.kind == "sementara" and run.created_by.username == "admin"  # type: ignore[union-attr]
    codes = set(run.results.values_list("regency__code", flat=True))
    assert codes == {"15.04", "15.71", "15.06", "15.03"}
    assert run.results.get(regency__code="15.04").rank_national is not None  # 180 respondents
    assert run.results.get(regency__code="15.03").status == "insufficient_data"  # none
    assert load_demo_run(period) == run
