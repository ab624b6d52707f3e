"""The public regency page: figures of a published year only, in plain words, for everyone."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from kotan.scoring import publication
from kotan.scoring.models import IndexRun, Publication, RegencyResult
from tests.support.cast import Cast
from tests.support.jobs import client_for
from tests.support.public_b import (
    PublicYears,
    cast,
    make_run,
    public_world,
    years,
)

__all__ = ["cast", "public_world", "years"]  # fixtures

pytestmark = pytest.mark.django_db


def url(year: int, code: str) -> str:
    return reverse("public_regency", args=[year, code])


def text(html: str) -> str:
    """The page's words, tags and runs of whitespace removed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_anonymous_reads_the_figures_and_the_interval_in_plain_words(years: PublicYears) -> None:
    response = Client().get(url(2026, "15.04"))
    assert response.status_code == 200
    page = text(response.content.decode())
    assert "Batang Hari" in page or "Batanghari" in page
    assert "3,200" in page or "3.200" in page
    assert "Sangat Tanggap" in page
    # 2026 ranks 15.04 first of four (15.71 has too little data); its interval is 1-3.
    assert "dari 4" in page
    assert (
        "Dengan data yang ada, peringkat sebenarnya kemungkinan besar (90 %) berada antara 1 dan 3"
        in page
    )
    assert "Peluang tetap di kategori" in page


def test_profile_beside_province_and_nation(years: PublicYears) -> None:
    response = Client().get(url(2026, "15.04"))
    html = response.content.decode()
    row = re.search(r"<tr>\s*<th scope=\"row\"><span class=\"code\">MAS</span>.*?</tr>", html, re.S)
    assert row is not None
    cells = re.findall(r'<td class="num">([^<]+)</td>', row.group(0))
    # MAS = index - 0.2: 15.04 3.0; Jambi's ranked 3.0, 2.6, 2.4; the nation adds 2.1 (11.08).
    assert [c.replace(",", ".") for c in cells] == ["66.7", "55.6", "50.8"]
    assert 'class="chart chart-profile"' in html
    assert "<svg" in html and "<script" not in html


def test_trend_over_the_published_years(years: PublicYears) -> None:
    html = Client().get(url(2026, "15.04")).content.decode()
    trend = html[html.index('id="tren"') :]
    assert "2025" in trend and "2026" in trend
    assert reverse("public_regency", args=[2025, "15.04"]) in trend
    assert 'class="chart chart-trend"' in trend
    # 2025 (fixed 0-100 scheme): 3.1 -> 70.0, Tanggap; 2026: 3.2 -> 73.3.
    words = text(trend)
    assert re.search(r"2025 70[.,]0 Tanggap 1", words)
    assert re.search(r"2026 73[.,]3 Sangat Tanggap 1", words)
    # Means of the ranked: Jambi 2025 (70, 63.3, 63.3, 40) and 2026 (73.3, 60, 53.3); the
    # nation adds Aceh Utara (50 in 2025, 43.3 in 2026).
    means = text(trend[trend.index('id="tren-rata-rata"') :])
    assert re.search(r"2025 59[.,]2 57[.,]3 2026 62[.,]2 57[.,]5", means)


def test_a_year_left_out_of_the_trend_when_it_is_not_public(years: PublicYears, cast: Cast) -> None:
    publication.withdraw_run(actor=cast.ani, run=years.run_2025, reason="Salah data")
    html = Client().get(url(2026, "15.04")).content.decode()
    trend = html[html.index('id="tren"') :]
    assert "2025" not in trend
    assert 'class="chart chart-trend"' not in trend  # one year: a table is enough


def test_insufficient_data_said_plainly_without_scores(years: PublicYears) -> None:
    response = Client().get(url(2026, "15.71"))
    assert response.status_code == 200
    page = text(response.content.decode())
    assert "Data tidak cukup." in page
    assert "tidak diberi indeks, kategori, maupun peringkat" in page
    assert 'id="profil"' not in response.content.decode()
    # 15.71 ranked in 2025: the trend still shows it, with 2026 marked.
    assert re.search(r"2026 Data tidak cukup", page)


def test_nothing_personal_nor_counts_per_unit(years: PublicYears, cast: Cast) -> None:
    html = Client().get(url(2026, "15.04")).content.decode()
    assert cast.ani.username not in html and cast.ani.get_full_name() not in html
    assert years.run_2026.input_digest not in html
    assert "gov" not in text(html)


@pytest.mark.parametrize(
    "year, code",
    [(2024, "15.04"), (2026, "15.02"), (2026, "99.99"), (10**20, "15.04")],
)
def test_404_without_a_public_run_or_outside_it(years: PublicYears, year: int, code: str) -> None:
    assert Client().get(url(year, code)).status_code == 404


def test_404_for_withdrawn_unpublished_and_provisional_runs(years: PublicYears, cast: Cast) -> None:
    publication.withdraw_run(actor=cast.ani, run=years.run_2026, reason="Perlu diperiksa")
    assert Client().get(url(2026, "15.04")).status_code == 404
    # A new final run of the year, not yet published; a provisional one beside it.
    make_run(cast.ani, years.period_2026)
    make_run(cast.ani, years.period_2026, IndexRun.Kind.PROVISIONAL)
    assert Client().get(url(2026, "15.04")).status_code == 404
    assert Client().get(url(2025, "15.04")).status_code == 200


def test_provisional_run_even_with_a_publication_row_is_not_public(
    years: PublicYears, cast: Cast
) -> None:
    run = make_run(cast.ani, years.period_2026, IndexRun.Kind.PROVISIONAL)
    publication.withdraw_run(actor=cast.ani, run=years.run_2026, reason="Perlu diperiksa")
    Publication.objects.create(
        run=run, year=2026, published_at=years.run_2026.created_at, published_by=cast.ani
    )
    assert Client().get(url(2026, "15.04")).status_code == 404


ROLES = ["ani", "budi", "citra", "dewi", "eko", "fajar", "gita", "hadi"]


@pytest.mark.parametrize("who", [None, *ROLES])
@pytest.mark.parametrize("code", ["15.04", "11.08"])
def test_everyone_reads_every_region(
    years: PublicYears, cast: Cast, who: str | None, code: str
) -> None:
    client = client_for(getattr(cast, who) if who else None)
    assert client.get(url(2026, code)).status_code == 200


@pytest.mark.parametrize("who", [None, "ani", "citra"])
def test_post_is_refused_and_changes_nothing(
    years: PublicYears, cast: Cast, who: str | None
) -> None:
    client = client_for(getattr(cast, who) if who else None)
    before = list(RegencyResult.objects.order_by("pk").values_list("pk", "index"))
    response = client.post(url(2026, "15.04"), {"index": "4"})
    assert response.status_code in (403, 405)
    assert list(RegencyResult.objects.order_by("pk").values_list("pk", "index")) == before
    assert Publication.objects.filter(withdrawn_at__isnull=True).count() == 2
