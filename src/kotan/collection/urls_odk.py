"""ODK Collect / KoboCollect: the server URL is /odk (Collect appends formList and submission)."""

from __future__ import annotations

from django.urls import URLPattern, path

from kotan.collection import views_odk as views

urlpatterns: list[URLPattern] = [
    path("odk/", views.help_page, name="odk_help"),
    path("odk/formList", views.form_list, name="odk_form_list"),
    path("odk/forms/<int:year>/<str:unit>.xml", views.form_xml, name="odk_form"),
    path("odk/submission", views.submission, name="odk_submission"),
    path(
        "odk/unduh/<int:year>/<str:unit>.xlsx",
        views.form_download,
        {"fmt": "xlsx"},
        name="odk_download_xlsform",
    ),
    path(
        "odk/unduh/<int:year>/<str:unit>.xml",
        views.form_download,
        {"fmt": "xml"},
        name="odk_download_xform",
    ),
]
