from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionConfig(AppConfig):
    name = "kotan.collection"
    verbose_name = _("Pengumpulan data")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from kotan.collection import models

        for model in (models.Period, models.Assignment, models.Quota, models.Evidence):
            auditlog.register(model)
        # A link's use count follows from its responses (each kept with its raw submission).
        auditlog.register(models.RespondentLink, exclude_fields=["use_count"])
        # Responses are written once by the ingestion function (the raw submission is their
        # append-only record); what changes afterwards (exclusion) is audited.
        auditlog.register(models.Response, include_fields=["excluded", "excluded_reason", "flags"])
