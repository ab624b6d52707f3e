from __future__ import annotations

from django.apps import AppConfig


def _request_language() -> str:
    from django.utils.translation import get_language

    return "en" if (get_language() or "id").startswith("en") else "id"


class CoreConfig(AppConfig):
    name = "kotan.core"
    verbose_name = "SI-KOTAN"

    def ready(self) -> None:
        from kotan.method import problems

        problems.set_language_source(_request_language)
