from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("", include("kotan.collection.urls_form")),
    path("", include("kotan.collection.urls_links")),
    path("", include("kotan.collection.urls_progress")),
    path("", include("kotan.collection.urls_desk")),
    path("", include("kotan.collection.urls_api")),
    path("", include("kotan.collection.urls_periods")),
    path("", include("kotan.collection.urls_excel")),
    path("", include("kotan.collection.urls_paper")),
    path("", include("kotan.collection.urls_odk")),
    path("", include("kotan.collection.urls_offline")),
]
