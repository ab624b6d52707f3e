"""Organisations (BNN offices, regional institutions) and users with one role and one scope."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kotan.accounts.phones import display_whatsapp, normalize_whatsapp, wa_me_url
from kotan.regions.models import Province, Regency


class Organization(models.Model):
    """A BNN office (BNN RI, BNNP, BNNK) or a regional institution (e.g. Kesbangpol)."""

    class Kind(models.TextChoices):
        BNN_RI = "bnn_ri", _("BNN RI (pusat)")
        BNNP = "bnnp", _("BNNP (provinsi)")
        BNNK = "bnnk", _("BNNK (kabupaten/kota)")
        INSTITUTION = "institution", _("Instansi daerah")

    class Sector(models.TextChoices):
        BNN = "bnn", _("BNN")
        PEMDA = "pemda", _("Pemerintah daerah / OPD")
        EDUCATION = "education", _("Pendidikan")
        BUSINESS = "business", _("Swasta / BUMN / BUMD")
        COMMUNITY = "community", _("Masyarakat")
        VERTICAL = "vertical", _("Instansi vertikal")

    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    sector = models.CharField(
        _("sektor"), max_length=20, choices=Sector.choices, default=Sector.BNN
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("provinsi"),
    )
    regency = models.ForeignKey(
        Regency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("kabupaten/kota"),
        help_text=_("Kedudukan kantor atau instansi; kosong untuk BNN RI dan BNNP."),
    )
    covered_regencies = models.ManyToManyField(
        Regency,
        blank=True,
        related_name="covering_bnnk",
        verbose_name=_("wilayah kerja"),
        help_text=_("Hanya untuk BNNK: kabupaten/kota yang ditangani."),
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    scope_province_lookup = "province"
    scope_regency_lookup = "regency"

    class Meta:
        ordering = ["kind", "province__code", "regency__code", "name"]
        verbose_name = _("organisasi")
        verbose_name_plural = _("organisasi")
        constraints = [
            models.CheckConstraint(
                name="organization_region_matches_kind",
                condition=(
                    models.Q(kind="bnn_ri", province__isnull=True, regency__isnull=True)
                    | models.Q(kind="bnnp", province__isnull=False, regency__isnull=True)
                    | models.Q(kind__in=["bnnk", "institution"], province__isnull=False)
                ),
            ),
            models.UniqueConstraint(
                fields=["province"], condition=models.Q(kind="bnnp"), name="one_bnnp_per_province"
            ),
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(kind="bnn_ri"), name="one_bnn_ri"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    ONLY_BNNK_COVERS = _("Hanya BNNK yang memiliki wilayah kerja kabupaten/kota.")

    def check_coverage(self, regencies: Iterable[Regency]) -> None:
        """The regencies a BNNK may cover: its own province's, not another active BNNK's.

        One rule for the actions and the admin site; raises ValidationError."""
        wanted = list(regencies)
        if not wanted:
            return
        if self.kind != self.Kind.BNNK:
            raise ValidationError(self.ONLY_BNNK_COVERS)
        if any(r.province_id != self.province_id for r in wanted):
            raise ValidationError(_("Wilayah kerja BNNK harus berada di provinsinya sendiri."))
        taken = Regency.objects.filter(
            pk__in=[r.pk for r in wanted], covering_bnnk__is_active=True
        ).values_list("name", flat=True)
        if self.pk is not None:
            taken = taken.exclude(covering_bnnk=self)
        if taken:
            raise ValidationError(
                _("Sudah ditangani BNNK lain: %(names)s") % {"names": ", ".join(taken)}
            )

    def clean(self) -> None:
        if self.kind == self.Kind.BNN_RI and (self.province_id or self.regency_id):
            raise ValidationError(_("BNN RI tidak terikat pada wilayah."))
        if self.kind == self.Kind.BNNP and (not self.province_id or self.regency_id):
            raise ValidationError(_("BNNP harus memiliki provinsi dan tanpa kabupaten/kota."))
        if self.kind == self.Kind.BNNK and not self.regency_id:
            raise ValidationError(_("BNNK harus berkedudukan di sebuah kabupaten/kota."))
        if (
            self.regency is not None
            and self.province_id
            and self.regency.province_id != self.province_id
        ):
            raise ValidationError(_("Kabupaten/kota tidak berada di provinsi yang dipilih."))


class Role(models.TextChoices):
    NATIONAL_ADMIN = "national_admin", _("Admin nasional (BNN RI)")
    PROVINCE_OPERATOR = "province_operator", _("Operator provinsi (BNNP)")
    REGENCY_OPERATOR = "regency_operator", _("Operator kabupaten/kota (BNNK)")
    FOCAL_POINT = "focal_point", _("Focal point instansi")
    ENUMERATOR = "enumerator", _("Enumerator")
    VIEWER = "viewer", _("Pemantau")


# role -> (needs a province, needs a regency); a viewer may be national, provincial or regional.
ROLE_SCOPE: dict[str, tuple[bool, bool]] = {
    Role.NATIONAL_ADMIN: (False, False),
    Role.PROVINCE_OPERATOR: (True, False),
    Role.REGENCY_OPERATOR: (True, True),
    Role.FOCAL_POINT: (True, True),
    Role.ENUMERATOR: (True, True),
}


def check_role_scope(
    role: str,
    province: Province | None,
    regency: Regency | None,
    organization: Organization | None = None,
) -> None:
    """The one rule tying a role to its region, for every way an account is written
    (actions, the admin site, forms): raises ValidationError in Bahasa Indonesia."""
    if role not in Role.values:
        raise ValidationError(_("Peran tidak dikenal: %(role)s") % {"role": role})
    if regency is not None and (province is None or regency.province_id != province.pk):
        raise ValidationError(_("Kabupaten/kota tidak berada di provinsi yang dipilih."))
    if role in ROLE_SCOPE:
        want_province, want_regency = ROLE_SCOPE[role]
        if (province is not None) != want_province or (regency is not None) != want_regency:
            raise ValidationError(
                _("Cakupan wilayah tidak sesuai dengan peran %(role)s.")
                % {"role": Role(role).label}
            )
    if role == Role.FOCAL_POINT and organization is None:
        raise ValidationError(_("Focal point harus terhubung dengan sebuah instansi."))
    if (
        organization is not None
        and organization.province_id
        and province is not None
        and organization.province_id != province.pk
    ):
        raise ValidationError(_("Organisasi berada di provinsi lain dari cakupan pengguna."))


class KotanUserManager(UserManager["User"]):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("role", Role.NATIONAL_ADMIN)
        return super().create_superuser(username, email, password, **extra)


class User(AbstractUser):
    """A person with exactly one role and one scope (national, a province or a regency)."""

    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    full_name = models.CharField(_("nama lengkap"), max_length=150, blank=True)
    phone = models.CharField(_("nomor telepon"), max_length=30, blank=True)
    # No default: an account's reach is always chosen, never assumed (see check_role_scope).
    role = models.CharField(_("peran"), max_length=30, choices=Role.choices)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("organisasi"),
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("provinsi (cakupan)"),
    )
    regency = models.ForeignKey(
        Regency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kabupaten/kota (cakupan)"),
    )

    objects = KotanUserManager()  # type: ignore[misc]

    REQUIRED_FIELDS = ["email"]
    scope_province_lookup = "province"
    scope_regency_lookup = "regency"

    class Meta:
        ordering = ["username"]
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")
        constraints = [
            models.CheckConstraint(
                name="user_scope_matches_role",
                condition=(
                    models.Q(role="national_admin", province__isnull=True, regency__isnull=True)
                    | models.Q(
                        role="province_operator", province__isnull=False, regency__isnull=True
                    )
                    | models.Q(
                        role__in=["regency_operator", "focal_point", "enumerator"],
                        province__isnull=False,
                        regency__isnull=False,
                    )
                    | models.Q(role="viewer")
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        check_role_scope(self.role, self.province, self.regency, self.organization)

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.get_full_name()


class Contact(models.Model):
    """A focal person of an organisation of any kind (a Kesbangpol, an OPD, a BNNK, a partner
    institution): whom to remind, invite or ask. Private to those whose scope holds the
    organisation (``Capability.VIEW_CONTACTS``)."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="contacts",
        verbose_name=_("organisasi"),
    )
    name = models.CharField(_("nama"), max_length=150)
    position = models.CharField(_("jabatan"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    whatsapp = models.CharField(
        _("nomor WhatsApp"),
        max_length=20,
        blank=True,
        help_text=_("Contoh: 0812-3456-7890. Disimpan dalam bentuk +62."),
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    note = models.TextField(_("catatan"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    scope_province_lookup = "organization__province"
    scope_regency_lookup = "organization__regency"

    class Meta:
        ordering = ["organization__name", "-is_active", "name"]
        verbose_name = _("narahubung")
        verbose_name_plural = _("narahubung")
        constraints = [
            models.CheckConstraint(
                name="contact_has_email_or_whatsapp",
                condition=~models.Q(email="") | ~models.Q(whatsapp=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization})" if self.organization_id else self.name

    @property
    def whatsapp_display(self) -> str:
        return display_whatsapp(self.whatsapp) if self.whatsapp else ""

    @property
    def whatsapp_url(self) -> str:
        return wa_me_url(self.whatsapp) if self.whatsapp else ""

    def clean(self) -> None:
        self.name = self.name.strip()
        self.email = self.email.strip()
        errors: dict[str, list[str]] = {}
        if self.whatsapp.strip():
            try:
                self.whatsapp = normalize_whatsapp(self.whatsapp)
            except ValidationError as exc:
                errors["whatsapp"] = exc.messages
        else:
            self.whatsapp = ""
        if not self.email and not self.whatsapp and "whatsapp" not in errors:
            errors["email"] = [str(_("Isi email atau nomor WhatsApp (salah satu wajib)."))]
        if errors:
            raise ValidationError(errors)
