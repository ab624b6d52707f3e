from __future__ import annotations

from django.urls import URLPattern, path

from kotan.collection import views_form as views

urlpatterns: list[URLPattern] = [
    path("sw.js", views.service_worker, name="service_worker"),
    path("isi/<str:token>/luring/", views.offline_link, name="form_link_offline"),
    path(
        "pengisian/<int:assignment_id>/<str:unit_code>/luring/",
        views.offline_enumerator,
        name="form_enumerator_offline",
    ),
]
