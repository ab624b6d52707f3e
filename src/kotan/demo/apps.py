from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data loader: a consumer of every app, so it stands on the top floor."""

    name = "kotan.demo"
    verbose_name = "Demo"
