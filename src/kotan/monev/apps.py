from __future__ import annotations

from django.apps import AppConfig


class MonevConfig(AppConfig):
    name = "kotan.monev"
    verbose_name = "Monev"
