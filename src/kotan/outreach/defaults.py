"""The default text of each message template, in plain Indonesian. Created in the database
the first time a template is needed (``actions.ensure_templates``); national admins edit them.
The summaries have no greeting: they go out through ``notify``, whose email greets."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DEFAULT_TEMPLATES: dict[str, tuple[Promise, Promise]] = {
    "reminder_before": (
        _("Pengingat KOTAN: {sisa_hari} hari lagi menuju tenggat"),
        _(
            "Yth. {nama},\n\n"
            "Pengisian kuesioner {periode} untuk {wilayah} baru {terisi} dari {target} "
            "responden. Tenggatnya {tenggat}, {sisa_hari} hari lagi.\n\n"
            "Mohon bantuan Bapak/Ibu agar kuesioner segera diisi: {tautan}\n\n"
            "Terima kasih."
        ),
    ),
    "reminder_after": (
        _("Pengingat KOTAN: tenggat sudah lewat {hari_lewat} hari"),
        _(
            "Yth. {nama},\n\n"
            "Tenggat pengisian kuesioner {periode} untuk {wilayah} ({tenggat}) sudah lewat "
            "{hari_lewat} hari, dan baru {terisi} dari {target} responden yang mengisi.\n\n"
            "Mohon kuesioner segera dilengkapi: {tautan}\n\n"
            "Terima kasih."
        ),
    ),
    "escalation_province": (
        _("Ringkasan KOTAN: {jumlah} kabupaten/kota di {provinsi} melewati tenggat"),
        _(
            "Kabupaten/kota berikut di {provinsi} belum memenuhi kuota {periode} "
            "setelah tenggat {tenggat}:\n\n{daftar}\n\n"
            "Mohon ditindaklanjuti bersama BNNK dan instansi setempat: {tautan}"
        ),
    ),
    "escalation_national": (
        _("Ringkasan nasional KOTAN: {jumlah} kabupaten/kota melewati tenggat"),
        _(
            "Jumlah kabupaten/kota yang belum memenuhi kuota {periode} setelah tenggat "
            "{tenggat}, per provinsi:\n\n{daftar}\n\nRincian: {tautan}"
        ),
    ),
    "invitation": (
        _("Undangan mengisi kuesioner {periode}"),
        _(
            "Yth. {nama},\n\n"
            "{instansi} diundang mengisi kuesioner {periode} ({unit}) untuk {wilayah}. "
            "Silakan buka tautan berikut sebelum {tenggat}: {tautan}\n\n"
            "Terima kasih."
        ),
    ),
}
