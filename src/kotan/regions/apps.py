from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "kotan.regions"
    verbose_name = _("Wilayah")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from kotan.regions.models import Province, Regency

        auditlog.register(Province)
        auditlog.register(Regency)
