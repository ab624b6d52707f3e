"""Sharing a respondent link: its public address, a WhatsApp message and a QR code (SVG)."""

from __future__ import annotations

import io
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import quote

import segno
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from kotan.collection.models import RespondentLink

WHATSAPP = "https://wa.me/?text="


def public_path(token: str) -> str:
    """The questionnaire's path for a link token (``/isi/<token>/``)."""
    try:
        return reverse("form_link", args=[token])
    except NoReverseMatch:  # the public form's URLs are not wired in (yet)
        return f"/isi/{quote(token, safe='')}/"


def whatsapp_url(text: str) -> str:
    """A wa.me address that opens WhatsApp with ``text`` ready to send to a chosen contact."""
    return WHATSAPP + quote(text, safe="")


def invitation_text(
    *, year: int, regency: str, unit: str, url: str, expires_at: datetime, office: str
) -> str:
    """The message sent to respondents: always in Bahasa Indonesia, whatever the sender's UI."""
    with translation.override("id"):
        until = formats.date_format(timezone.localtime(expires_at), "j F Y")
        return _(
            "Yth. Bapak/Ibu, mohon kesediaannya mengisi kuesioner IKOTAN {year} untuk "
            "{regency} (kelompok responden: {unit}) melalui tautan berikut:\n{url}\n"
            "Tautan berlaku sampai {until}. Terima kasih.\n— {office}"
        ).format(year=year, regency=regency, unit=unit, url=url, until=until, office=office)


def _qr(url: str) -> segno.QRCode:
    # Level M survives a crease or a smudge on a printed sheet and keeps the code small.
    return segno.make(url, error="m", micro=False)


def qr_svg_inline(url: str, title: str) -> str:
    """SVG markup to put straight into a page.

    It scales with CSS (a viewBox, no width/height) and has no ``style`` attributes, so the
    strict Content-Security-Policy (``style-src 'self'``) does not block it. White modules are
    drawn so the code scans on any background.
    """
    svg = _qr(url).svg_inline(scale=1, omitsize=True, light="#fff", title=title, svgclass="qr")
    return svg.replace("<svg ", '<svg role="img" ', 1)


def qr_svg_file(url: str, title: str) -> bytes:
    """A standalone SVG file (with XML declaration and namespace) for download and print shops."""
    buffer = io.BytesIO()
    _qr(url).save(buffer, kind="svg", scale=10, light="#fff", title=title, svgclass="qr")
    return buffer.getvalue()


def link_invitation(link: RespondentLink, url: str) -> str:
    """The invitation of one link (its period, regency, unit, expiry and office), to ``url``."""
    assignment = link.assignment
    return invitation_text(
        year=assignment.period.year,
        regency=assignment.regency.name,
        unit=link.unit.name,
        url=url,
        expires_at=link.expires_at,
        office=assignment.responsible.name,
    )
