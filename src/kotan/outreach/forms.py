"""Forms of the outreach pages: a template, a reminder plan, a reply note."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kotan.outreach.schedule import parse_day_list


class TemplateForm(forms.Form):
    subject = forms.CharField(label=_("Subjek (email)"), max_length=200)
    body = forms.CharField(
        label=_("Isi pesan"), max_length=4000, widget=forms.Textarea(attrs={"rows": 12})
    )


class DayListField(forms.CharField):
    """ "14, 7, 3, 1" → [14, 7, 3, 1]; whole numbers 0..90, each once."""

    def to_python(self, value: object) -> list[int]:  # type: ignore[override]
        text = super().to_python(value)
        days, problem = parse_day_list(text or "")
        if problem:
            raise forms.ValidationError(problem)
        return days


class PlanForm(forms.Form):
    days_before = DayListField(
        label=_("Hari sebelum tenggat"),
        required=False,
        help_text=_("Dipisah koma, misalnya 14, 7, 3, 1. Bilangan bulat 0 sampai 90."),
    )
    days_after = DayListField(
        label=_("Hari setelah tenggat"),
        required=False,
        help_text=_("Dipisah koma, misalnya 1, 3, 7."),
    )
    enabled = forms.BooleanField(label=_("Kirim pengingat untuk periode ini"), required=False)


class ReplyForm(forms.Form):
    reply_note = forms.CharField(
        label=_("Catatan balasan"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SendNowForm(forms.Form):
    contact = forms.IntegerField()
    channel = forms.ChoiceField(choices=[("email", "email"), ("whatsapp", "whatsapp")])
