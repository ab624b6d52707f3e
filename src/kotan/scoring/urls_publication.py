from __future__ import annotations

from django.urls import path

from kotan.scoring import views_publication as views

urlpatterns = [
    path("hasil/<int:run_id>/terbitkan/", views.publication_publish, name="publication_publish"),
    path("hasil/<int:run_id>/tarik/", views.publication_withdraw, name="publication_withdraw"),
    path(
        "hasil/<int:run_id>/penghargaan/",
        views.publication_award_rule,
        name="publication_award_rule",
    ),
]
