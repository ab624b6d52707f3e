"""The pages of kotan.notifications, under /pemberitahuan/."""

from __future__ import annotations

from django.urls import path

from kotan.notifications import views

urlpatterns = [
    path("pemberitahuan/", views.notification_list, name="notification_list"),
    path("pemberitahuan/<int:pk>/buka/", views.notification_open, name="notification_open"),
    path("pemberitahuan/baca-semua/", views.notification_read_all, name="notification_read_all"),
    path("pemberitahuan/pengaturan/", views.notification_settings, name="notification_settings"),
]
