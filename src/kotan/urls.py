"""Every app's urls.py, in floor order, under one root."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path, register_converter
from django.utils.translation import gettext_lazy as _

from kotan.core import views as core_views
from kotan.regions.converters import ProvinceCode, RegencyCode

register_converter(ProvinceCode, "province")
register_converter(RegencyCode, "regency")

admin.site.site_header = _("Administrasi SI-KOTAN")
admin.site.site_title = _("SI-KOTAN")
admin.site.index_title = _("Data referensi dan akun")

urlpatterns = [
    path("health/", core_views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("kotan.accounts.urls")),
    path("", include("kotan.notifications.urls")),
    path("", include("kotan.jobs.urls")),
    path("", include("kotan.instruments.urls")),
    path("", include("kotan.collection.urls")),
    path("", include("kotan.scoring.urls")),
    path("monev/", include("kotan.monev.urls")),
    path("", include("kotan.outreach.urls")),
    path("", include("kotan.dashboard.urls")),
    path("publik/", include("kotan.public.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "kotan.core.errors.bad_request"
handler403 = "kotan.core.errors.permission_denied"
handler404 = "kotan.core.errors.page_not_found"
handler500 = "kotan.core.errors.server_error"
