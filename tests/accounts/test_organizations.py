"""BNN offices for a production database: BNN RI and one BNNP per province, idempotently."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from kotan.accounts.models import Organization
from kotan.accounts.queries import covering_units
from kotan.regions.models import Regency


@pytest.mark.django_db
def test_load_organizations_creates_every_bnnp_once() -> None:
    out = io.StringIO()
    call_command("load_organizations", stdout=out)
    assert "39 dibuat" in out.getvalue()
    assert Organization.objects.filter(kind="bnn_ri").count() == 1
    assert Organization.objects.filter(kind="bnnp").count() == 38
    jambi = Organization.objects.get(kind="bnnp", province__code="15")
    assert jambi.name == "BNNP Jambi"
    out = io.StringIO()
    call_command("load_organizations", stdout=out)
    assert "0 dibuat" in out.getvalue()
    assert Organization.objects.count() == 39
    # A regency no BNNK covers is covered by its BNNP.
    batanghari = Regency.objects.get(code="15.04")
    assert covering_units([batanghari]) == {batanghari.pk: jambi}


@pytest.mark.django_db
def test_demo_data_is_refused_without_debug(settings: object) -> None:
    settings.DEBUG = False  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="KOTAN_DEBUG"):
        call_command("load_demo", stdout=io.StringIO())
    assert not Organization.objects.exists()
