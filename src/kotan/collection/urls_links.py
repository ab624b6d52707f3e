"""Periods, assignments and respondent links (operator pages)."""

from __future__ import annotations

from django.urls import path

from kotan.collection import views_links as views

urlpatterns = [
    path("pengumpulan/", views.assignment_list, name="assignment_list"),
    path("pengumpulan/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path(
        "pengumpulan/<int:pk>/status/<str:word>/",
        views.assignment_transition,
        name="assignment_transition",
    ),
    path("pengumpulan/<int:pk>/tautan/", views.link_create, name="link_create"),
    path("tautan/<int:pk>/", views.link_detail, name="link_detail"),
    path("tautan/<int:pk>/cetak/", views.link_print, name="link_print"),
    path("tautan/<int:pk>/qr.svg", views.link_qr, name="link_qr"),
    path("tautan/<int:pk>/nonaktifkan/", views.link_deactivate, name="link_deactivate"),
]
