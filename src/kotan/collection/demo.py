"""The demo's measurement years: 2026 in progress (some regencies complete, some behind) and
two finished years before it (``load_demo_past_period``), closed, final and locked.

Every synthetic response goes through ``ingest_submission``, like a real one.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.utils import timezone

from kotan.accounts.models import User
from kotan.collection import actions, ingest
from kotan.collection.models import Assignment, Period
from kotan.instruments.demo import load_demo_instrument
from kotan.instruments.models import Instrument
from kotan.instruments.queries import published_spec
from kotan.method.synthetic import SyntheticSettings, generate_rows, header
from kotan.regions.models import Regency

DEMO_YEAR = 2026
# Share of the quota already filled, by regency code; the rest of the measured regencies have
# not started. Jambi is the demo's home province.
FILLED_SHARE = {
    "15.04": 1.0,
    "15.71": 1.0,
    "15.05": 1.0,
    "15.01": 0.6,
    "15.02": 0.35,
    "15.06": 0.15,
    "11.08": 1.0,
    "11.71": 0.5,
    "31.71": 1.0,
    "32.73": 0.8,
    "51.71": 0.4,
    "73.71": 0.2,
}
SUBMITTED = {"15.04": ["submit"], "15.71": ["submit", "verify"]}
NOT_STARTED = ["15.03", "15.07", "15.08", "15.09", "15.72", "91.71"]


def load_demo_period() -> Period:
    """Create the demo period once; running it again changes nothing."""
    existing = Period.objects.filter(year=DEMO_YEAR).first()
    if existing is not None:
        return existing
    instrument = load_demo_instrument()
    today = timezone.localdate()
    admin = User.objects.filter(username="admin").first()
    period = actions.open_period(
        actor=admin,
        year=DEMO_YEAR,
        name=f"IKOTAN {DEMO_YEAR}",
        instrument=instrument,
        opens_on=today - timedelta(days=40),
        closes_on=today + timedelta(days=14),
    )
    codes = [*FILLED_SHARE, *NOT_STARTED]
    regencies = list(Regency.objects.filter(code__in=codes))
    # Near its deadline, so the reminders of the last weeks show (outreach.demo).
    actions.assign_regencies(
        actor=admin, period=period, regencies=regencies, deadline=today + timedelta(days=3)
    )
    spec = published_spec(instrument)
    columns = header(spec)[3:]
    for code, share in FILLED_SHARE.items():
        assignment = Assignment.objects.get(period=period, regency__code=code)
        rows = list(
            generate_rows(
                spec, SyntheticSettings([code], respondents=180, seed=int(code.replace(".", "")))
            )
        )
        keep = int(len(rows) * share)
        # Fill unit by unit in proportion, so a half-filled regency is half-filled everywhere.
        by_unit: dict[str, list[list[str]]] = {}
        for row in rows:
            by_unit.setdefault(row[2], []).append(row)
        chosen = [
            r
            for unit_rows in by_unit.values()
            for r in unit_rows[: round(len(unit_rows) * keep / len(rows))]
        ]
        _ingest(assignment, chosen, columns, admin)
    if admin is not None:
        # Complete regencies move on: Batanghari is submitted, Kota Jambi also verified.
        for code, steps in SUBMITTED.items():
            for step in steps:
                assignment = Assignment.objects.get(period=period, regency__code=code)
                actions.transition_assignment(actor=admin, assignment=assignment, action=step)
        # Respondent links for Tanjung Jabung Barat, still collecting: one per unit.
        behind = Assignment.objects.get(period=period, regency__code="15.06")
        for unit in instrument.units.order_by("order"):
            actions.create_link(
                actor=admin,
                assignment=behind,
                unit_code=unit.code,
                label=f"Demo: {unit.name}",
                max_uses=50,
            )
    return period


def _ingest(
    assignment: Assignment,
    rows: Sequence[list[str]],
    columns: Sequence[str],
    admin: User | None,
    *,
    year: int | None = None,
    submitted: datetime | None = None,
) -> None:
    """Each synthetic row as a web submission. The 2026 rows keep their first identifiers (so a
    database loaded before stays loaded); a past year's carry the year."""
    prefix = "kotan-demo" if year is None else f"kotan-demo/{year}"
    for n, row in enumerate(rows):
        now = submitted or timezone.now()
        payload = {
            "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{prefix}/{row[0]}")),
            "assignment": assignment.pk,
            "unit": row[2],
            "institution": f"Responden demo {n + 1}",
            "started_at": (now - timedelta(minutes=12)).isoformat(),
            "submitted_at": now.isoformat(),
            "answers": {c: v for c, v in zip(columns, row[3:], strict=True) if v},
        }
        ingest.ingest_submission(payload, channel="web", user=admin)


# A finished year measured the same regencies as 2026 (the demo's trends), each complete;
# Kota Jayapura fell short of the minimum in the first year.
PAST_RESPONDENTS = 40
PAST_SHORT = {2024: {"91.71": 20}}


def load_demo_past_period(year: int, instrument: Instrument) -> Period:
    """A finished year: every regency of 2026 answered, every assignment final, the period
    closed and locked (which locks its instrument). Once; running it again changes nothing.

    The regencies' levels come from a seed of their own per year, so they move between years
    like real ones would (up for some, down for others)."""
    existing = Period.objects.filter(year=year).first()
    if existing is not None:
        return existing
    admin = User.objects.get(username="admin")
    period = actions.open_period(
        actor=admin,
        year=year,
        name=f"IKOTAN {year}",
        instrument=instrument,
        opens_on=date(year, 3, 1),
        closes_on=date(year, 8, 31),
    )
    codes = [*FILLED_SHARE, *NOT_STARTED]
    regencies = list(Regency.objects.filter(code__in=codes).order_by("code"))
    actions.assign_regencies(
        actor=admin, period=period, regencies=regencies, deadline=date(year, 8, 15)
    )
    spec = published_spec(instrument)
    columns = header(spec)[3:]
    submitted = datetime(year, 6, 15, 10, 0, tzinfo=timezone.get_current_timezone())
    for regency in regencies:
        n = PAST_SHORT.get(year, {}).get(regency.code, PAST_RESPONDENTS)
        seed = year * 10_000 + int(regency.code.replace(".", ""))
        rows = list(
            generate_rows(spec, SyntheticSettings([regency.code], respondents=n, seed=seed))
        )
        assignment = Assignment.objects.get(period=period, regency=regency)
        _ingest(assignment, rows, columns, admin, year=year, submitted=submitted)
        for step in ("submit", "verify", "finalize"):
            actions.transition_assignment(actor=admin, assignment=assignment, action=step)
    actions.set_period_status(actor=admin, period=period, action="close")
    return actions.set_period_status(actor=admin, period=period, action="lock")
