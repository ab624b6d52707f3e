from __future__ import annotations

from django.urls import path

from kotan.public import views_ranking as views

urlpatterns = [
    path("", views.public_years, name="public_years"),
    path("<int:tahun>/", views.public_ranking, name="public_ranking"),
    path("<int:tahun>/data.<str:fmt>", views.public_data, name="public_data"),
]
