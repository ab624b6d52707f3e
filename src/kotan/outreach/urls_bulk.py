"""Routes for sending respondent links in bulk, from an assignment."""

from __future__ import annotations

from django.urls import URLPattern, path

from kotan.collection import views_links
from kotan.outreach import views_bulk

urlpatterns: list[URLPattern] = [
    # A focal point's link for its own institution (the view lives with the other link pages;
    # the route is here because collection/urls.py belongs to another part of the work).
    path(
        "pengumpulan/<int:pk>/tautan-instansi/",
        views_links.own_link_create,
        name="own_link_create",
    ),
    path("pengumpulan/<int:pk>/kirim-massal/", views_bulk.bulk_start, name="bulk_start"),
    path(
        "pengumpulan/<int:pk>/kirim-massal/templat.xlsx",
        views_bulk.bulk_template,
        name="bulk_template",
    ),
    path("pengumpulan/<int:pk>/kirim-massal/buat/", views_bulk.bulk_confirm, name="bulk_confirm"),
    path("pengumpulan/<int:pk>/kirim-massal/tautan/", views_bulk.bulk_batch, name="bulk_batch"),
    path("pengumpulan/<int:pk>/kirim-massal/kirim/", views_bulk.bulk_send, name="bulk_send"),
    path("pengumpulan/<int:pk>/kirim-massal/qr/", views_bulk.bulk_qr_sheet, name="bulk_qr_sheet"),
    path("pengumpulan/<int:pk>/kirim-massal/qr.pdf", views_bulk.bulk_qr_pdf, name="bulk_qr_pdf"),
]
