"""The period world: a 2026 period measuring Jambi's regencies and Aceh Utara, its answers, and
the JSON payload the ingestion takes. One builder for the collection, scoring and scoping tests.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.utils import timezone

from kotan.collection import actions as collection
from kotan.collection.ingest import ingest_submission
from kotan.collection.models import Assignment, Period
from kotan.instruments import actions as instruments
from kotan.instruments.demo import load_demo_instrument
from kotan.instruments.queries import instrument_spec
from kotan.method.spec import EXAMPLE, load_yaml
from kotan.regions.models import Regency
from tests.support.cast import Cast

# The example instrument with a minimum of 5 respondents instead of 30, so that the scoring
# tests ingest a few dozen responses rather than a hundred. regency -> (respondents, mean
# answer): three regencies ranked, Kota Jambi short of data, the other Jambi regencies without.
MIN_RESPONDENTS = 5
PLAN = {"15.04": (8, 3.3), "15.05": (7, 2.8), "11.08": (6, 2.3), "15.71": (3, 3.0)}
UNITS = ["gov", "edu", "com", "fam"]
GOV_ITEMS = ["MAS1_01", "MAS1_02", "MAS1_03", "LEM1_01", "LEM3_01", "HUK1_02"]


def build_period(cast: Cast, *, min_respondents: int | None = None) -> Period:
    """The 2026 period, every Jambi regency and Aceh Utara assigned.

    With ``min_respondents`` the example instrument is imported as version 2 with that minimum
    (the scoring tests); without, it is the demo instrument as published by ``load_demo``.
    """
    if min_respondents is None:
        instrument = load_demo_instrument()
    else:
        spec = dataclasses.replace(
            load_yaml(EXAMPLE.read_text(encoding="utf-8")),
            version=2,
            min_respondents=min_respondents,
        )
        draft = instruments.import_instrument(actor=cast.ani, spec=spec)
        instrument = instruments.publish_instrument(actor=cast.ani, instrument=draft)
    period = collection.open_period(
        actor=cast.ani,
        year=2026,
        name="IKOTAN 2026",
        instrument=instrument,
        opens_on=date(2026, 1, 1),
        closes_on=date(2026, 12, 31),
    )
    regencies = [*Regency.objects.filter(code__startswith="15."), Regency.objects.get(code="11.08")]
    collection.assign_regencies(
        actor=cast.ani, period=period, regencies=regencies, deadline=date(2026, 12, 15)
    )
    return period


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


def answer_some(period: Period, cast: Cast) -> None:
    """Responses after ``PLAN`` through the real ingestion, with "tidak tahu" and skipped items."""
    spec = instrument_spec(period.instrument)
    rng = np.random.default_rng(7)
    for code, (n, level) in PLAN.items():
        assignment = Assignment.objects.get(period=period, regency__code=code)
        for i in range(n):
            unit = UNITS[i % len(UNITS)]
            answers = {}
            for item in spec.items:
                if unit not in item.units or rng.random() < 0.05:
                    continue
                value = int(np.clip(np.rint(level + rng.normal(0, 0.8)), 1, 4))
                answers[item.code] = "TT" if rng.random() < 0.05 else str(value)
            result = ingest_submission(
                payload(
                    {"assignment": assignment.pk},
                    unit=unit,
                    institution=f"Instansi {code} {i}",
                    answers=answers,
                ),
                user=cast.ani,
            )
            assert result.status == 201, result.problems
