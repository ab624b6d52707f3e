from __future__ import annotations

from django.contrib import admin
from django.urls import include, path, register_converter
from django.utils.translation import gettext_lazy as _

from kotan.accounts import views as accounts_views
from kotan.core import views as core_views
from kotan.dashboard import regions as regions_views
from kotan.dashboard import views as dashboard_views
from kotan.instruments import views as instruments_views
from kotan.regions.converters import ProvinceCode, RegencyCode

register_converter(ProvinceCode, "province")
register_converter(RegencyCode, "regency")

admin.site.site_header = _("Administrasi SI-KOTAN")
admin.site.site_title = _("SI-KOTAN")
admin.site.index_title = _("Data referensi dan akun")

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("health/", core_views.health, name="health"),
    path("akun/", include("kotan.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("wilayah/", regions_views.province_list, name="province_list"),
    path("wilayah/<province:code>/", regions_views.province_detail, name="province_detail"),
    path("wilayah/<regency:code>/", regions_views.regency_detail, name="regency_detail"),
    path("instrumen/", instruments_views.instrument_list, name="instrument_list"),
    path("instrumen/<int:pk>/", instruments_views.instrument_detail, name="instrument_detail"),
    path(
        "instrumen/<int:pk>/unduh.<str:fmt>",
        instruments_views.instrument_download,
        name="instrument_download",
    ),
    path(
        "instrumen/<int:pk>/<str:action>/",
        instruments_views.instrument_action,
        name="instrument_action",
    ),
    path("", include("kotan.collection.urls")),
    path("", include("kotan.scoring.urls")),
    path("monev/", include("kotan.monev.urls")),
    path("organisasi/", accounts_views.organization_list, name="organization_list"),
    path("organisasi/<int:pk>/", accounts_views.organization_detail, name="organization_detail"),
    path("pengguna/", accounts_views.user_list, name="user_list"),
    path("audit/", accounts_views.audit_list, name="audit_list"),
    path("admin/", admin.site.urls),
]

handler400 = "kotan.core.errors.bad_request"
handler403 = "kotan.core.errors.permission_denied"
handler404 = "kotan.core.errors.page_not_found"
handler500 = "kotan.core.errors.server_error"
