from __future__ import annotations

from django.urls import include, path

from kotan.scoring import views

urlpatterns = [
    path("hasil/", views.run_list, name="run_list"),
    path("hasil/hitung/", views.run_compute, name="run_compute"),
    path("hasil/<int:run_id>/", views.run_detail, name="run_detail"),
    path("hasil/<int:run_id>/<regency:code>/", views.run_regency, name="run_regency"),
    path(
        "hasil/<int:run_id>/<regency:code>/jawaban.csv",
        views.run_regency_answers,
        name="run_regency_answers",
    ),
    path("", include("kotan.scoring.urls_publication")),
    path("", include("kotan.scoring.urls_exports")),
]
