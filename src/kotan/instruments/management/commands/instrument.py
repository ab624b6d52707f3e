from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotan.instruments import actions
from kotan.instruments.models import Instrument
from kotan.instruments.queries import instrument_spec
from kotan.method.problems import EXIT_REFUSED, ProblemsError
from kotan.method.spec_files import read_instrument_file, write_instrument_file


class Command(BaseCommand):
    help = "Import an instrument file (.yaml/.xlsx) as a draft, or export a stored one."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import a file as a draft (replaces a draft)")
        imp.add_argument("file", type=Path)
        imp.add_argument("--publish", action="store_true", help="publish it right away")
        exp = sub.add_parser("export", help="write a stored instrument to a file")
        exp.add_argument("--year", type=int, required=True)
        exp.add_argument("--version", type=int, help="default: the latest version of the year")
        exp.add_argument("--output", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "import":
                instrument = actions.import_instrument(
                    actor=None, spec=read_instrument_file(options["file"])
                )
                if options["publish"]:
                    instrument = actions.publish_instrument(actor=None, instrument=instrument)
                self.stdout.write(f"{instrument} [{instrument.get_status_display()}]")
            else:
                found = Instrument.objects.filter(year=options["year"])
                if options["version"]:
                    found = found.filter(version=options["version"])
                stored = found.order_by("-version").first()
                if stored is None:
                    raise CommandError(f"Tidak ada instrumen tahun {options['year']}.")
                write_instrument_file(instrument_spec(stored), options["output"])
                self.stdout.write(f"{stored} → {options['output']}")
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages), returncode=EXIT_REFUSED) from exc
        except ProblemsError as exc:
            raise CommandError(
                "Berkas ditolak:\n" + "\n".join(f"  - {p.message()}" for p in exc.problems),
                returncode=EXIT_REFUSED,
            ) from exc
