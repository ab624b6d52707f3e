"""Routes for sending respondent links in bulk (owned by the bulk-sending part)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
