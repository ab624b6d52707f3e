from __future__ import annotations

from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from kotan.accounts import actions
from kotan.accounts.models import Role
from kotan.regions.models import Regency
from tests.support.cast import Cast


def test_creating_a_user_records_who_when_and_what(cast: Cast) -> None:
    user = actions.create_user(
        actor=cast.budi,
        username="intan",
        password="sandi-panjang-sekali",
        role=Role.ENUMERATOR,
        full_name="Intan",
        organization=cast.bnnp_jambi,
        regency=Regency.objects.get(code="15.71"),
    )
    entry = LogEntry.objects.get_for_object(user).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == cast.budi
    assert entry.timestamp is not None
    assert entry.changes_dict["role"][1] == "enumerator"
    assert entry.changes_dict["password"][1] == "(disembunyikan)"  # never any part of the hash
    assert user.password[-10:] not in str(entry.changes)


def test_updates_record_old_and_new_values(cast: Cast) -> None:
    actions.deactivate_user(actor=cast.ani, user=cast.eko)
    entry = LogEntry.objects.get_for_object(cast.eko).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == cast.ani
    assert entry.changes_dict == {"is_active": ["True", "False"]}


def test_coverage_changes_are_audited(cast: Cast) -> None:
    actions.set_bnnk_coverage(
        actor=cast.ani,
        bnnk=cast.bnnk_batanghari,
        regencies=Regency.objects.filter(code__in=["15.04", "15.06"]),
    )
    entry = LogEntry.objects.get_for_object(cast.bnnk_batanghari).latest("timestamp")
    assert entry.actor == cast.ani
    change = entry.changes_dict["covered_regencies"]
    assert change["type"] == "m2m"


def test_changes_through_the_admin_are_audited_with_the_actor(cast: Cast, client: Client) -> None:
    client.force_login(cast.ani)
    url = reverse("admin:accounts_organization_change", args=[cast.kesbangpol_batanghari.pk])
    response = client.post(
        url,
        {
            "name": "Badan Kesbangpol Kabupaten Batanghari",
            "kind": "institution",
            "sector": "pemda",
            "province": cast.kesbangpol_batanghari.province_id,
            "regency": cast.kesbangpol_batanghari.regency_id,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = LogEntry.objects.get_for_object(cast.kesbangpol_batanghari).latest("timestamp")
    assert entry.actor == cast.ani
    assert entry.changes_dict["name"][1] == "Badan Kesbangpol Kabupaten Batanghari"


def test_audit_page_lists_changes_for_admins(cast: Cast, client: Client) -> None:
    actions.deactivate_user(actor=cast.ani, user=cast.eko)
    client.force_login(cast.ani)
    body = client.get(reverse("audit_list"), {"pelaku": "ani"}).content.decode()
    assert "Eko" in body and "aktif" in body
    assert "Kesbangpol Kabupaten Batanghari" not in body  # created by the system, filtered out


def test_audit_page_is_refused_to_operators(cast: Cast, client: Client) -> None:
    client.force_login(cast.budi)
    assert client.get(reverse("audit_list")).status_code == 403


def test_user_scope_must_match_role(cast: Cast) -> None:
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        actions.create_user(
            actor=cast.ani,
            username="x1",
            password=None,
            role=Role.REGENCY_OPERATOR,
            province=cast.budi.province,
        )
    with pytest.raises(ValidationError):
        actions.create_user(
            actor=cast.ani,
            username="x2",
            password=None,
            role=Role.PROVINCE_OPERATOR,
            regency=Regency.objects.get(code="15.04"),
        )
    with pytest.raises(ValidationError):
        actions.set_bnnk_coverage(
            actor=cast.ani,
            bnnk=cast.bnnk_batanghari,
            regencies=Regency.objects.filter(code="11.08"),
        )


def test_audit_page_filter_with_an_impossible_kind_shows_nothing(
    cast: Cast, client: Client
) -> None:
    """An edited address (a number no id can be, or text): an empty list, never a 500."""
    client.force_login(cast.ani)
    for value in (str(2**70), "abc"):
        response = client.get(reverse("audit_list"), {"model": value})
        assert response.status_code == 200, value
        assert list(response.context["page"]) == [], value
