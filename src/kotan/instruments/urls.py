"""Instruments: the list, one instrument, its files, and its publication."""

from __future__ import annotations

from django.urls import path

from kotan.instruments import views

urlpatterns = [
    path("instrumen/", views.instrument_list, name="instrument_list"),
    path("instrumen/<int:pk>/", views.instrument_detail, name="instrument_detail"),
    path(
        "instrumen/<int:pk>/unduh.<str:fmt>", views.instrument_download, name="instrument_download"
    ),
    path("instrumen/<int:pk>/<str:action>/", views.instrument_action, name="instrument_action"),
]
