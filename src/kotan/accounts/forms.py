from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from kotan.accounts.actions import manageable_roles
from kotan.accounts.models import Contact, Organization, Role, User
from kotan.accounts.scoping import Level, scope_queryset, user_scope
from kotan.regions.models import Province, Regency


class LoginForm(AuthenticationForm):
    # Off by default: a shared office computer forgets the session after
    # KOTAN_SESSION_HOURS; an enumerator's own phone may stay signed in for a field trip.
    remember = forms.BooleanField(required=False)

    error_messages = {
        "invalid_login": _(
            "Nama pengguna atau kata sandi salah. Perhatikan huruf besar dan kecil. "
            "Akun dikunci sementara setelah beberapa kali gagal."
        ),
        "inactive": _("Akun ini tidak aktif. Hubungi admin BNN."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Nama pengguna")
        self.fields["password"].label = _("Kata sandi")
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        self.fields["remember"].label = _(
            "Ingat perangkat ini selama %(days)d hari (hanya di perangkat Anda sendiri)"
        ) % {"days": settings.SESSION_REMEMBER_DAYS}


class ContactForm(forms.ModelForm):
    """The fields of a contact; the model's own rules (one of email or WhatsApp, the number
    normalised to +62) run here once, and the action stores what was cleaned."""

    class Meta:
        model = Contact
        fields = ["name", "position", "email", "whatsapp", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["is_active"] = forms.BooleanField(
                label=_("Aktif (dipakai untuk pengingat dan pengiriman)"),
                required=False,
                initial=self.instance.is_active,
            )
        self.fields["email"].widget.attrs.update({"autocomplete": "off", "inputmode": "email"})
        self.fields["whatsapp"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        self.fields["email"].help_text = _("Isi email atau nomor WhatsApp (salah satu wajib).")

    def clean_name(self) -> str:
        """One contact per person and organisation, as the bulk list counts them (by name,
        without case or extra spaces): a second tap on "Simpan" would otherwise add the
        same person twice, and every reminder would reach them twice."""
        name = " ".join(self.cleaned_data["name"].split())
        same = Contact.objects.filter(
            organization_id=self.instance.organization_id, name__iexact=name
        ).exclude(pk=self.instance.pk)
        if self.instance.organization_id and same.exists():
            raise forms.ValidationError(
                _(
                    "Narahubung bernama %(name)s sudah ada di organisasi ini. Ubah data "
                    "narahubung itu, atau bedakan namanya."
                ),
                params={"name": name},
            )
        return name


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AccountForm(forms.Form):
    """A new account of the actor's region: the role, region and organisation offered are
    those the actor may give (``actions.manageable_roles`` and the actor's scope)."""

    username = forms.CharField(
        label=_("Nama pengguna"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
        help_text=_("Huruf, angka dan . _ - tanpa spasi, misalnya enumerator.batanghari2."),
    )
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=150)
    email = forms.EmailField(
        label=_("Email"), help_text=_("Undangan untuk membuat kata sandi dikirim ke sini.")
    )
    role = forms.ChoiceField(
        label=_("Peran"),
        # Django's message would show the role's code (regency_operator) to the operator.
        error_messages={
            "invalid_choice": _(
                "Peran ini tidak dapat Anda berikan. Pilih salah satu peran di daftar."
            )
        },
    )
    organization = forms.ModelChoiceField(
        label=_("Organisasi"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Wajib untuk focal point: instansi tempat ia bekerja."),
    )
    province = forms.ModelChoiceField(
        label=_("Provinsi"),
        queryset=Province.objects.none(),
        required=False,
        help_text=_("Kosongkan untuk pemantau tingkat nasional."),
    )
    regency = forms.ModelChoiceField(
        label=_("Kabupaten/kota"),
        queryset=Regency.objects.none(),
        required=False,
        help_text=_("Wajib untuk enumerator dan focal point; kosong untuk pemantau provinsi."),
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = set(manageable_roles(actor))
        role = cast(forms.ChoiceField, self.fields["role"])
        role.choices = [("", "—"), *((v, lbl) for v, lbl in Role.choices if v in allowed)]
        organization = cast(forms.ModelChoiceField, self.fields["organization"])
        organization.queryset = scope_queryset(
            actor, Organization.objects.filter(is_active=True).select_related("regency")
        )
        province = cast(forms.ModelChoiceField, self.fields["province"])
        regency = cast(forms.ModelChoiceField, self.fields["regency"])
        scope = user_scope(actor)
        regencies = Regency.objects.select_related("province").order_by("code")
        if scope.level == Level.NATIONAL:
            province.queryset = Province.objects.order_by("code")
            regency.queryset = regencies
        elif scope.level == Level.PROVINCE:
            provinces = Province.objects.filter(pk__in=scope.province_ids)
            province.queryset = provinces
            province.required = True
            province.initial = provinces.first()
            province.help_text = ""
            regency.queryset = regencies.filter(province_id__in=scope.province_ids)
        else:  # a regency-level operator: the province follows the regency
            del self.fields["province"]
            regency.queryset = regencies.filter(pk__in=scope.regency_ids)
            regency.required = True
            regency.help_text = ""
