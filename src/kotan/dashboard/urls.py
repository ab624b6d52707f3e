"""The pages that read every app: the home page and the region pages."""

from __future__ import annotations

from django.urls import include, path

from kotan.dashboard import regions, views

urlpatterns = [
    path("", views.home, name="home"),
    path("wilayah/", regions.province_list, name="province_list"),
    path("wilayah/<province:code>/", regions.province_detail, name="province_detail"),
    path("wilayah/<regency:code>/", regions.regency_detail, name="regency_detail"),
    path("", include("kotan.dashboard.urls_dashboards")),
]
