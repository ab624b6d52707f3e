"""The paper questionnaire (PDF) for printing when filling on line is impossible."""

from __future__ import annotations

from django.urls import URLPattern, path

from kotan.collection import views_paper as views

urlpatterns: list[URLPattern] = [
    path(
        "pengumpulan/<int:assignment_id>/kertas/<str:unit_code>.pdf",
        views.assignment_paper,
        name="paper_assignment",
    ),
    path(
        "pengumpulan/periode/<int:year>/kertas/<str:unit_code>.pdf",
        views.period_paper,
        name="paper_period",
    ),
]
