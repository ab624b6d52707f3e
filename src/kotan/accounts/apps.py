from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kotan.accounts"
    verbose_name = _("Akun dan organisasi")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from kotan.accounts.models import Contact, Organization, User

        auditlog.register(Organization, m2m_fields={"covered_regencies"})
        auditlog.register(Contact, exclude_fields=["updated_at"])
        auditlog.register(
            User,
            exclude_fields=["last_login"],
            mask_fields=["password"],
            mask_callable="kotan.accounts.audit.mask_secret",
        )
