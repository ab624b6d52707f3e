from __future__ import annotations

from django.urls import path

from kotan.collection import views_periods

urlpatterns = [
    path("pengumpulan/periode/baru/", views_periods.period_create, name="period_create"),
    path(
        "pengumpulan/periode/<int:year>/<str:word>/",
        views_periods.period_status,
        name="period_status",
    ),
]
