"""Signing in and out, organisations, users and the audit trail."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from kotan.accounts import views
from kotan.accounts.views import RememberingLoginView

urlpatterns = [
    path("akun/masuk/", RememberingLoginView.as_view(), name="login"),
    path("akun/keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("organisasi/", views.organization_list, name="organization_list"),
    path("organisasi/<int:pk>/", views.organization_detail, name="organization_detail"),
    path("pengguna/", views.user_list, name="user_list"),
    path("audit/", views.audit_list, name="audit_list"),
]
