"""The Excel channel: a template per assignment, and the upload of filled files."""

from __future__ import annotations

from django.urls import URLPattern, path

from kotan.collection import views_excel as views

urlpatterns: list[URLPattern] = [
    path("pengumpulan/<int:assignment_id>/excel/", views.excel_page, name="excel_page"),
    path(
        "pengumpulan/<int:assignment_id>/excel/templat.xlsx",
        views.excel_template,
        name="excel_template",
    ),
]
