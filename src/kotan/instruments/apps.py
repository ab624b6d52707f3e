from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstrumentsConfig(AppConfig):
    name = "kotan.instruments"
    verbose_name = _("Instrumen")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from kotan.instruments import models

        auditlog.register(models.Instrument)
        for model in (
            models.AnswerOption,
            models.ObservationUnit,
            models.Variable,
            models.Indicator,
        ):
            auditlog.register(model)
        auditlog.register(models.Item, m2m_fields={"units"})

        from django.db.models.signals import m2m_changed

        def guard_units(
            sender: object, instance: models.Item, action: str, **kwargs: object
        ) -> None:
            if action.startswith("pre_"):
                instance._check_draft()

        m2m_changed.connect(guard_units, sender=models.Item.units.through, weak=False)
