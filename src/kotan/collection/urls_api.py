from __future__ import annotations

from django.urls import path

from kotan.collection import api

urlpatterns = [path("api/v1/submissions/", api.submissions, name="api_submissions")]
