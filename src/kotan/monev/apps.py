from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonevConfig(AppConfig):
    name = "kotan.monev"
    verbose_name = _("Monev")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from kotan.monev import models

        auditlog.register(models.Theme)
        auditlog.register(models.Visit, m2m_fields={"regencies"})
        auditlog.register(models.TeamMember)
        auditlog.register(models.Session, m2m_fields={"institutions"})
        auditlog.register(models.Point, m2m_fields={"themes"})
        auditlog.register(models.FollowUp)
        auditlog.register(models.FollowUpNote)
        auditlog.register(models.FollowUpEvidence)
