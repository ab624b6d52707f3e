from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "kotan.notifications"
    verbose_name = _("Pemberitahuan")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from kotan.notifications import models

        # Created unaudited by notify() (the causing action is audited); reading is audited.
        auditlog.register(models.Notification, include_fields=["read_at"])
        auditlog.register(models.EmailPreference)
