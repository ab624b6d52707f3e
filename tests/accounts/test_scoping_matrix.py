"""Who sees what: every role x every page x own region / another province."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import Cast

ROLES = [
    "national_admin",
    "province_operator",
    "regency_operator",
    "focal_point",
    "enumerator",
    "viewer_national",
    "viewer_province",
]

# page -> (url for Jambi's object, url for Aceh's object)
PAGES: dict[str, Callable[[Cast], tuple[str, str]]] = {
    "home": lambda c: (reverse("home"), reverse("home")),
    "province_list": lambda c: (reverse("province_list"), reverse("province_list")),
    "province_detail": lambda c: (
        reverse("province_detail", args=["15"]),
        reverse("province_detail", args=["11"]),
    ),
    "regency_detail": lambda c: (
        reverse("regency_detail", args=["15.04"]),
        reverse("regency_detail", args=["11.08"]),
    ),
    "organization_list": lambda c: (reverse("organization_list"), reverse("organization_list")),
    "organization_detail": lambda c: (
        reverse("organization_detail", args=[c.kesbangpol_batanghari.pk]),
        reverse("organization_detail", args=[c.kesbangpol_aceh_utara.pk]),
    ),
    "user_list": lambda c: (reverse("user_list"), reverse("user_list")),
    "audit_list": lambda c: (reverse("audit_list"), reverse("audit_list")),
    "admin": lambda c: (reverse("admin:index"), reverse("admin:index")),
    "assignment_list": lambda c: (reverse("assignment_list"), reverse("assignment_list")),
    "progress": lambda c: (reverse("progress"), reverse("progress")),
    "run_list": lambda c: (reverse("run_list"), reverse("run_list")),
}

OK, DENIED, HIDDEN, ADMIN_LOGIN = 200, 403, 404, 302
ALL_OK = {r: (OK, OK) for r in ROLES}


def _expect(national: tuple[int, int], others: tuple[int, int]) -> dict[str, tuple[int, int]]:
    return {r: national if r in ("national_admin", "viewer_national") else others for r in ROLES}


EXPECTED: dict[str, dict[str, tuple[int, int]]] = {
    "home": ALL_OK,
    "province_list": ALL_OK,
    "province_detail": _expect((OK, OK), (OK, HIDDEN)),
    "regency_detail": _expect((OK, OK), (OK, HIDDEN)),
    "organization_list": {
        **ALL_OK,
        "focal_point": (DENIED, DENIED),
        "enumerator": (DENIED, DENIED),
    },
    "organization_detail": {
        **_expect((OK, OK), (OK, HIDDEN)),
        "focal_point": (DENIED, DENIED),
        "enumerator": (DENIED, DENIED),
    },
    "user_list": {
        r: (OK, OK)
        if r in ("national_admin", "province_operator", "regency_operator")
        else (DENIED, DENIED)
        for r in ROLES
    },
    "audit_list": {r: (OK, OK) if r == "national_admin" else (DENIED, DENIED) for r in ROLES},
    "admin": {r: (OK, OK) if r == "national_admin" else (ADMIN_LOGIN, ADMIN_LOGIN) for r in ROLES},
    # Region-scoped lists: every role opens them; what each lists is tested with its page.
    "assignment_list": ALL_OK,
    "progress": ALL_OK,
    "run_list": ALL_OK,
}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_role_page_region_matrix(cast: Cast, client: Client, role: str, page: str) -> None:
    own_url, other_url = PAGES[page](cast)
    client.force_login(cast.by_role()[role])
    expected_own, expected_other = EXPECTED[page][role]
    assert client.get(own_url).status_code == expected_own, f"{role} on own {page}"
    assert client.get(other_url).status_code == expected_other, f"{role} on other {page}"


@pytest.mark.parametrize("page", list(PAGES))
def test_anonymous_is_sent_to_login(cast: Cast, client: Client, page: str) -> None:
    for url in PAGES[page](cast):
        response = client.get(url)
        assert response.status_code == 302
        assert "/akun/masuk/" in response["Location"] or "/admin/login/" in response["Location"]


JAMBI_MARKERS = ["Batanghari", "budi", "citra", "Kesbangpol Kabupaten Batanghari", "BNNP Jambi"]


@pytest.mark.parametrize("page", ["province_list", "organization_list", "user_list", "home"])
def test_operator_from_another_province_sees_nothing_of_jambi(
    cast: Cast, client: Client, page: str
) -> None:
    client.force_login(cast.hadi)
    body = client.get(reverse(page)).content.decode()
    for marker in JAMBI_MARKERS:
        assert marker not in body, f"{marker!r} leaked to the Aceh operator on {page}"
    for code, name in [("15", "Jambi"), ("15.04", "Batanghari"), ("15.71", "Kota Jambi")]:
        url = reverse("province_detail" if "." not in code else "regency_detail", args=[code])
        assert client.get(url).status_code == 404, name
    for org in (cast.bnnp_jambi, cast.bnnk_batanghari, cast.kesbangpol_batanghari):
        assert client.get(reverse("organization_detail", args=[org.pk])).status_code == 404


def test_bnnk_operator_sees_covered_regencies_only(cast: Cast, client: Client) -> None:
    client.force_login(cast.citra)
    assert client.get(reverse("regency_detail", args=["15.05"])).status_code == 200  # covered
    assert client.get(reverse("regency_detail", args=["15.71"])).status_code == 404  # BNNP's
    body = client.get(reverse("province_detail", args=["15"])).content.decode()
    assert "Muaro Jambi" in body and "Batanghari" in body
    assert "Kota Jambi" not in body


def test_province_operator_sees_every_regency_of_the_province(cast: Cast, client: Client) -> None:
    client.force_login(cast.budi)
    body = client.get(reverse("province_detail", args=["15"])).content.decode()
    assert body.count('href="/wilayah/15.') == 11
    assert "BNNK Batanghari" in body and "BNNP Jambi" in body  # coverage column


def test_lists_show_only_the_users_in_scope(cast: Cast, client: Client) -> None:
    client.force_login(cast.citra)
    body = client.get(reverse("user_list")).content.decode()
    assert "@dewi" in body and "@eko" in body
    assert "@budi" not in body and "@hadi" not in body and "@ani" not in body
    client.force_login(cast.ani)
    body = client.get(reverse("user_list")).content.decode()
    assert all(f"@{u}" in body for u in ("ani", "budi", "citra", "hadi"))


def test_province_page_does_not_grow_queries_with_regencies(
    cast: Cast, client: Client, django_assert_max_num_queries: Callable[..., object]
) -> None:
    client.force_login(cast.ani)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert (
            client.get(reverse("province_detail", args=["32"])).status_code == 200
        )  # 27 regencies
