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
    path("progres/kualitas/proses-ulang/", views.quality_reprocess, name="quality_reprocess"),
    path("progres/penugasan/<int:pk>/", views.assignment_responses, name="assignment_responses"),
    path("progres/jawaban/<int:response_id>/", views.response_detail, name="response_detail"),
    path(
        "progres/jawaban/<int:response_id>/sertakan/",
        views.response_include,
        name="response_include",
    ),
    path("progres/bukti/<int:evidence_id>/", views.evidence_download, name="evidence_download"),
]
