"""The dashboards per scope (views_dashboards)."""

from __future__ import annotations

from django.urls import URLPattern, path

from kotan.dashboard import views_dashboards as views

urlpatterns: list[URLPattern] = [
    path("dasbor/", views.national, name="dashboard_national"),
    path("dasbor/<province:code>/", views.province, name="dashboard_province"),
    path("dasbor/<regency:code>/", views.regency, name="dashboard_regency"),
]
