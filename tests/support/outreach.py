"""The reminder tests' world: the cast, the 2026 period (deadline 15 December 2026) and the
focal people of Batanghari, its BNNK and Aceh Utara, built once per module.

Import the fixtures into a test module (``from tests.support.outreach import *``-style, by
name). Synthetic people only: invented names, example.org addresses, +62 812 0000 xxxx.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from pytest_django import DjangoDbBlocker

from kotan.accounts import actions as accounts
from kotan.accounts.models import Contact, User
from kotan.collection.ingest import ingest_submission
from kotan.collection.models import Assignment, Period, Quota
from kotan.instruments.queries import instrument_spec
from tests.support.cast import Cast, build_cast
from tests.support.periods import build_period, payload

DEADLINE = date(2026, 12, 15)


@dataclass
class People:
    rina: Contact  # Kesbangpol Batanghari: email and WhatsApp
    sari: Contact  # BNNK Batanghari (covers Batanghari and Muaro Jambi): email and WhatsApp
    teuku: Contact  # Kesbangpol Aceh Utara: email only


@dataclass
class OutreachWorld:
    cast: Cast
    period: Period
    people: People


def build_people(cast: Cast) -> People:
    add = accounts.add_contact
    return People(
        rina=add(
            actor=None,
            organization=cast.kesbangpol_batanghari,
            name="Rina Contoh",
            position="Kepala Bidang",
            email="rina@example.org",
            whatsapp="0812-0000-1001",
        ),
        sari=add(
            actor=None,
            organization=cast.bnnk_batanghari,
            name="Sari Contoh",
            email="sari@example.org",
            whatsapp="+62 812 0000 1002",
        ),
        teuku=add(
            actor=None,
            organization=cast.kesbangpol_aceh_utara,
            name="Teuku Contoh",
            email="teuku@example.org",
        ),
    )


@pytest.fixture(scope="module")
def outreach_world(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[OutreachWorld]:
    from tests.support.world import held_transaction

    with held_transaction(django_db_blocker):
        cast = build_cast()
        cast.budi.email = "budi@example.org"
        cast.budi.save(update_fields=["email"])
        cast.hadi.email = "hadi@example.org"
        cast.hadi.save(update_fields=["email"])
        cast.ani.email = "ani@example.org"
        cast.ani.save(update_fields=["email"])
        period = build_period(cast)
        yield OutreachWorld(cast, period, build_people(cast))


@pytest.fixture
def cast(outreach_world: OutreachWorld, db: None) -> Cast:
    return outreach_world.cast.fresh()


@pytest.fixture
def period(outreach_world: OutreachWorld, db: None) -> Period:
    return Period.objects.get(pk=outreach_world.period.pk)


@pytest.fixture
def people(outreach_world: OutreachWorld, db: None) -> People:
    p = outreach_world.people
    return People(*(Contact.objects.get(pk=c.pk) for c in (p.rina, p.sari, p.teuku)))


def assignment(period: Period, code: str) -> Assignment:
    return Assignment.objects.get(period=period, regency__code=code)


def small_quotas(assignment: Assignment, quota: int = 1) -> None:
    """Shrink an assignment's quotas, so a test can fill them with a few responses."""
    Quota.objects.filter(assignment=assignment).update(quota=quota)


def fill_quota(period: Period, assignment: Assignment, user: User) -> None:
    """One response per observation unit, through the real ingestion (quotas of 1 filled)."""
    spec = instrument_spec(period.instrument)
    for unit in assignment.quotas.values_list("unit__code", flat=True):
        answers = {item.code: "3" for item in spec.items if unit in item.units}
        result = ingest_submission(
            payload({"assignment": assignment.pk}, unit=unit, answers=answers), user=user
        )
        assert result.status == 201, result.problems


def run_worker() -> None:
    """`kotan db_worker` once: every waiting task, then stop (see tests/collection)."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command(
            "db_worker", "--batch", "--no-startup-delay", stdout=StringIO(), stderr=StringIO()
        )
