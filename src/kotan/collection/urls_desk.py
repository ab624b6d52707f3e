"""The operator's desk: invalid and conflicting submissions, corrected or rejected."""

from __future__ import annotations

from django.urls import path

from kotan.collection import views_desk as views

urlpatterns = [
    path("meja/", views.desk_list, name="desk_list"),
    path("meja/<int:pk>/", views.desk_detail, name="desk_detail"),
    path("meja/<int:pk>/koreksi/", views.desk_correct, name="desk_correct"),
    path("meja/<int:pk>/tolak/", views.desk_reject, name="desk_reject"),
]
