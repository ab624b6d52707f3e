"""The public methodology: generated from each year's stored run and instrument."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from kotan.instruments.queries import published_spec
from kotan.method.spec import spec_digest
from kotan.public.methodology import methodology
from kotan.scoring import publication
from kotan.scoring.models import IndexRun
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


def page(year: int) -> str:
    response = Client().get(reverse("public_methodology", args=[year]))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    end = html.find('<section class="card"', start + 1)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[start : end if end > 0 else None]))


def test_two_years_with_other_weights_and_schemes_read_differently(years: PublicYears) -> None:
    old, new = page(2025), page(2026)
    assert old != new
    # Weights: LEM 30 % and KEL 5 % in 2025, 25 % and 10 % in 2026.
    old_weights, new_weights = section(old, "variabel"), section(new, "variabel")
    assert " 30 %" in old_weights and " 5 %" in old_weights
    assert " 30 %" not in new_weights and " 10 %" in new_weights
    # Category schemes: fixed five bands on 0-100 against three data-driven bands.
    old_cats, new_cats = section(old, "kategori"), section(new, "kategori")
    assert "Skema kategori 2019: 5 kelas dengan batas tetap" in old_cats
    assert "skala 0–100" in old_cats
    assert "Tidak Tanggap" in old_cats
    assert "Tanggap &gt;&nbsp;60 80 " in old_cats  # 0-100 bounds as whole numbers
    assert "Skema kategori 2022" in new_cats and "3 kelas yang sama lebar" in new_cats
    assert "Tidak Tanggap" not in new_cats
    assert re.search(r"Sangat Tanggap &gt;&nbsp;2[.,]900 3[.,]200 ", new_cats)
    # Aggregation and minimum respondents follow each instrument too.
    assert "Seimbang antarunit" in section(old, "agregasi")
    assert "Gabungan" in section(new, "agregasi")
    assert "kurang dari 20 responden" in section(old, "minimum")
    assert "kurang dari 30 responden" in section(new, "minimum")


def test_instrument_parts_and_uncertainty_are_listed(years: PublicYears) -> None:
    html = page(2026)
    spec = published_spec(years.run_2026.instrument)
    indicators = section(html, "indikator")
    for variable in spec.variables:
        for indicator in variable.indicators:
            assert indicator.code in indicators
    units = section(html, "unit")
    for unit in spec.units:
        assert unit.name in units
    assert f"Jumlah {sum(u.quota for u in spec.units)}" in units
    scale = section(html, "skala")
    assert "Tidak tahu tidak dihitung" in scale
    uncertainty = section(html, "ketidakpastian")
    assert "diulang 200 kali" in uncertainty
    assert "Interval 90 %" in uncertainty and "persentil 5 sampai 95" in uncertainty


def test_technical_details_under_a_details_element(years: PublicYears) -> None:
    html = page(2026)
    details = html[html.index("<details") : html.index("</details>")]
    assert "Rincian teknis" in details
    run = years.run_2026
    assert run.input_digest in details
    assert run.engine_version in details
    assert spec_digest(published_spec(run.instrument)) in details
    assert f"{run.method['seed']}" in details
    # Nowhere else on the page.
    assert html.count(run.input_digest) == 1


def test_no_bootstrap_says_so(years: PublicYears, cast: Cast) -> None:
    publication.withdraw_run(actor=cast.ani, run=years.run_2026, reason="Tanpa bootstrap")
    run = make_run(cast.ani, years.period_2026, bootstrap=0)
    publication.publish_run(actor=cast.ani, run=run)
    assert methodology(run).bootstrap == 0
    assert "tidak dihitung interval" in section(page(2026), "ketidakpastian")


def test_404_unless_public(years: PublicYears, cast: Cast) -> None:
    target = reverse("public_methodology", args=[2026])
    assert Client().get(reverse("public_methodology", args=[2024])).status_code == 404
    publication.withdraw_run(actor=cast.ani, run=years.run_2026, reason="Perlu diperiksa")
    assert Client().get(target).status_code == 404
    make_run(cast.ani, years.period_2026)  # final, unpublished
    make_run(cast.ani, years.period_2026, IndexRun.Kind.PROVISIONAL)
    assert Client().get(target).status_code == 404
    assert client_for(cast.ani).get(target).status_code == 404


@pytest.mark.parametrize("who", [None, "ani", "budi", "citra", "dewi", "eko", "fajar", "gita"])
def test_everyone_reads_it_and_post_is_refused(
    years: PublicYears, cast: Cast, who: str | None
) -> None:
    client = client_for(getattr(cast, who) if who else None)
    target = reverse("public_methodology", args=[2025])
    assert client.get(target).status_code == 200
    assert client.post(target, {}).status_code in (403, 405)
