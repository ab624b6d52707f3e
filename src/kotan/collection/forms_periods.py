from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kotan.instruments.models import Instrument
from kotan.regions.models import Province, Regency


class PeriodForm(forms.Form):
    year = forms.IntegerField(label=_("Tahun"), min_value=2019, max_value=2100)
    name = forms.CharField(label=_("Nama periode"), max_length=200)
    instrument = forms.ModelChoiceField(
        label=_("Instrumen (sudah terbit)"),
        queryset=Instrument.objects.exclude(status=Instrument.Status.DRAFT),
    )
    opens_on = forms.DateField(label=_("Dibuka"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("Ditutup"), widget=forms.DateInput(attrs={"type": "date"}))
    deadline = forms.DateField(
        label=_("Tenggat pengisian kabupaten/kota"), widget=forms.DateInput(attrs={"type": "date"})
    )
    provinces = forms.ModelMultipleChoiceField(
        label=_("Semua kabupaten/kota di provinsi"),
        queryset=Province.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    regency_codes = forms.CharField(
        label=_("Kabupaten/kota lain (kode Kemendagri, dipisah koma atau spasi)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_regency_codes(self) -> list[Regency]:
        codes = [c for c in re.split(r"[\s,;]+", self.cleaned_data["regency_codes"]) if c]
        found = {r.code: r for r in Regency.objects.filter(code__in=codes)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise forms.ValidationError(
                _("Kode tidak dikenal: %(codes)s") % {"codes": ", ".join(unknown)}
            )
        return list(found.values())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("opens_on") and data.get("closes_on") and data["opens_on"] > data["closes_on"]:
            self.add_error("closes_on", _("Tanggal ditutup harus sesudah tanggal dibuka."))
        if not data.get("provinces") and not data.get("regency_codes"):
            raise forms.ValidationError(_("Pilih sedikitnya satu provinsi atau kabupaten/kota."))
        return data

    def regencies(self) -> list[Regency]:
        chosen = {r.pk: r for r in self.cleaned_data["regency_codes"]}
        for regency in Regency.objects.filter(province__in=self.cleaned_data["provinces"]):
            chosen.setdefault(regency.pk, regency)
        return sorted(chosen.values(), key=lambda r: r.code)
