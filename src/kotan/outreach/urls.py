"""The pages of kotan.outreach: reminders, the message log, templates and schedules."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("kotan.outreach.urls_bulk")),
]
