from __future__ import annotations

from django.urls import path

from kotan.scoring import views_exports

urlpatterns = [
    path("hasil/<int:run_id>/hasil.xlsx", views_exports.run_export_xlsx, name="run_export_xlsx"),
    path("hasil/<int:run_id>/ringkasan.pdf", views_exports.run_export_pdf, name="run_export_pdf"),
]
