from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from kotan.accounts.views import RememberingLoginView

urlpatterns = [
    path("masuk/", RememberingLoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
]
