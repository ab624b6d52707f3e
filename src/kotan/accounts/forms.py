from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    # Off by default: a shared office computer forgets the session after
    # KOTAN_SESSION_HOURS; an enumerator's own phone may stay signed in for a field trip.
    remember = forms.BooleanField(required=False)

    error_messages = {
        "invalid_login": _(
            "Nama pengguna atau kata sandi salah. Perhatikan huruf besar dan kecil. "
            "Akun dikunci sementara setelah beberapa kali gagal."
        ),
        "inactive": _("Akun ini tidak aktif. Hubungi admin BNN."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Nama pengguna")
        self.fields["password"].label = _("Kata sandi")
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        self.fields["remember"].label = _(
            "Ingat perangkat ini selama %(days)d hari (hanya di perangkat Anda sendiri)"
        ) % {"days": settings.SESSION_REMEMBER_DAYS}
