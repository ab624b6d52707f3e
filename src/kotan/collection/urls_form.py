from __future__ import annotations

from django.urls import URLPattern, path

from kotan.collection import views_form as views

urlpatterns: list[URLPattern] = [
    path("isi/<str:token>/", views.link_form, name="form_link"),
    path("isi/<str:token>/periksa/", views.link_review, name="form_link_review"),
    path("isi/<str:token>/tanda-terima/", views.link_receipt, name="form_link_receipt"),
    path("pengisian/", views.enumerator_home, name="enumerator_home"),
    path(
        "pengisian/<int:assignment_id>/<str:unit_code>/",
        views.enumerator_form,
        name="form_enumerator",
    ),
    path(
        "pengisian/<int:assignment_id>/<str:unit_code>/periksa/",
        views.enumerator_review,
        name="form_enumerator_review",
    ),
    path(
        "pengisian/<int:assignment_id>/<str:unit_code>/tanda-terima/",
        views.enumerator_receipt,
        name="form_enumerator_receipt",
    ),
]
