"""The demo's finished years: closed, final, published with an award rule, a different method
in each year, the same regencies as the open year; loading again changes nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kotan.accounts.demo import load_demo
from kotan.collection import demo as collection_demo
from kotan.collection.models import Assignment, Period, Response
from kotan.instruments.models import Instrument
from kotan.scoring import publication
from kotan.scoring.demo import load_demo_history, load_demo_run
from kotan.scoring.models import AwardRule, IndexRun, Publication

REGENCIES = {"15.04": 1.0, "15.71": 1.0, "15.06": 0.2}


@pytest.fixture
def small_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(collection_demo, "FILLED_SHARE", REGENCIES)
    monkeypatch.setattr(collection_demo, "NOT_STARTED", ["91.71"])
    monkeypatch.setattr(collection_demo, "SUBMITTED", {})
    monkeypatch.setattr(collection_demo, "PAST_RESPONDENTS", 30)
    load_demo()


@pytest.mark.django_db
def test_two_finished_years_are_final_published_and_awarded(small_demo: None) -> None:
    runs = load_demo_history()
    assert [r.period.year for r in runs] == [2024, 2025]
    for run in runs:
        period = Period.objects.get(pk=run.period_id)
        assert run.kind == IndexRun.Kind.FINAL and run.created_by.username == "admin"  # type: ignore[union-attr]
        assert period.status == Period.Status.LOCKED
        assert Instrument.objects.get(pk=run.instrument_id).year == period.year
        assert set(Assignment.objects.filter(period=period).values_list("status", flat=True)) == {
            "final"
        }
        assert publication.public_run_of_year(period.year) == run
        codes = set(run.results.values_list("regency__code", flat=True))
        assert codes == {*REGENCIES, "91.71"}
    first, second = runs
    assert AwardRule.objects.get(run=first).top_national == 3
    assert AwardRule.objects.get(run=second).top_national == 4  # 5, but only four measured
    pub = Publication.objects.get(run=first)
    assert timezone.localdate(pub.published_at).isoformat() == "2025-02-17" and "2024" in pub.note
    # The method changed between the years: five fixed bands, then three equal intervals.
    assert (first.method["scheme"], len(first.bands)) == ("2019", 5)
    assert (second.method["scheme"], len(second.bands)) == ("2022", 3)
    assert first.method["scheme_scale"] != second.method["scheme_scale"]
    # Kota Jayapura fell short of the minimum in 2024 only.
    assert first.results.get(regency__code="91.71").status == "insufficient_data"
    assert second.results.get(regency__code="91.71").status == "ok"
    # The regencies moved between the years.
    before = dict(first.results.values_list("regency__code", "index_100"))
    after = dict(second.results.values_list("regency__code", "index_100"))
    assert all(before[c] != after[c] for c in REGENCIES)
    responses = Response.objects.filter(assignment__period__year=2024)
    assert responses.count() == 3 * 30 + 20
    assert {r.submitted_at.year for r in responses} == {2024}


@pytest.mark.django_db
def test_loading_again_changes_nothing_and_the_open_year_still_loads(small_demo: None) -> None:
    runs = load_demo_history()
    counts = (IndexRun.objects.count(), Response.objects.count(), Publication.objects.count())
    assert load_demo_history() == runs
    assert (IndexRun.objects.count(), Response.objects.count(), Publication.objects.count()) == (
        counts
    )
    period = collection_demo.load_demo_period()
    assert period.year == 2026 and period.status == Period.Status.OPEN
    # The open year's responses are its own, not a past year's answers seen again.
    assert Response.objects.filter(assignment__period=period).count() == 180 + 180 + 36
    run = load_demo_run(period)
    assert run.kind == IndexRun.Kind.PROVISIONAL and publication.publication_of(run) is None
    assert publication.public_run_of_year(2026) is None
