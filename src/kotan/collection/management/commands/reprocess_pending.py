from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotan.collection.ingest import reprocess_pending

UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_age(text: str) -> timedelta:
    """'90s', '5m', '2h', '1d' (a bare number is seconds)."""
    match = re.fullmatch(r"\s*(\d{1,7})\s*([smhd]?)\s*", text)
    if match is None:
        raise CommandError(
            f"--older-than '{text}' tidak dikenal: pakai misalnya 30s, 5m, 2h atau 1d."
        )
    return timedelta(**{UNITS[match.group(2) or "s"]: int(match.group(1))})


class Command(BaseCommand):
    help = (
        "Finish raw submissions that were stored but never parsed (the process died between "
        "the two steps). Idempotent: only rows still 'received' are touched, each once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            default="5m",
            help="only rows received at least this long ago (default 5m), e.g. 30s, 5m, 2h",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        results = reprocess_pending(parse_age(options["older_than"]))
        outcome = Counter(
            "diterima" if r.ok else ("konflik" if r.status == 409 else "tidak valid")
            for r in results
        )
        summary = ", ".join(f"{n} {word}" for word, n in sorted(outcome.items())) or "tidak ada"
        self.stdout.write(f"{len(results)} kiriman diproses ulang ({summary}).")
