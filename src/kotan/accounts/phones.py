"""WhatsApp numbers: Indonesian mobile numbers kept as E.164, shown to people, as wa.me links.

Plain functions (phonenumbers, no database), so the models can validate with them."""

from __future__ import annotations

import re
from urllib.parse import quote

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WHATSAPP_REGION = "ID"
# What people type between digits: spaces, dashes, dots, brackets.
_SEPARATORS = re.compile(r"[\s\-.()/]+")
_MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def normalize_whatsapp(text: str) -> str:
    """An Indonesian mobile number as E.164 (``+6281200001234``).

    Accepted: ``0812-0000-1234``, ``62812...`` and ``+62 812 ...``; anything else raises
    ValidationError with a message in Bahasa Indonesia."""
    compact = _SEPARATORS.sub("", text.strip())
    example = _("Tulis seperti 0812-3456-7890 atau +62 812-3456-7890.")
    if not compact:
        raise ValidationError(_("Nomor WhatsApp kosong.") + " " + example)
    if not re.fullmatch(r"\+?\d+", compact):
        raise ValidationError(_("Nomor WhatsApp hanya boleh berisi angka.") + " " + example)
    if compact.startswith("+") and not compact.startswith("+62"):
        raise ValidationError(_("Hanya nomor Indonesia (+62) yang diterima.") + " " + example)
    if not compact.startswith(("0", "62", "+62")):
        raise ValidationError(_("Nomor WhatsApp harus diawali 0, 62 atau +62.") + " " + example)
    if compact.startswith("62"):
        compact = "+" + compact
    try:
        number = phonenumbers.parse(compact, WHATSAPP_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("Nomor WhatsApp tidak dikenali.") + " " + example) from exc
    if number.country_code != 62 or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Nomor WhatsApp tidak valid: periksa jumlah angkanya.") + " " + example
        )
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        raise ValidationError(
            _("Ini bukan nomor ponsel; WhatsApp memerlukan nomor ponsel.") + " " + example
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_whatsapp(number: str) -> str:
    """A stored number as people read it (``+62 812-0000-1234``); unknown text unchanged."""
    try:
        parsed = phonenumbers.parse(number, WHATSAPP_REGION)
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def wa_me_url(number: str, text: str = "") -> str:
    """A ``https://wa.me/<digits>?text=...`` link: one tap opens WhatsApp with the message."""
    digits = re.sub(r"\D", "", number)
    url = f"https://wa.me/{digits}"
    return f"{url}?text={quote(text, safe='')}" if text else url
