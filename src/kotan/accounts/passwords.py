"""Set-password links by email: the self-service reset, a reset sent by an operator, and the
invitation of a new account. One token (Django's generator), one confirm page, one validity
(``settings.PASSWORD_RESET_TIMEOUT``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kotan.accounts.models import User

SITE_NAME = "SI-KOTAN"
RESET_TEMPLATES = (
    "registration/password_reset_subject.txt",
    "registration/password_reset_email.txt",
)
INVITE_TEMPLATES = ("registration/invitation_subject.txt", "registration/invitation_email.txt")


def reset_link_validity(seconds: int | None = None) -> str:
    """How long a set-password link works, in words ("3 hari", "12 jam", "30 menit")."""
    total = int(settings.PASSWORD_RESET_TIMEOUT if seconds is None else seconds)
    if total >= 86400 and total % 86400 == 0:
        days = total // 86400
        return ngettext("%(n)d hari", "%(n)d hari", days) % {"n": days}
    if total >= 3600:
        hours = total // 3600
        return ngettext("%(n)d jam", "%(n)d jam", hours) % {"n": hours}
    minutes = max(1, total // 60)
    return ngettext("%(n)d menit", "%(n)d menit", minutes) % {"n": minutes}


def email_context(user: User, base_url: str) -> dict[str, Any]:
    """What the reset and invitation emails need: the same keys as Django's reset email."""
    parts = urlsplit(base_url)
    return {
        "email": user.email,
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "protocol": parts.scheme or "https",
        "domain": parts.netloc,
        "site_name": SITE_NAME,
        "valid_for": reset_link_validity(),
    }


def send_set_password_email(
    user: User, base_url: str, *, invitation: bool, extra: dict[str, Any] | None = None
) -> None:
    """Queue (post_office) a set-password link to the user's email address."""
    if not user.email:
        raise ValueError("an account without email cannot be sent a link")
    context = email_context(user, base_url) | (extra or {})
    subject_template, body_template = INVITE_TEMPLATES if invitation else RESET_TEMPLATES
    subject = "".join(render_to_string(subject_template, context).splitlines())
    body = render_to_string(body_template, context)
    send_mail(subject, body, None, [user.email])


class ResetForm(PasswordResetForm):
    """Django's reset form, in Bahasa Indonesia, also for accounts that never set a password:
    an invited person who lost the invitation asks again here (SI-KOTAN has no other sign-in
    that an unusable password would protect)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Alamat email akun Anda")
        self.fields["email"].widget.attrs.update({"autocomplete": "email"})

    def get_users(self, email: str) -> Iterator[User]:
        return iter(User.objects.filter(email__iexact=email.strip(), is_active=True))
