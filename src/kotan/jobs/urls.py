"""The pages of kotan.jobs: long work, its progress and its result."""

from __future__ import annotations

from django.urls import URLPattern, path

from kotan.jobs import views

urlpatterns: list[URLPattern] = [
    path("tugas/", views.job_list, name="job_list"),
    path("tugas/<int:job_id>/", views.job_detail, name="job_detail"),
    path("tugas/<int:job_id>/status.json", views.job_status, name="job_status"),
    path("tugas/<int:job_id>/coba-lagi/", views.job_retry, name="job_retry"),
    path("tugas/<int:job_id>/unduh/", views.job_download, name="job_download"),
]
