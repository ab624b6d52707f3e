"""The public awards: the regencies meeting the award rule of a published year."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from kotan.public.awards import awards
from kotan.scoring import publication
from kotan.scoring.models import AwardRule, IndexRun
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


def codes(entries: list) -> list[str]:  # type: ignore[type-arg]
    return [e.result.regency.code for e in entries]


def page(year: int) -> str:
    response = Client().get(reverse("public_awards", args=[year]))
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def test_no_rule_a_plain_message(years: PublicYears) -> None:
    html = page(2026)
    assert "Aturan penghargaan untuk tahun ini belum ditetapkan" in html
    assert reverse("public_regency", args=[2026, "15.04"]) not in html


def test_national_and_per_category_with_ties_kept_together(years: PublicYears, cast: Cast) -> None:
    # 2025: 15.04 first; 15.05 and 15.01 tied second (Tanggap); 11.08 fourth (Cukup);
    # 15.71 fifth (Kurang Tanggap).
    publication.set_award_rule(
        actor=cast.ani, run=years.run_2025, top_national=2, top_per_category=2
    )
    result = awards(years.run_2025)
    assert codes(result.national) == ["15.04", "15.01", "15.05"]
    groups = {g.anchor: codes(g.entries) for g in result.by_category}
    assert list(groups) == [
        "kategori-sangat_tanggap",
        "kategori-tanggap",
        "kategori-cukup_tanggap",
        "kategori-kurang_tanggap",
        "kategori-tidak_tanggap",
    ]
    assert groups["kategori-tanggap"] == ["15.04", "15.01", "15.05"]
    assert groups["kategori-cukup_tanggap"] == ["11.08"]
    assert groups["kategori-kurang_tanggap"] == ["15.71"]
    assert groups["kategori-sangat_tanggap"] == []

    publication.set_award_rule(
        actor=cast.ani, run=years.run_2025, top_national=1, top_per_category=1
    )
    result = awards(years.run_2025)
    assert codes(result.national) == ["15.04"]
    assert {g.anchor: codes(g.entries) for g in result.by_category}["kategori-tanggap"] == ["15.04"]


def test_the_page_states_the_rule_and_lists_the_regencies(years: PublicYears, cast: Cast) -> None:
    publication.set_award_rule(
        actor=cast.ani,
        run=years.run_2026,
        top_national=2,
        top_per_category=1,
        note="Diserahkan pada Hari Anti Narkotika Internasional.",
    )
    html = page(2026)
    assert "kabupaten/kota dengan peringkat nasional 1 sampai 2" in html
    assert "di setiap kategori, 1 kabupaten/kota dengan peringkat nasional terbaik" in html
    assert "Diserahkan pada Hari Anti Narkotika Internasional." in html
    assert "rentang peringkat yang kemungkinan besar (90 %) memuat" in html
    national = html[html.index('id="nasional"') : html.index('id="kategori-')]
    assert reverse("public_regency", args=[2026, "15.04"]) in national
    assert reverse("public_regency", args=[2026, "15.05"]) in national
    assert reverse("public_regency", args=[2026, "15.01"]) not in national
    cukup = html[html.index('id="kategori-cukup_tanggap"') :]
    assert reverse("public_regency", args=[2026, "15.01"]) in cukup  # 2.6, third
    assert reverse("public_regency", args=[2026, "11.08"]) not in cukup  # fourth
    # 15.71 has too little data: never named.
    assert "15.71" not in html
    # The 2026 scheme has three categories only.
    assert 'id="kategori-tidak_tanggap"' not in html


def test_only_a_category_rule(years: PublicYears, cast: Cast) -> None:
    publication.set_award_rule(
        actor=cast.ani, run=years.run_2026, top_national=0, top_per_category=1
    )
    html = page(2026)
    assert 'id="nasional"' not in html
    assert "peringkat nasional 1 sampai" not in html
    assert 'id="kategori-sangat_tanggap"' in html


def test_404_unless_public(years: PublicYears, cast: Cast) -> None:
    target = reverse("public_awards", args=[2026])
    assert Client().get(reverse("public_awards", args=[2024])).status_code == 404
    publication.set_award_rule(
        actor=cast.ani, run=years.run_2026, top_national=2, top_per_category=1
    )
    publication.withdraw_run(actor=cast.ani, run=years.run_2026, reason="Perlu diperiksa")
    assert Client().get(target).status_code == 404
    unpublished = make_run(cast.ani, years.period_2026)
    publication.set_award_rule(actor=cast.ani, run=unpublished, top_national=1, top_per_category=1)
    make_run(cast.ani, years.period_2026, IndexRun.Kind.PROVISIONAL)
    assert Client().get(target).status_code == 404
    assert client_for(cast.ani).get(target).status_code == 404


@pytest.mark.parametrize("who", [None, "ani", "budi", "citra", "dewi", "eko", "fajar", "hadi"])
def test_everyone_reads_it_and_post_changes_nothing(
    years: PublicYears, cast: Cast, who: str | None
) -> None:
    publication.set_award_rule(
        actor=cast.ani, run=years.run_2026, top_national=2, top_per_category=1
    )
    client = client_for(getattr(cast, who) if who else None)
    target = reverse("public_awards", args=[2026])
    assert client.get(target).status_code == 200
    response = client.post(target, {"top_national": "9", "top_per_category": "9"})
    assert response.status_code in (403, 405)
    rule = AwardRule.objects.get(run=years.run_2026)
    assert (rule.top_national, rule.top_per_category) == (2, 1)
