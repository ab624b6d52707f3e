from __future__ import annotations

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class InstrumentUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas instrumen (.yaml atau .xlsx)"),
        validators=[FileExtensionValidator(["yaml", "yml", "xlsx"])],
        help_text=_("Tersimpan sebagai draf; draf tahun dan versi yang sama akan diganti."),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Berkas terlalu besar (maksimum 2 MB)."))
        return upload


class CopyForm(forms.Form):
    year = forms.IntegerField(label=_("Tahun pengukuran baru"), min_value=2019, max_value=2100)
