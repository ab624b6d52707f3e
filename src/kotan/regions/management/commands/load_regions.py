from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kotan.regions.loading import sync_regions
from kotan.regions.reference import REFERENCE_FILE


class Command(BaseCommand):
    help = "Load or update the 38 provinces and 514 regencies/cities from the reference file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=REFERENCE_FILE)

    def handle(self, *args: Any, **options: Any) -> None:
        report = sync_regions(options["file"])
        self.stdout.write(
            f"regions: {len(report.created)} created, {len(report.updated)} updated, "
            f"{report.unchanged} unchanged"
        )
        if report.missing_from_file:
            self.stderr.write(
                "in the database but not in the file (kept): " + ", ".join(report.missing_from_file)
            )
