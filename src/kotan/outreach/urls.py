"""The pages of kotan.outreach: reminders, the message log, templates and schedules."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from kotan.outreach import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("pengingat/hari-ini/", views.today, name="outreach_today"),
    path("pengingat/log/", views.log, name="outreach_log"),
    path("pengingat/templat/", views.template_list, name="outreach_template_list"),
    path("pengingat/templat/<str:key>/", views.template_edit, name="outreach_template_edit"),
    path("pengingat/jadwal/<int:year>/", views.plan_edit, name="outreach_plan"),
    path("pengingat/pesan/<int:pk>/dikirim/", views.mark_sent, name="outreach_mark_sent"),
    path("pengingat/pesan/<int:pk>/balasan/", views.note_reply, name="outreach_note_reply"),
    path("pengingat/<regency:code>/", views.regency_page, name="outreach_regency"),
    path("pengingat/<regency:code>/kirim/", views.send_now, name="outreach_send_now"),
    path("", include("kotan.outreach.urls_bulk")),
]
