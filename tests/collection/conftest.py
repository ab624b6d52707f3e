"""A 2026 period with the example instrument, measuring Jambi's regencies and Aceh Utara."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from kotan.collection import actions
from kotan.collection.models import Assignment, Period
from kotan.instruments.demo import load_demo_instrument
from kotan.regions.models import Regency
from tests.conftest import Cast


@pytest.fixture
def period(cast: Cast) -> Period:
    instrument = load_demo_instrument()
    period = actions.open_period(
        actor=cast.ani,
        year=2026,
        name="IKOTAN 2026",
        instrument=instrument,
        opens_on=date(2026, 1, 1),
        closes_on=date(2026, 12, 31),
    )
    regencies = [*Regency.objects.filter(code__startswith="15."), Regency.objects.get(code="11.08")]
    actions.assign_regencies(
        actor=cast.ani, period=period, regencies=regencies, deadline=date(2026, 12, 15)
    )
    return period


@pytest.fixture
def batanghari(period: Period) -> Assignment:
    return Assignment.objects.get(period=period, regency__code="15.04")


GOV_ITEMS = ["MAS1_01", "MAS1_02", "MAS1_03", "LEM1_01", "LEM3_01", "HUK1_02"]


def payload(context: dict[str, Any], unit: str = "gov", **overrides: Any) -> dict[str, Any]:
    now = timezone.now()
    data: dict[str, Any] = {
        "uuid": str(uuid.uuid4()),
        "unit": unit,
        "institution": "Dinas Pendidikan",
        "started_at": (now - timedelta(minutes=10)).isoformat(),
        "submitted_at": now.isoformat(),
        "answers": dict(zip(GOV_ITEMS, ["3", "4", "2", "TT", "3", "1"], strict=True)),
        **context,
    }
    data.update(overrides)
    return data
