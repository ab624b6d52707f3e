"""What the public pages may read: published final runs and their public figures only.

A run is public when it is final, has a ``Publication`` and that publication is not
withdrawn (``kotan.scoring.models.Publication``). Everything under /publik/ reads through
these functions, so a provisional, unpublished or withdrawn run is never shown (404).
"""

from __future__ import annotations

from functools import lru_cache

from django.db.models import QuerySet
from django.http import Http404

from kotan.instruments.models import Instrument
from kotan.instruments.queries import published_spec
from kotan.method.spec import spec_digest
from kotan.scoring.models import IndexRun, RegencyResult

# The RegencyResult fields a public page or file may show (no answers, no unit counts).
PUBLIC_RESULT_FIELDS = (
    "id",
    "run_id",
    "regency_id",
    "status",
    "n_respondents",
    "index",
    "index_100",
    "category",
    "rank_national",
    "rank_province",
    "index_ci_low",
    "index_ci_high",
    "rank_ci_low",
    "rank_ci_high",
    "p_same_category",
)


def published_runs() -> QuerySet[IndexRun]:
    """The public runs (final, published, not withdrawn), latest year first."""
    return (
        IndexRun.objects.filter(
            kind=IndexRun.Kind.FINAL,
            publication__isnull=False,
            publication__withdrawn_at__isnull=True,
        )
        .select_related("period", "publication", "instrument")
        .order_by("-period__year", "-pk")
    )


def published_run(year: int) -> IndexRun:
    """The public run of ``year``; Http404 when there is none."""
    run = published_runs().filter(period__year=year).first()
    if run is None:
        raise Http404("no published run for this year")
    return run


def public_results(run: IndexRun) -> QuerySet[RegencyResult]:
    """The run's regency rows with regency and province, public fields only, by rank then code."""
    return (
        RegencyResult.objects.filter(run=run)
        .select_related("regency__province")
        .only(
            *PUBLIC_RESULT_FIELDS,
            "regency__code",
            "regency__name",
            "regency__kind",
            "regency__province__code",
            "regency__province__name",
        )
        .order_by("rank_national", "regency__code")
    )


def instrument_digest(instrument: Instrument) -> str:
    """The SHA-256 of a published instrument's spec (some 30 ms: a YAML dump). Published
    instruments never change, so it is computed once per process, keyed with the publication
    time (never a reused id)."""
    return _digest(instrument.pk, instrument.published_at)


@lru_cache(maxsize=32)
def _digest(instrument_id: int, published_at: object) -> str:
    return spec_digest(published_spec(Instrument.objects.get(pk=instrument_id)))
