"""Progress of collection and the data-quality review."""

from __future__ import annotations

from django.urls import path

from kotan.collection import views_progress as views

urlpatterns = [
    path("progres/", views.progress_matrix, name="progress"),
    path("progres/unduh.csv", views.progress_csv, name="progress_csv"),
    path("progres/kualitas/", views.quality, name="quality"),
    path(
        "progres/kualitas/<int:response_id>/kecualikan/",
        views.response_exclude,
        name="response_exclude",
    ),
]
