from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kotan.core"
    verbose_name = "SI-KOTAN"
