"""The dashboards per scope: who may open which, what they show, and that every chart has its
numbers beside it. The world (514 synthetic results per year) is built once per module."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse, reverse_lazy
from pytest_django import DjangoDbBlocker

from kotan.accounts.models import User
from kotan.regions.models import Regency
from tests.support.cast import Cast
from tests.support.dashboards import DashboardWorld, build_dashboard_world
from tests.support.world import held_transaction

SVG = re.compile(r"<svg\b.*?</svg>", re.S)


@pytest.fixture(scope="module")
def dash_world(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[DashboardWorld]:
    with held_transaction(django_db_blocker):
        from tests.support.cast import build_cast

        yield build_dashboard_world(build_cast())


@pytest.fixture
def world(dash_world: DashboardWorld, db: None) -> DashboardWorld:
    return dash_world


@pytest.fixture
def cast(world: DashboardWorld) -> Cast:
    return world.cast.fresh()


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(s) for s in SVG.findall(html)]  # noqa: S314 (our own output)


def test_national_dashboard_draws_38_tiles_and_514_dots(world: DashboardWorld) -> None:
    response = signed_in("fajar").get(reverse("dashboard_national"))
    assert response.status_code == 200
    html = response.content.decode()
    drawings = svgs(html)  # every chart is well-formed XML
    assert len(drawings) >= 5
    ns = "{http://www.w3.org/2000/svg}"
    tiles = next(d for d in drawings if "map-tiles" in d.get("class", ""))
    dots = next(d for d in drawings if "map-dots" in d.get("class", ""))
    assert len(tiles.findall(f".//{ns}rect[@rx]")) == 38
    assert len(tiles.findall(f".//{ns}a")) == 38  # the national viewer may open every province
    assert len(dots.findall(f".//{ns}circle[{ns}title]")) == 514
    for drawing in drawings:
        assert drawing.get("role") == ("group" if drawing.findall(f".//{ns}a") else "img")
        assert drawing.find(f"{ns}title") is not None and drawing.find(f"{ns}desc") is not None
        assert drawing.find(f".//{ns}script") is None


def test_every_chart_has_its_numbers_as_a_table(world: DashboardWorld) -> None:
    html = signed_in("ani").get(reverse("dashboard_national")).content.decode()
    figures = html.count('<figure class="dash-figure">')
    assert figures >= 6
    assert html.count("<caption>Angka: ") == figures
    # the category table counts what the run holds: one regency without a category
    assert re.search(r"Tanpa kategori \(data tidak cukup\)</th><td class=\"num\">1<", html)
    assert "Rincian teknis" in html


def test_only_final_runs_are_read(world: DashboardWorld) -> None:
    html = signed_in("ani").get(reverse("dashboard_national")).content.decode()
    assert "final tahun 2026" in html
    assert "0" * 57 + "2026" in html  # the 2026 final run's digest, not the provisional one's
    assert "0" * 63 + "7" not in html
    assert html.count('<th scope="row">2025</th>') == 1  # the trend table has both years


def test_a_regency_named_script_is_escaped(world: DashboardWorld) -> None:
    Regency.objects.filter(code="15.04").update(name='<script>alert("x")</script>')
    for url in (reverse("dashboard_national"), reverse("dashboard_regency", args=["15.04"])):
        html = signed_in("ani").get(url).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert" in html
        svgs(html)


def test_province_operator_sees_own_province_only(world: DashboardWorld) -> None:
    budi = signed_in("budi")
    assert budi.get(reverse("dashboard_national")).url == reverse("dashboard_province", args=["15"])
    response = budi.get(reverse("dashboard_province", args=["15"]))
    assert response.status_code == 200
    html = response.content.decode()
    ns = "{http://www.w3.org/2000/svg}"
    tiles = next(d for d in svgs(html) if "map-tiles" in d.get("class", ""))
    assert len(tiles.findall(f".//{ns}a")) == 1  # only Jambi is a link
    dots = next(d for d in svgs(html) if "map-dots" in d.get("class", ""))
    jambi = Regency.objects.filter(province__code="15").count()
    assert len(dots.findall(f".//{ns}circle[{ns}title]")) == jambi
    assert "Aceh Utara" not in html
    assert budi.get(reverse("dashboard_province", args=["11"])).status_code == 404
    assert budi.get(reverse("dashboard_regency", args=["11.08"])).status_code == 404
    assert budi.get(reverse("dashboard_regency", args=["15.04"])).status_code == 200


@pytest.mark.parametrize(
    ("username", "own", "other"),
    [
        ("citra", "15.04", "15.71"),  # BNNK Batanghari covers 15.04 and 15.05, not Kota Jambi
        ("dewi", "15.04", "15.05"),
        ("eko", "15.04", "11.08"),
    ],
)
def test_regency_users_see_their_regencies(
    world: DashboardWorld, username: str, own: str, other: str
) -> None:
    client = signed_in(username)
    assert client.get(reverse("dashboard_national")).url == reverse(
        "dashboard_regency", args=["15.04"]
    )
    assert client.get(reverse("dashboard_regency", args=[own])).status_code == 200
    assert client.get(reverse("dashboard_regency", args=[other])).status_code == 404
    assert client.get(reverse("dashboard_province", args=["11"])).status_code == 404


def test_viewer_of_a_province_and_other_operator(world: DashboardWorld) -> None:
    assert signed_in("gita").get(reverse("dashboard_province", args=["15"])).status_code == 200
    assert signed_in("gita").get(reverse("dashboard_province", args=["11"])).status_code == 404
    assert signed_in("hadi").get(reverse("dashboard_province", args=["15"])).status_code == 404
    assert signed_in("hadi").get(reverse("dashboard_province", args=["11"])).status_code == 200


def test_anonymous_goes_to_login_and_post_is_refused(world: DashboardWorld) -> None:
    for url in (
        reverse("dashboard_national"),
        reverse("dashboard_province", args=["15"]),
        reverse("dashboard_regency", args=["15.04"]),
    ):
        response = Client().get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
        assert signed_in("ani").post(url).status_code == 405


def test_regency_dashboard_compares_with_province_and_nation(world: DashboardWorld) -> None:
    html = signed_in("citra").get(reverse("dashboard_regency", args=["15.04"])).content.decode()
    assert "Profil skor variabel" in html
    header = re.search(r"<th scope=\"col\">Variabel</th>(.*?)</tr>", html, re.S)
    assert header is not None
    assert "Batanghari" in header.group(1) and "Jambi" in header.group(1)
    assert "Nasional" in header.group(1)


def test_no_final_run_says_so(world: DashboardWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kotan.dashboard.dashboards.final_runs", list)
    html = signed_in("ani").get(reverse("dashboard_national")).content.decode()
    assert "Belum ada perhitungan final" in html
    assert "Kemajuan pengisian" in html  # the collection progress does not need a run


def test_page_weight_and_queries(
    world: DashboardWorld, django_assert_max_num_queries: object, tmp_path: object
) -> None:
    import gzip

    client = signed_in("fajar")
    with django_assert_max_num_queries(60):  # type: ignore[operator]
        html = client.get(reverse("dashboard_national")).content
    assert len(gzip.compress(html)) < 120_000
    assert b"<script" not in html.split(b"</header>")[-1]  # the dashboard adds no script


def test_without_the_capability_the_pages_are_refused(
    world: DashboardWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kotan.accounts.models import Role
    from kotan.accounts.permissions import ROLE_CAPABILITIES

    monkeypatch.setitem(ROLE_CAPABILITIES, Role.VIEWER, frozenset())
    gita = signed_in("gita")
    for url in (
        reverse("dashboard_national"),
        reverse("dashboard_province", args=["15"]),
        reverse("dashboard_province", args=["11"]),  # 403 before scope: nothing is revealed
        reverse("dashboard_regency", args=["15.04"]),
    ):
        assert gita.get(url).status_code == 403


def test_trend_and_profile_axes_start_at_the_lowest_answer(world: DashboardWorld) -> None:
    html = signed_in("budi").get(reverse("dashboard_province", args=["15"])).content.decode()
    trend = re.search(r"<svg[^>]*chart-trend.*?</svg>", html, re.S)
    assert trend is not None and ">1,0</text>" in trend.group(0) and ">0,0<" not in trend.group(0)
    years = re.search(r"<th scope=\"col\">Tahun</th>(.*?)</tr>", html, re.S)
    assert years is not None and "Jambi" in years.group(1) and "Nasional" in years.group(1)


@pytest.mark.parametrize(
    ("username", "url", "seen", "unseen"),
    [
        (
            "ani",
            reverse_lazy("dashboard_national"),
            ["Koordinasi dengan Kesbangpol.", "Tindak lanjut Aceh."],
            [],
        ),
        (
            "budi",
            reverse_lazy("dashboard_province", args=["15"]),
            ["Koordinasi dengan Kesbangpol."],
            ["Tindak lanjut Aceh."],
        ),
        (
            "hadi",
            reverse_lazy("dashboard_province", args=["11"]),
            ["Tindak lanjut Aceh."],
            ["Koordinasi dengan Kesbangpol."],
        ),
        (
            "ani",
            reverse_lazy("dashboard_province", args=["11"]),
            ["Tindak lanjut Aceh."],
            ["Koordinasi dengan Kesbangpol."],
        ),
    ],
)
def test_overdue_follow_ups_in_the_area(
    world: DashboardWorld, username: str, url: str, seen: list[str], unseen: list[str]
) -> None:
    html = signed_in(username).get(url).content.decode()
    assert "Tindak lanjut Monev yang lewat tenggat" in html
    for text in seen:
        assert text in html
    for text in unseen:
        assert text not in html
    assert "Menyiapkan MoU." not in html  # due in the future: not overdue


def test_no_follow_up_section_without_monev_capability(world: DashboardWorld) -> None:
    html = signed_in("dewi").get(reverse("dashboard_regency", args=["15.04"])).content.decode()
    assert "Tindak lanjut Monev" not in html
