"""The admin site writes through the same role, scope and coverage rules as the actions."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from kotan.accounts import actions
from kotan.accounts.models import Organization, Role, User
from kotan.regions.models import Province, Regency
from tests.support.cast import Cast


def _coverage_form(cast: Cast, codes: list[str]) -> dict[str, object]:
    bnnk = cast.bnnk_batanghari
    return {
        "name": bnnk.name,
        "kind": "bnnk",
        "sector": "bnn",
        "province": bnnk.province_id,
        "regency": bnnk.regency_id,
        "covered_regencies": list(
            Regency.objects.filter(code__in=codes).values_list("pk", flat=True)
        ),
        "is_active": "on",
    }


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        (["15.04", "11.08"], "provinsinya sendiri"),  # Aceh Utara is in another province
        (["15.04", "15.71"], None),  # Kota Jambi: allowed, nobody else covers it
    ],
)
def test_admin_coverage_follows_the_province_rule(
    cast: Cast, client: Client, codes: list[str], message: str | None
) -> None:
    client.force_login(cast.ani)
    url = reverse("admin:accounts_organization_change", args=[cast.bnnk_batanghari.pk])
    response = client.post(url, _coverage_form(cast, codes))
    covered = set(cast.bnnk_batanghari.covered_regencies.values_list("code", flat=True))
    if message is None:
        assert response.status_code == 302
        assert covered == set(codes)
    else:
        assert response.status_code == 200 and message in response.content.decode()
        assert covered == {"15.04", "15.05"}  # unchanged


def test_admin_refuses_a_regency_already_covered_by_another_bnnk(
    cast: Cast, client: Client
) -> None:
    other = actions.create_organization(
        actor=cast.ani,
        name="BNNK Kota Jambi",
        kind="bnnk",
        regency=Regency.objects.get(code="15.71"),
    )
    client.force_login(cast.ani)
    url = reverse("admin:accounts_organization_change", args=[cast.bnnk_batanghari.pk])
    response = client.post(url, _coverage_form(cast, ["15.04", "15.71"]))
    assert response.status_code == 200 and "Sudah ditangani BNNK lain" in response.content.decode()
    assert list(other.covered_regencies.values_list("code", flat=True)) == ["15.71"]
    with pytest.raises(ValidationError):  # the action refuses the same way
        actions.create_organization(
            actor=cast.ani,
            name="BNNK Kedua",
            kind="bnnk",
            regency=Regency.objects.get(code="15.71"),
        )


def _user_form(**fields: object) -> dict[str, object]:
    return {
        "username": "baru",
        "password1": "Sandi-panjang-sekali-2026",
        "password2": "Sandi-panjang-sekali-2026",
        "full_name": "Pengguna Baru",
        "email": "baru@example.org",
        **fields,
    }


def test_admin_refuses_a_regency_outside_the_users_province(cast: Cast, client: Client) -> None:
    client.force_login(cast.ani)
    response = client.post(
        reverse("admin:accounts_user_add"),
        _user_form(
            role=Role.REGENCY_OPERATOR,
            province=Province.objects.get(code="11").pk,
            regency=Regency.objects.get(code="15.04").pk,
        ),
    )
    assert response.status_code == 200
    assert "tidak berada di provinsi" in response.content.decode()
    assert not User.objects.filter(username="baru").exists()


def test_admin_needs_a_role_chosen(cast: Cast, client: Client) -> None:
    client.force_login(cast.ani)
    response = client.post(reverse("admin:accounts_user_add"), _user_form())
    assert response.status_code == 200
    assert not User.objects.filter(username="baru").exists()


def test_admin_creates_a_consistent_account(cast: Cast, client: Client) -> None:
    client.force_login(cast.ani)
    response = client.post(
        reverse("admin:accounts_user_add"),
        _user_form(role=Role.VIEWER, province=Province.objects.get(code="15").pk),
    )
    assert response.status_code == 302
    assert User.objects.get(username="baru").province.code == "15"  # type: ignore[union-attr]


def test_model_rule_refuses_inconsistent_scope_on_any_write(cast: Cast) -> None:
    user = cast.citra
    user.regency = Regency.objects.get(code="11.08")  # Aceh regency, Jambi province
    with pytest.raises(ValidationError):
        user.full_clean()
    bnnp = Organization.objects.get(pk=cast.bnnp_jambi.pk)
    with pytest.raises(ValidationError, match="Hanya BNNK"):
        bnnp.check_coverage([Regency.objects.get(code="15.04")])
