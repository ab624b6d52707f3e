from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "kotan.jobs"
    verbose_name = _("Pekerjaan latar belakang")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from kotan.jobs import models, registry

        # Progress is written many times while a job runs and says nothing for the record;
        # the start, the outcome and a retry are what the trail keeps.
        auditlog.register(
            models.Job,
            exclude_fields=["progress_done", "progress_total", "progress_note", "progress_at"],
        )
        registry.discover()
