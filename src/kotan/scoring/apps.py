from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "kotan.scoring"
    verbose_name = _("Penilaian IKOTAN")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from kotan.scoring import models

        # A run is written once, so its creation is its whole history. Its regency rows are
        # part of that one act (written with it, in the same transaction) and not logged
        # one by one.
        auditlog.register(models.IndexRun, exclude_fields=["method", "bands"])
