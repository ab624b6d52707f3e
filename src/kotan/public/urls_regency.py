"""A published year's regency page, its methodology and its awards (public, no sign-in)."""

from __future__ import annotations

from django.urls import path

from kotan.public import views_regency as views

urlpatterns = [
    path("<int:tahun>/metodologi/", views.public_methodology, name="public_methodology"),
    path("<int:tahun>/penghargaan/", views.public_awards, name="public_awards"),
    path("<int:tahun>/<regency:code>/", views.public_regency, name="public_regency"),
]
