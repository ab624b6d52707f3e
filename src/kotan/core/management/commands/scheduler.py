"""``kotan scheduler``: enqueue the periodic jobs of settings.KOTAN_SCHEDULE when they are due."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from kotan.core.schedule import Clock, PeriodicJob, periodic_jobs

MAX_SLEEP = 60.0  # seconds: wake at least once a minute (a clock change is noticed soon)


class Command(BaseCommand):
    help = (
        "Masukkan pekerjaan berkala (pengingat, proses ulang, pembersihan draf, email) ke antrean "
        "sesuai jadwal KOTAN_SCHEDULE. Saat mulai, setiap pekerjaan dijalankan sekali."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Masukkan setiap pekerjaan sekali, lalu berhenti."
        )
        parser.add_argument(
            "--list", action="store_true", help="Tampilkan jadwal dan waktu jalan berikutnya."
        )
        parser.add_argument(
            "--no-catch-up",
            action="store_true",
            help="Jangan menjalankan semua pekerjaan sekali saat mulai.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = periodic_jobs()
        now = timezone.now()
        if options["list"]:
            for job in jobs:
                nxt = timezone.localtime(job.next_after(now)).strftime("%Y-%m-%d %H:%M")
                self.stdout.write(
                    f"{job.name:<22} {job.cron:<15} berikutnya {nxt}  {job.task_path}"
                )
            return
        missed = []
        if options["once"] or not options["no_catch_up"]:
            missed = self._enqueue(jobs)
        if options["once"]:
            return
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        clock = Clock(jobs, timezone.now())
        for job in missed:
            clock.retry_soon(job, timezone.now())
        self.stdout.write(f"Penjadwal berjalan: {len(jobs)} pekerjaan berkala.")
        while not stop.is_set():
            stop.wait(min(MAX_SLEEP, clock.seconds_to_next(timezone.now()) + 0.5))
            if stop.is_set():
                break
            for job in self._enqueue(clock.due(timezone.now())):
                clock.retry_soon(job, timezone.now())

    def _enqueue(self, jobs: list[PeriodicJob]) -> list[PeriodicJob]:
        """Enqueue each job; return those that could not be."""
        failed = []
        for job in jobs:
            close_old_connections()
            try:
                result = job.enqueue()
            except Exception as exc:  # a database or Redis away: try again at the next tick
                self.stderr.write(f"{job.name}: tidak dapat dimasukkan ke antrean: {exc}")
                failed.append(job)
                continue
            self.stdout.write(f"{timezone.localtime():%H:%M:%S} {job.name} -> {result.id}")
        return failed
