"""Time ``reminder_recipients(period, today)`` for the whole country: 514 regencies, each
expecting 180 respondents.

`.venv/bin/python benchmarks/bench_reminders.py [--filled 120]` (a throw-away SQLite file;
set DATABASE_URL to measure another database, which must be empty and is left migrated).
The world is made with ``bulk_create``: the 514 regencies assigned in one period, five units
with quotas adding up to 180, ``--filled`` responses per regency (each with its raw
submission), one Kesbangpol per regency with two contacts and a respondent link, and one
contact per BNNP. The day measured is seven days before the deadline, so every regency is
due a reminder. Baselines in the same script over the same rows: one COUNT of the period's
responses, and the one GROUP BY (assignment, unit) that the function itself needs.
Timings are the best and the median of 5 runs after one warm-up run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

QUOTAS = [40, 40, 40, 30, 30]  # 180 respondents per regency
DEADLINE = date(2026, 12, 15)


def timed(fn: Callable[[], object], runs: int = 5) -> tuple[float, float, object]:
    result = fn()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), result


def build(filled: int) -> object:
    from django.core.management import call_command
    from django.utils import timezone

    from kotan.accounts.models import Contact, Organization
    from kotan.collection.models import (
        Assignment,
        Period,
        Quota,
        RawSubmission,
        RespondentLink,
        Response,
    )
    from kotan.instruments.demo import load_demo_instrument
    from kotan.regions.models import Regency

    call_command("migrate", verbosity=0)
    call_command("load_organizations", verbosity=0)
    instrument = load_demo_instrument()
    units = list(instrument.units.order_by("order"))[: len(QUOTAS)]
    period = Period.objects.create(
        year=2026,
        name="KOTAN 2026 (bench)",
        instrument=instrument,
        opens_on=date(2026, 1, 1),
        closes_on=date(2026, 12, 31),
    )
    bnnp = {o.province_id: o for o in Organization.objects.filter(kind="bnnp")}
    regencies = list(Regency.objects.order_by("code"))
    assignments = Assignment.objects.bulk_create(
        Assignment(period=period, regency=r, responsible=bnnp[r.province_id], deadline=DEADLINE)
        for r in regencies
    )
    Quota.objects.bulk_create(
        Quota(assignment=a, unit=u, quota=q)
        for a in assignments
        for u, q in zip(units, QUOTAS, strict=True)
    )
    offices = Organization.objects.bulk_create(
        Organization(
            name=f"Kesbangpol {r.name}",
            kind="institution",
            sector="pemda",
            province_id=r.province_id,
            regency=r,
        )
        for r in regencies
    )
    Contact.objects.bulk_create(
        [
            Contact(
                organization=o,
                name=f"Narahubung {i} {o.pk}",
                email=f"kontak{i}.{o.pk}@example.org",
                whatsapp=f"+6281200{o.pk:04d}{i}"[:14],
            )
            for o in offices
            for i in (1, 2)
        ]
        + [
            Contact(organization=o, name=f"Operator {o.name}", email=f"bnnp{o.pk}@example.org")
            for o in bnnp.values()
        ]
    )
    expires = timezone.now() + timedelta(days=60)
    RespondentLink.objects.bulk_create(
        RespondentLink(
            assignment=a,
            unit=units[0],
            institution=o,
            token=uuid.uuid4().hex,
            max_uses=10,
            expires_at=expires,
        )
        for a, o in zip(assignments, offices, strict=True)
    )
    now = timezone.now()
    for a in assignments:
        per_unit = [min(q, filled * q // 180 + 1) for q in QUOTAS]
        raws = RawSubmission.objects.bulk_create(
            RawSubmission(
                client_uuid=uuid.uuid4(),
                payload={},
                payload_hash="0" * 64,
                channel="api",
                status="accepted",
                receipt_number=f"KTN-{uuid.uuid4().hex[:10].upper()}",
                assignment=a,
            )
            for _ in range(sum(per_unit))
        )
        it = iter(raws)
        Response.objects.bulk_create(
            Response(
                raw=next(it),
                assignment=a,
                unit=u,
                channel="api",
                submitted_at=now,
                receipt_number=f"R{uuid.uuid4().hex[:12]}",
            )
            for u, n in zip(units, per_unit, strict=True)
            for _ in range(n)
        )
    return period


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filled", type=int, default=120, help="responses per regency")
    args = parser.parse_args()
    tmp = None
    if not os.environ.get("DATABASE_URL"):
        tmp = tempfile.NamedTemporaryFile(suffix=".sqlite3", delete=False)  # noqa: SIM115
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}"
    os.environ.setdefault("KOTAN_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotan.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count

    from kotan.collection.models import Response
    from kotan.outreach.recipients import reminder_recipients

    try:
        start = time.perf_counter()
        period = build(args.filled)
        built = time.perf_counter() - start
        responses = Response.objects.filter(assignment__period=period)
        print(f"database: {connection.vendor}; world built in {built:.1f} s")
        print(f"assignments: {period.assignments.count()}, responses: {responses.count()}")
        today = DEADLINE - timedelta(days=7)
        best, median, plan = timed(lambda: reminder_recipients(period, today))
        count_best, _m, _r = timed(lambda: responses.filter(excluded=False).count())
        group_best, _m, _r = timed(
            lambda: list(
                responses.filter(excluded=False)
                .order_by()
                .values_list("assignment_id", "unit_id")
                .annotate(n=Count("pk"))
            )
        )
        reminders = len(plan.reminders)  # type: ignore[attr-defined]
        print(
            f"reminder_recipients: best {best:.3f} s, median {median:.3f} s, {reminders} reminders"
        )
        print(f"baseline COUNT: {count_best * 1000:.1f} ms (ratio {best / count_best:.1f}x)")
        print(f"baseline GROUP BY: {group_best * 1000:.1f} ms (ratio {best / group_best:.1f}x)")
        print("target: under 2 s —", "met" if best < 2 else "NOT met")
    finally:
        if tmp is not None:
            connection.close()
            Path(tmp.name).unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
