from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "kotan.outreach"
    verbose_name = _("Pengingat dan penyebaran")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from kotan.outreach import models

        auditlog.register(models.MessageTemplate)
        auditlog.register(models.ReminderPlan)
        auditlog.register(models.OutreachMessage)
