from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotan.accounts.demo import DEMO_PASSWORD, load_demo, load_demo_contacts
from kotan.collection.demo import load_demo_period
from kotan.collection.models import Response
from kotan.demo.notifications import load_demo_notifications
from kotan.instruments.demo import load_demo_instrument
from kotan.monev.demo import load_demo_monev
from kotan.outreach.demo import load_demo_outreach
from kotan.scoring.demo import load_demo_history, load_demo_run


class Command(BaseCommand):
    help = "Buat organisasi, akun dan data demo (sintetis). Ditolak bila KOTAN_DEBUG mati."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Muat akun demo walau KOTAN_DEBUG mati (hanya untuk server pelatihan).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "Akun demo dengan kata sandi yang diketahui umum tidak dibuat selama KOTAN_DEBUG "
                "mati (gunakan --allow-production hanya di server pelatihan)."
            )
        accounts = load_demo()
        self.stdout.write(f"Narahubung: {load_demo_contacts()} baru")
        instrument = load_demo_instrument()
        self.stdout.write(f"Instrumen: {instrument} [{instrument.get_status_display()}]")
        period = load_demo_period()
        self.stdout.write(
            f"Periode: {period} ({period.assignments.count()} kabupaten/kota, "
            f"{Response.objects.filter(assignment__period=period).count()} jawaban)"
        )
        run = load_demo_run(period)
        self.stdout.write(
            f"Hasil: perhitungan sementara #{run.pk} ({run.results.count()} kabupaten/kota)"
        )
        history = load_demo_history()
        self.stdout.write(
            "Tahun selesai: "
            + ", ".join(f"{r.period.name} #{r.pk} (final, terbit)" for r in history)
        )
        self.stdout.write(f"Monev: {load_demo_monev()}")
        self.stdout.write(f"Pengingat: {load_demo_outreach(period)}")
        self.stdout.write(f"Pemberitahuan: {load_demo_notifications()} baru")
        self.stdout.write("")
        self.stdout.write(f"Akun demo SI-KOTAN (kata sandi untuk semua: {DEMO_PASSWORD})")
        width = max(len(a.username) for a in accounts)
        for a in accounts:
            self.stdout.write(f"  {a.username.ljust(width)}  {a.full_name}")
        self.stdout.write("")
