"""Monev pages, under /monev/."""

from __future__ import annotations

from django.urls import path

from kotan.monev import views, views_analytics, views_followups, views_report

urlpatterns = [
    path("", views.visit_list, name="monev_visit_list"),
    path("baru/", views.visit_create, name="monev_visit_create"),
    path("<int:pk>/", views.visit_detail, name="monev_visit_detail"),
    path("<int:pk>/ubah/", views.visit_edit, name="monev_visit_edit"),
    path("<int:pk>/laporan.<str:fmt>", views_report.visit_report_file, name="monev_report"),
    path("<int:pk>/tim/", views.team_add, name="monev_team_add"),
    path("tim/<int:pk>/hapus/", views.team_remove, name="monev_team_remove"),
    path("<int:visit_pk>/sesi/baru/", views.session_form, name="monev_session_create"),
    path("sesi/<int:pk>/", views.session_form, name="monev_session_edit"),
    path("sesi/<int:pk>/hapus/", views.session_remove, name="monev_session_remove"),
    path("sesi/<int:session_pk>/pointer/baru/", views.point_form, name="monev_point_create"),
    path("pointer/<int:pk>/", views.point_form, name="monev_point_edit"),
    path("pointer/<int:pk>/geser/<str:direction>/", views.point_move, name="monev_point_move"),
    path("pointer/<int:pk>/hapus/", views.point_remove, name="monev_point_remove"),
    path(
        "pointer/<int:point_pk>/tindak-lanjut/baru/",
        views_followups.follow_up_form,
        name="monev_follow_up_create",
    ),
    path("tindak-lanjut/", views_followups.follow_up_list, name="monev_follow_up_list"),
    path(
        "tindak-lanjut/<int:pk>/", views_followups.follow_up_detail, name="monev_follow_up_detail"
    ),
    path(
        "tindak-lanjut/<int:pk>/ubah/", views_followups.follow_up_form, name="monev_follow_up_edit"
    ),
    path(
        "tindak-lanjut/<int:pk>/status/",
        views_followups.follow_up_status,
        name="monev_follow_up_status",
    ),
    path(
        "tindak-lanjut/<int:pk>/catatan/",
        views_followups.follow_up_note,
        name="monev_follow_up_note",
    ),
    path(
        "tindak-lanjut/<int:pk>/bukti/",
        views_followups.follow_up_evidence,
        name="monev_follow_up_evidence",
    ),
    path(
        "tindak-lanjut/<int:pk>/verifikasi/",
        views_followups.follow_up_verify,
        name="monev_follow_up_verify",
    ),
    path(
        "tindak-lanjut/<int:pk>/buka-kembali/",
        views_followups.follow_up_reopen,
        name="monev_follow_up_reopen",
    ),
    path("bukti/<int:pk>/", views_followups.evidence_download, name="monev_evidence"),
    path("analitik/", views_analytics.analytics, name="monev_analytics"),
]
