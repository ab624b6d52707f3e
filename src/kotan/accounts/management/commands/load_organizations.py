from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kotan.accounts.actions import ensure_bnn_offices


class Command(BaseCommand):
    help = "Buat BNN RI dan satu BNNP per provinsi bila belum ada (aman dijalankan berulang)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = ensure_bnn_offices(actor=None)
        self.stdout.write(f"organisasi BNN: {len(created)} dibuat")
