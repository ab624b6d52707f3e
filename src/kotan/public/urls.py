"""The public pages under /publik/: no sign-in, published final runs only."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("", include("kotan.public.urls_ranking")),
    path("", include("kotan.public.urls_regency")),
]
