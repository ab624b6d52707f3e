"""Demo results: a provisional run of the open period, and two finished years before it with
final runs, published (``publication.publish_run``) with an award rule, so the trends, the
public pages, the awards and the open data have content."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kotan.accounts.models import User
from kotan.collection.demo import load_demo_past_period
from kotan.collection.models import Period
from kotan.instruments.demo import load_demo_instrument_of_year
from kotan.scoring import publication, runs
from kotan.scoring.models import AwardRule, IndexRun

DEMO_BOOTSTRAP = 200  # enough to show intervals; a real run uses 1,000


@dataclass(frozen=True)
class PastYear:
    """A finished year: its category scheme (a preset), award rule and publication date."""

    year: int
    scheme: str
    top_national: int
    top_per_category: int
    published_on: dt.date


# The method changed in 2025: five fixed bands on the 0-100 scale in 2024, three equal
# intervals on the answer scale since (as in 2026).
HISTORY = (
    PastYear(2024, "2019", 3, 1, dt.date(2025, 2, 17)),
    PastYear(2025, "2022", 5, 1, dt.date(2026, 2, 16)),
)


def load_demo_run(period: Period) -> IndexRun:
    """The demo period's provisional run, computed once (running again creates nothing)."""
    existing = IndexRun.objects.filter(period=period).order_by("pk").first()
    if existing is not None:
        return existing
    admin = User.objects.get(username="admin")
    return runs.compute_run(actor=admin, period=period, bootstrap=DEMO_BOOTSTRAP)


def load_demo_history() -> list[IndexRun]:
    """The published final run of each finished year, made once (again: nothing changes)."""
    admin = User.objects.get(username="admin")
    published = []
    for past in HISTORY:
        instrument = load_demo_instrument_of_year(past.year, past.scheme)
        period = load_demo_past_period(past.year, instrument)
        final = IndexRun.objects.filter(period=period, kind=IndexRun.Kind.FINAL)
        run = final.order_by("pk").first() or runs.compute_run(
            actor=admin, period=period, final=True, bootstrap=DEMO_BOOTSTRAP
        )
        if publication.publication_of(run) is None:
            publication.publish_run(
                actor=admin,
                run=run,
                note=f"Hasil resmi IKOTAN {past.year} (data demo sintetis).",
                published_on=past.published_on,
            )
        if not AwardRule.objects.filter(run=run).exists():
            n = run.results.count()  # the rule names at most every regency of the run
            publication.set_award_rule(
                actor=admin,
                run=run,
                top_national=min(past.top_national, n),
                top_per_category=min(past.top_per_category, n),
                note="Penghargaan demo: peringkat teratas nasional dan tiap kategori.",
            )
        published.append(run)
    return published
