"""Forms of the bulk sending pages: the list with the links' settings, its confirmation, and
the sending of invitations."""

from __future__ import annotations

import secrets
from dataclasses import astuple
from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from kotan.collection.forms_links import LinkSettingsForm
from kotan.outreach import bulk

PLAN_SALT = "kotan.outreach.bulk.plan"
PLAN_MAX_AGE = 24 * 3600  # a preview left open overnight is checked again
# The largest id a database column holds: a bigger number in a link list (an edited address)
# names no link, and must not reach the database, which refuses it with an error.
MAX_ID = 2**63 - 1


class BulkListForm(LinkSettingsForm):
    """The links' settings and the list, typed or uploaded. ``cleaned_data["entries"]``: the
    checked entries; ``problems``: every located problem of the list (then the form is
    invalid)."""

    daftar = forms.CharField(
        label=_("Daftar instansi dan narahubung"),
        required=False,
        max_length=bulk.MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    berkas = forms.FileField(
        label=_("Atau unggah berkas Excel (.xlsx)"),
        required=False,
        help_text=_("Gunakan templat di atas; paling besar 2 MB."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.problems: list[bulk.EntryProblem] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        text = (data.get("daftar") or "").strip()
        upload = data.get("berkas")
        if self.errors:
            return data
        if not text and upload is None:
            self.add_error(
                "daftar", _("Tulis daftar di kotak ini, atau unggah berkas Excel di bawahnya.")
            )
            return data
        if text and upload is not None:
            self.add_error(
                "berkas", _("Pilih salah satu: daftar yang diketik atau berkas Excel, bukan dua.")
            )
            return data
        try:
            if upload is not None:
                bulk.check_upload_size(upload.size or 0)  # a too large file is never read
                data["entries"] = bulk.read_xlsx(upload.read(bulk.MAX_UPLOAD_BYTES + 1))
            else:
                data["entries"] = bulk.read_text(text)
        except bulk.ListRejected as exc:
            self.problems = exc.problems
            self.add_error(None, _("Daftar belum dapat diterima; tidak ada yang dibuat."))
        return data


def sign_plan(assignment_id: int, form_data: dict[str, Any], entries: list[bulk.Entry]) -> str:
    """The checked list and its settings, signed, carried from the preview to the confirmation."""
    return signing.dumps(
        {
            "assignment": assignment_id,
            "unit": form_data["unit"],
            "max_uses": form_data["max_uses"],
            "valid_days": form_data["valid_days"],
            "entries": [astuple(e) for e in entries],
            "nonce": secrets.token_hex(12),  # one plan, made once (see views_bulk.bulk_confirm)
        },
        salt=PLAN_SALT,
        compress=True,
    )


class ConfirmForm(forms.Form):
    """The signed plan of a preview; ``cleaned_data["plan"]`` is the dictionary signed."""

    rencana = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, assignment_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assignment_id = assignment_id

    def clean_rencana(self) -> dict[str, Any]:
        expired = _("Pratinjau ini sudah kedaluwarsa atau rusak. Periksa daftar sekali lagi.")
        try:
            plan = signing.loads(self.cleaned_data["rencana"], salt=PLAN_SALT, max_age=PLAN_MAX_AGE)
        except signing.BadSignature:
            raise forms.ValidationError(expired) from None
        if not isinstance(plan, dict) or plan.get("assignment") != self.assignment_id:
            raise forms.ValidationError(expired)
        plan["entries"] = [bulk.Entry(*row) for row in plan["entries"]]
        return plan


CHANNEL_CHOICES = [
    ("email", _("Email")),
    ("whatsapp", _("WhatsApp (disiapkan untuk dikirim operator)")),
]


class SendForm(forms.Form):
    """Which links to send, by which channels; ``ulang`` sends again what was sent before."""

    tautan = forms.CharField(widget=forms.HiddenInput)
    kanal = forms.MultipleChoiceField(
        label=_("Kirim lewat"),
        choices=CHANNEL_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        initial=["email", "whatsapp"],
        error_messages={"required": _("Pilih email, WhatsApp, atau keduanya.")},
    )
    ulang = forms.BooleanField(
        label=_("Kirim ulang juga kepada narahubung yang sudah dikirimi"),
        required=False,
    )

    def clean_tautan(self) -> list[int]:
        return parse_ids(self.cleaned_data["tautan"])


def parse_ids(text: str) -> list[int]:
    """Link ids written as ``12,13,14``; a malformed list is refused."""
    try:
        ids = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise forms.ValidationError(_("Daftar tautan tidak valid.")) from None
    if not ids or len(ids) > bulk.MAX_ROWS * 4 or any(not 0 < i <= MAX_ID for i in ids):
        raise forms.ValidationError(_("Daftar tautan tidak valid."))
    return list(dict.fromkeys(ids))
