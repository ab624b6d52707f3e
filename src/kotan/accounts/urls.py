"""Signing in and out, passwords, organisations and their contacts, users and the audit trail."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from kotan.accounts import views
from kotan.accounts.views import RememberingLoginView

urlpatterns = [
    path("akun/masuk/", RememberingLoginView.as_view(), name="login"),
    path("akun/keluar/", auth_views.LogoutView.as_view(), name="logout"),
    # Passwords: Django's views under Django's names (its templates and emails refer to them).
    path("akun/lupa-sandi/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "akun/lupa-sandi/terkirim/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "akun/atur-sandi/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "akun/atur-sandi/selesai/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("akun/ubah-sandi/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "akun/ubah-sandi/selesai/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("organisasi/", views.organization_list, name="organization_list"),
    path("organisasi/<int:pk>/", views.organization_detail, name="organization_detail"),
    path("organisasi/<int:pk>/narahubung/tambah/", views.contact_add, name="contact_add"),
    path("narahubung/<int:pk>/ubah/", views.contact_edit, name="contact_edit"),
    path("narahubung/<int:pk>/nonaktifkan/", views.contact_deactivate, name="contact_deactivate"),
    path("pengguna/", views.user_list, name="user_list"),
    path("pengguna/baru/", views.user_create, name="user_create"),
    path("pengguna/<int:pk>/", views.user_detail, name="user_detail"),
    path("pengguna/<int:pk>/nonaktifkan/", views.user_deactivate, name="user_deactivate"),
    path("pengguna/<int:pk>/aktifkan/", views.user_reactivate, name="user_reactivate"),
    path("pengguna/<int:pk>/kirim-tautan/", views.user_send_reset, name="user_send_reset"),
    path("audit/", views.audit_list, name="audit_list"),
]
