"""Every page and endpoint of collection, by what it serves."""

from __future__ import annotations

from django.urls import URLPattern, path

from kotan.collection import views_desk, views_links, views_periods, views_progress
from kotan.collection import views_exports as exports_views
from kotan.collection.channels import api, excel_views, odk_views, paper_views, web_views

urlpatterns: list[URLPattern] = [
    # The web questionnaire: by respondent link, and by an enumerator
    path("isi/<str:token>/", web_views.link_form, name="form_link"),
    path("isi/<str:token>/periksa/", web_views.link_review, name="form_link_review"),
    path("isi/<str:token>/tanda-terima/", web_views.link_receipt, name="form_link_receipt"),
    path("pengisian/", web_views.enumerator_home, name="enumerator_home"),
    path(
        "pengisian/<int:assignment_id>/<str:unit_code>/",
        web_views.enumerator_form,
        name="form_enumerator",
    ),
    path(
        "pengisian/<int:assignment_id>/<str:unit_code>/periksa/",
        web_views.enumerator_review,
        name="form_enumerator_review",
    ),
    path(
        "pengisian/<int:assignment_id>/<str:unit_code>/tanda-terima/",
        web_views.enumerator_receipt,
        name="form_enumerator_receipt",
    ),
    # The offline questionnaire and its service worker
    path("sw.js", web_views.service_worker, name="service_worker"),
    path("isi/<str:token>/luring/", web_views.offline_link, name="form_link_offline"),
    path(
        "pengisian/<int:assignment_id>/<str:unit_code>/luring/",
        web_views.offline_enumerator,
        name="form_enumerator_offline",
    ),
    # Assignments and respondent links (operator pages)
    path("pengumpulan/", views_links.assignment_list, name="assignment_list"),
    path("pengumpulan/<int:pk>/", views_links.assignment_detail, name="assignment_detail"),
    path(
        "pengumpulan/<int:pk>/status/<str:word>/",
        views_links.assignment_transition,
        name="assignment_transition",
    ),
    path("pengumpulan/<int:pk>/tautan/", views_links.link_create, name="link_create"),
    path("tautan/<int:pk>/", views_links.link_detail, name="link_detail"),
    path("tautan/<int:pk>/cetak/", views_links.link_print, name="link_print"),
    path("tautan/<int:pk>/qr.svg", views_links.link_qr, name="link_qr"),
    path("tautan/<int:pk>/nonaktifkan/", views_links.link_deactivate, name="link_deactivate"),
    # Periods
    path("pengumpulan/periode/baru/", views_periods.period_create, name="period_create"),
    path(
        "pengumpulan/periode/<int:year>/<str:word>/",
        views_periods.period_status,
        name="period_status",
    ),
    # Progress, data quality, responses and their evidence
    path("progres/", views_progress.progress_matrix, name="progress"),
    path("progres/unduh.csv", views_progress.progress_csv, name="progress_csv"),
    path("progres/kualitas/", views_progress.quality, name="quality"),
    path(
        "progres/kualitas/<int:response_id>/kecualikan/",
        views_progress.response_exclude,
        name="response_exclude",
    ),
    path(
        "progres/kualitas/proses-ulang/", views_progress.quality_reprocess, name="quality_reprocess"
    ),
    path(
        "progres/penugasan/<int:pk>/",
        views_progress.assignment_responses,
        name="assignment_responses",
    ),
    path(
        "progres/jawaban/<int:response_id>/", views_progress.response_detail, name="response_detail"
    ),
    path(
        "progres/jawaban/<int:response_id>/sertakan/",
        views_progress.response_include,
        name="response_include",
    ),
    path(
        "progres/bukti/<int:evidence_id>/",
        views_progress.evidence_download,
        name="evidence_download",
    ),
    # The operator's desk: invalid and conflicting submissions, corrected or rejected
    path("meja/", views_desk.desk_list, name="desk_list"),
    path("meja/<int:pk>/", views_desk.desk_detail, name="desk_detail"),
    path("meja/<int:pk>/koreksi/", views_desk.desk_correct, name="desk_correct"),
    path("meja/<int:pk>/tolak/", views_desk.desk_reject, name="desk_reject"),
    # The JSON API
    path("api/v1/submissions/", api.submissions, name="api_submissions"),
    # Excel: a template per assignment, and the upload of filled files
    path("pengumpulan/<int:assignment_id>/excel/", excel_views.excel_page, name="excel_page"),
    path(
        "pengumpulan/<int:assignment_id>/excel/templat.xlsx",
        excel_views.excel_template,
        name="excel_template",
    ),
    # Paper questionnaires (PDF) for when filling on line is impossible
    path(
        "pengumpulan/<int:assignment_id>/kertas/<str:unit_code>.pdf",
        paper_views.assignment_paper,
        name="paper_assignment",
    ),
    path(
        "pengumpulan/periode/<int:year>/kertas/<str:unit_code>.pdf",
        paper_views.period_paper,
        name="paper_period",
    ),
    # ODK Collect / KoboCollect: the server URL is /odk (Collect appends formList and submission)
    path("odk/", odk_views.help_page, name="odk_help"),
    path("odk/formList", odk_views.form_list, name="odk_form_list"),
    path("odk/forms/<int:year>/<str:unit>.xml", odk_views.form_xml, name="odk_form"),
    path("odk/submission", odk_views.submission, name="odk_submission"),
    path(
        "odk/unduh/<int:year>/<str:unit>.xlsx",
        odk_views.form_download,
        {"fmt": "xlsx"},
        name="odk_download_xlsform",
    ),
    path(
        "odk/unduh/<int:year>/<str:unit>.xml",
        odk_views.form_download,
        {"fmt": "xml"},
        name="odk_download_xform",
    ),
    # Long work in the background (kotan.jobs): every PDF of a period, the responses as XLSX
    path(
        "pengumpulan/periode/<int:year>/kertas/semua/",
        paper_views.period_paper_page,
        name="paper_period_page",
    ),
    path(
        "pengumpulan/periode/<int:year>/kertas/semua/zip/",
        paper_views.period_paper_zip,
        name="paper_period_zip",
    ),
    path("progres/ekspor/<int:year>/", exports_views.export_page, name="responses_export"),
    path(
        "progres/ekspor/<int:year>/mulai/",
        exports_views.export_start,
        name="responses_export_start",
    ),
]
