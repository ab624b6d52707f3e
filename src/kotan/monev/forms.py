"""Forms of the Monev pages. They check the shape of input; the actions check the rules."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kotan.accounts.models import Organization
from kotan.collection import evidence
from kotan.collection.channels.web_forms import MultipleFileInput
from kotan.instruments.models import Variable
from kotan.method.problems import ProblemsError
from kotan.monev.models import FollowUp, Method, Point, Session, TeamMember, Theme, Visit
from kotan.monev.texts import NOTE_MAX, text_field
from kotan.regions.models import Province

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def show_problems(form: forms.BaseForm, exc: ProblemsError) -> None:
    """Put each problem next to its field (or above the form when it has none)."""
    for problem in exc.problems:
        field = problem.location if problem.location in form.fields else None
        form.add_error(field, replace(problem, location="").message())


def organizations_for(province: Province | int) -> Any:
    """BNN RI and the offices and institutions of the visit's province."""
    province_id = province if isinstance(province, int) else province.pk
    return Organization.objects.filter(
        Q(kind=Organization.Kind.BNN_RI) | Q(province_id=province_id), is_active=True
    ).select_related("regency")


class VisitForm(forms.ModelForm):
    class Meta:
        model = Visit
        fields = [
            "title",
            "year",
            "period_label",
            "organizer",
            "starts_on",
            "ends_on",
            "regencies",
            "purpose",
            "status",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "regencies": forms.CheckboxSelectMultiple,
            "purpose": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"period_label": _("Misalnya: Semester II, atau Triwulan IV.")}

    def __init__(self, *args: Any, province: Province, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regencies"].queryset = province.regencies.all()  # type: ignore[attr-defined]
        self.fields["year"].widget.attrs.update(min=2019, max=2100)


class TeamMemberForm(forms.ModelForm):
    class Meta:
        model = TeamMember
        fields = ["role", "name", "position", "user"]

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users  # type: ignore[attr-defined]
        self.fields["user"].label = _("atau akun SI-KOTAN")
        self.fields["name"].help_text = _("Nama dan gelar, bila tidak memilih akun.")


class SessionForm(forms.ModelForm):
    methods = forms.MultipleChoiceField(
        label=_("Metode"), choices=Method.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Session
        fields = [
            "venue",
            "held_on",
            "institutions",
            "other_institutions",
            "received_by",
            "methods",
        ]
        widgets = {
            "held_on": DATE,
            "institutions": forms.CheckboxSelectMultiple,
            "received_by": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, province: Province, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institutions"].queryset = organizations_for(province)  # type: ignore[attr-defined]


def variable_choices() -> list[tuple[str, str]]:
    """IKOTAN variables by code (the latest instrument's names)."""
    names: dict[str, str] = {}
    for code, name in Variable.objects.order_by("-instrument__year").values_list("code", "name"):
        names.setdefault(code, name)
    return [("", "—"), *sorted((c, f"{c} · {n}") for c, n in names.items())]


class PointForm(forms.ModelForm):
    variable_code = forms.ChoiceField(label=_("Variabel IKOTAN"), required=False)

    class Meta:
        model = Point
        fields = ["kind", "text", "themes", "variable_code", "regency"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "themes": forms.CheckboxSelectMultiple,
        }
        help_texts = {"themes": _("Hanya untuk pointer berjenis kendala.")}

    def __init__(self, *args: Any, province: Province, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["regency"].queryset = province.regencies.all()  # type: ignore[attr-defined]
        self.fields["variable_code"].choices = variable_choices()  # type: ignore[attr-defined]


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["action", "owner", "owner_person", "due_on", "priority"]
        widgets = {"action": forms.Textarea(attrs={"rows": 3}), "due_on": DATE}
        help_texts = {"owner_person": _("Nama atau jabatan, misalnya: Kepala BNNK.")}

    def __init__(self, *args: Any, province: Province | int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = organizations_for(province)  # type: ignore[attr-defined]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status baru"), choices=FollowUp.Status.choices)
    note = text_field(
        NOTE_MAX, label=_("Catatan"), required=False, help_text=_("Wajib bila dibatalkan.")
    )


class NoteForm(forms.Form):
    noted_on = forms.DateField(label=_("Tanggal"), widget=DATE)
    text = text_field(NOTE_MAX, rows=3, label=_("Kemajuan"))


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data] or (
                super().clean(None, initial)
            )
        return [super().clean(data, initial)]


class EvidenceForm(forms.Form):
    uploads = MultipleFileField(
        label=_("Berkas bukti (PDF, JPEG atau PNG, maks. 5 MB)"),
        widget=MultipleFileInput(attrs={"accept": evidence.ACCEPT}),
    )


class ReasonForm(forms.Form):
    reason = text_field(NOTE_MAX, label=_("Alasan dibuka kembali (wajib)"))


class VerifyForm(forms.Form):
    note = text_field(NOTE_MAX, label=_("Catatan verifikasi"), required=False)
