"""The public ranking under /publik/: only published final runs, search, filters, sort, pages."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kotan.scoring import publication
from kotan.scoring.models import Publication, RegencyResult
from tests.support.cast import Cast
from tests.support.public import PublicWorld, public_world_fixtures

world, cast = public_world_fixtures()


def _body(client: Client, name: str, *args: object, **params: str) -> str:
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200
    return response.content.decode()


def test_years_list_only_published_final_runs(world: PublicWorld, client: Client) -> None:
    body = _body(client, "public_years")
    assert reverse("public_ranking", args=[2026]) in body
    assert reverse("public_ranking", args=[2025]) not in body  # final, not published
    assert reverse("public_ranking", args=[2024]) not in body  # provisional only
    assert "IKOTAN 2026" in body


@pytest.mark.parametrize("year", [2025, 2024, 2023])
def test_unpublished_provisional_or_missing_years_are_404(
    world: PublicWorld, client: Client, year: int
) -> None:
    assert client.get(reverse("public_ranking", args=[year])).status_code == 404


def test_a_year_shows_its_published_run_not_the_provisional_one(
    world: PublicWorld, client: Client
) -> None:
    body = _body(client, "public_ranking", 2026)
    assert f"#{world.run.pk}" in body and f"#{world.provisional.pk}" not in body
    assert "513 kabupaten/kota" not in body  # the count is of all rows, unranked included
    assert "514 kabupaten/kota" in body
    assert "Interval 90 %" in body and "Peluang tetap di kategori" in body
    assert "Rincian teknis" in body and world.run.input_digest in body
    assert "CC BY 4.0" in body and 'rel="license"' in body
    top = RegencyResult.objects.select_related("regency").get(run=world.run, rank_national=1)
    assert reverse("public_regency", args=[2026, top.regency.code]) in body
    assert reverse("public_methodology", args=[2026]) in body
    response = client.get(reverse("public_ranking", args=[2026]))
    assert "creativecommons.org" in response["Link"]


def test_anonymous_and_signed_in_users_see_the_same_page(
    world: PublicWorld, cast: Cast, client: Client
) -> None:
    anonymous = client.get(reverse("public_ranking", args=[2026]))
    assert anonymous.status_code == 200
    for user in [*cast.by_role().values(), cast.hadi]:
        client.force_login(user)
        assert client.get(reverse("public_ranking", args=[2026])).status_code == 200
        assert client.get(reverse("public_years")).status_code == 200


def test_search_by_name(world: PublicWorld, client: Client) -> None:
    body = _body(client, "public_ranking", 2026, q="batang")
    assert "Batanghari" in body and "Kerinci" not in body
    assert "1 kabupaten/kota" in body or "2 kabupaten/kota" in body
    body = _body(client, "public_ranking", 2026, q="tidak ada nama ini")
    assert "Tidak ada kabupaten/kota yang cocok" in body


def test_filter_by_province_and_category(world: PublicWorld, client: Client) -> None:
    jambi = RegencyResult.objects.filter(run=world.run, regency__province__code="15").count()
    body = _body(client, "public_ranking", 2026, provinsi="15")
    assert f"{jambi} kabupaten/kota" in body and "Kerinci" in body and "Aceh Utara" not in body
    n = RegencyResult.objects.filter(run=world.run, category="sangat_tanggap").count()
    body = _body(client, "public_ranking", 2026, kategori="sangat_tanggap")
    assert f"{n} kabupaten/kota" in body
    assert "cat-tanggap" not in body and "cat-cukup_tanggap" not in body
    # Unknown values are ignored, never a 500.
    body = _body(client, "public_ranking", 2026, provinsi="99", kategori="x", sort="evil")
    assert "514 kabupaten/kota" in body


def _first_name(body: str) -> str:
    start = body.index('<th scope="row" class="name">') + len('<th scope="row" class="name">')
    start = body.index(">", start) + 1  # inside the link to the regency's page
    return body[start : body.index("</a>", start)]


def test_sort_by_rank_name_and_index(world: PublicWorld, client: Client) -> None:
    results = RegencyResult.objects.filter(run=world.run).select_related("regency")
    top = results.get(rank_national=1).regency.name
    assert _first_name(_body(client, "public_ranking", 2026)) == top
    assert _first_name(_body(client, "public_ranking", 2026, sort="index")) == top
    first_by_name = results.order_by("regency__name", "regency__code").first()
    assert first_by_name is not None
    assert _first_name(_body(client, "public_ranking", 2026, sort="name")) == (
        first_by_name.regency.name
    )


def test_pages_keep_the_filters(world: PublicWorld, client: Client) -> None:
    body = _body(client, "public_ranking", 2026, sort="name")
    assert "Halaman 1 dari 6" in body and "sort=name&amp;halaman=2" in body
    body = _body(client, "public_ranking", 2026, sort="name", halaman="6")
    assert "baris 501–514" in body
    assert _body(client, "public_ranking", 2026, halaman="abc")  # not a number: page 1
    # The page stays small: 100 rows, not 514.
    assert len(_body(client, "public_ranking", 2026).encode()) < 120_000


def test_query_count_is_constant(
    world: PublicWorld, client: Client, django_assert_max_num_queries: object
) -> None:
    for params in ({}, {"q": "kota"}, {"provinsi": "15", "sort": "index"}, {"halaman": "5"}):
        with django_assert_max_num_queries(4):  # type: ignore[operator]
            client.get(reverse("public_ranking", args=[2026]), params)
    with django_assert_max_num_queries(1):  # type: ignore[operator]
        client.get(reverse("public_years"))


def test_withdrawing_removes_the_year(world: PublicWorld, cast: Cast, client: Client) -> None:
    publication.withdraw_run(actor=cast.ani, run=world.run, reason="Ada kesalahan data.")
    assert client.get(reverse("public_ranking", args=[2026])).status_code == 404
    assert reverse("public_ranking", args=[2026]) not in _body(client, "public_years")
    assert "Belum ada hasil yang diterbitkan" in _body(client, "public_years")


def test_only_get(world: PublicWorld, client: Client) -> None:
    assert client.post(reverse("public_ranking", args=[2026])).status_code == 405


def test_a_publication_row_on_a_provisional_run_is_not_public(
    world: PublicWorld, cast: Cast, client: Client
) -> None:
    """The rule lives in the queries too, not only in the action that refuses it."""
    Publication.objects.create(
        run=world.provisional_only,
        year=2024,
        published_at=timezone.now(),
        published_by=cast.ani,
    )
    assert client.get(reverse("public_ranking", args=[2024])).status_code == 404
    assert client.get(reverse("public_data", args=[2024, "json"])).status_code == 404
    assert reverse("public_ranking", args=[2024]) not in _body(client, "public_years")


def test_the_page_css_stays_within_the_budget(world: PublicWorld, client: Client) -> None:
    body = _body(client, "public_ranking", 2026)
    total = 0
    for href in re.findall(r'<(?:link rel="stylesheet"|script) [^>]*(?:href|src)="([^"]+)"', body):
        path = finders.find(href.removeprefix(settings.STATIC_URL))
        assert path, href
        total += len(gzip.compress(Path(str(path)).read_bytes()))
    assert 0 < total < 50 * 1024
    assert "<script" not in body  # works without JavaScript: there is none
