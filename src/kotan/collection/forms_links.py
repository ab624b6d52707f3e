"""Forms of the assignment and link pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kotan.instruments.models import ObservationUnit

ONCE, SEVERAL, UNLIMITED = "sekali", "beberapa", "tanpa_batas"
MAX_VALID_DAYS = 90


class LinkSettingsForm(forms.Form):
    """How a new respondent link works: unit, uses, validity. ``cleaned_data["max_uses"]`` is
    None for an unlimited link. A focal point's link and the links made in bulk take only these;
    the label comes from the institution."""

    unit = forms.ChoiceField(label=_("Kelompok responden (unit observasi)"))
    uses = forms.ChoiceField(
        label=_("Penggunaan"),
        choices=[
            (ONCE, _("Sekali pakai (satu responden)")),
            (SEVERAL, _("Beberapa kali")),
            (UNLIMITED, _("Tanpa batas")),
        ],
        initial=ONCE,
        widget=forms.RadioSelect,
    )
    max_uses = forms.IntegerField(
        label=_("Jumlah penggunaan"),
        min_value=2,
        max_value=10_000,
        required=False,
        help_text=_("Hanya untuk pilihan “beberapa kali”."),
    )
    valid_days = forms.IntegerField(
        label=_("Berlaku (hari)"), min_value=1, max_value=MAX_VALID_DAYS, initial=30
    )

    def __init__(self, *args: Any, units: Iterable[ObservationUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.code, u.name) for u in units]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        uses = data.get("uses")
        if uses == ONCE:
            data["max_uses"] = 1
        elif uses == UNLIMITED:
            data["max_uses"] = None
        elif uses == SEVERAL and not data.get("max_uses") and "max_uses" not in self.errors:
            self.add_error("max_uses", _("Isi jumlah penggunaan (2 atau lebih)."))
        return data


class LinkForm(LinkSettingsForm):
    """A new respondent link made by an operator, with its label."""

    label = forms.CharField(
        label=_("Keterangan atau nama instansi"),
        max_length=200,
        help_text=_("Misalnya: Dinas Pendidikan, atau Warga Kecamatan Muara Bulian."),
    )
