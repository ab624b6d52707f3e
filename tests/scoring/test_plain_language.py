"""Plain language on the result pages: every statistical term explained in Indonesian, the
technical words (bootstrap, seed, pooled, digest, engine version) only under "Rincian teknis"."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from kotan.scoring.models import IndexRun
from tests.support.cast import Cast
from tests.support.results_c import fixtures

world, cast, run = fixtures()
TECHNICAL = ("bootstrap", "seed", "pooled", "sha-256", "sidik", "versi mesin")


class Split(HTMLParser):
    """The text of <main>, split into what is inside a <details> element and what is not."""

    def __init__(self) -> None:
        super().__init__()
        self.inside, self.outside = [], []  # type: tuple[list[str], list[str]]
        self.depth = self.main = 0
        self.details_seen = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.main += 1
        if tag == "details":
            self.depth += 1
            self.details_seen += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.main -= 1
        if tag == "details":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.main:
            (self.inside if self.depth else self.outside).append(data)


def split(html: str) -> Split:
    parser = Split()
    parser.feed(html)
    assert parser.details_seen, "no <details> on the page"
    return parser


def pages(run: IndexRun) -> dict[str, str]:
    return {
        "list": reverse("run_list"),
        "detail": reverse("run_detail", args=[run.pk]),
        "regency": reverse("run_regency", args=[run.pk, "15.04"]),
        "insufficient": reverse("run_regency", args=[run.pk, "15.71"]),
    }


@pytest.mark.parametrize("role", ["ani", "budi", "fajar"])
def test_technical_words_appear_only_under_rincian_teknis(
    client: Client, cast: Cast, run: IndexRun, role: str
) -> None:
    client.force_login(getattr(cast, role))
    for name, url in pages(run).items():
        response = client.get(url)
        assert response.status_code == 200, name
        page = split(response.content.decode())
        outside = " ".join(page.outside).lower()
        inside = " ".join(page.inside).lower()
        for word in TECHNICAL:
            assert word not in outside, (name, word)
        assert run.engine_version.lower() not in outside, name
        assert "rincian teknis" in inside
        if name != "list":
            assert run.input_digest not in outside
        for word in ("seed", "bootstrap"):
            assert word in inside, (name, word)


def test_the_digests_are_inside_the_details(client: Client, cast: Cast, run: IndexRun) -> None:
    client.force_login(cast.ani)
    detail = split(client.get(pages(run)["detail"]).content.decode())
    assert run.input_digest in " ".join(detail.inside)
    result = run.results.get(regency__code="15.04")
    regency = split(client.get(pages(run)["regency"]).content.decode())
    assert result.input_digest in " ".join(regency.inside)
    assert run.engine_version in " ".join(regency.inside)


def test_every_statistical_term_is_explained(client: Client, cast: Cast, run: IndexRun) -> None:
    client.force_login(cast.budi)
    detail = " ".join(split(client.get(pages(run)["detail"]).content.decode()).outside)
    assert "Cara membaca tabel ini" in detail
    assert "90 dari 100 kali" in detail  # the 90 % interval
    assert "tetap di kategori yang sama bila respondennya diambil ulang" in detail
    assert "Data tidak cukup" in detail and "tidak diperingkat" in detail
    regency = " ".join(split(client.get(pages(run)["regency"]).content.decode()).outside)
    assert "90 dari 100 kali" in regency and "Peluang tetap di kategori" in regency
    short = " ".join(split(client.get(pages(run)["insufficient"]).content.decode()).outside)
    assert "Data tidak cukup." in short and "belum dapat dipercaya" in short


def test_the_ranking_cells_carry_labels_for_the_phone_layout(
    client: Client, cast: Cast, run: IndexRun
) -> None:
    client.force_login(cast.ani)
    html = client.get(pages(run)["detail"]).content.decode()
    assert html.count('data-label="Kategori"') == run.results.filter(status="ok").count()
    assert 'class="num rank" data-label="Peringkat"' in html
