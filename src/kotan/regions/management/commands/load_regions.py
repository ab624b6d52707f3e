from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kotan.method.reference import REFERENCE_FILE
from kotan.regions.loading import sync_regions


class Command(BaseCommand):
    help = "Muat atau perbarui 38 provinsi dan 514 kabupaten/kota dari berkas referensi."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=REFERENCE_FILE)

    def handle(self, *args: Any, **options: Any) -> None:
        report = sync_regions(options["file"])
        self.stdout.write(
            f"wilayah: {len(report.created)} dibuat, {len(report.updated)} diperbarui, "
            f"{report.unchanged} tetap"
        )
        if report.missing_from_file:
            self.stderr.write(
                "ada di basis data tetapi tidak di berkas (tetap disimpan): "
                + ", ".join(report.missing_from_file)
            )
