from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kotan.collection.evidence import purge_abandoned_drafts


class Command(BaseCommand):
    help = (
        "Delete questionnaire drafts that can never be sent (their assignment no longer takes "
        "answers) and that nobody touched for DAYS days, with their uploaded documents."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=30, help="untouched for this long")

    def handle(self, *args: Any, **options: Any) -> None:
        drafts, documents = purge_abandoned_drafts(timedelta(days=max(options["days"], 1)))
        self.stdout.write(f"{drafts} draf dan {documents} dokumen dihapus.")
