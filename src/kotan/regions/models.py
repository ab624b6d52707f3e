"""Provinces and regencies/cities with their Kemendagri codes (reference data)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Place(models.Model):
    """Name and capital-city point, shared by provinces and regencies."""

    name = models.CharField(_("nama"), max_length=100)
    capital = models.CharField(_("ibu kota"), max_length=100, blank=True)
    latitude = models.DecimalField(
        _("lintang"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("bujur"), max_digits=8, decimal_places=5, null=True, blank=True
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class Province(Place):
    """A province (provinsi), Kemendagri code of two digits, e.g. "15" Jambi."""

    code = models.CharField(_("kode Kemendagri"), max_length=2, unique=True)

    # How the accounts scoping helper reaches the region of a row of this model.
    scope_province_lookup = "pk"
    scope_regency_lookup = None

    class Meta:
        ordering = ["code"]
        verbose_name = _("provinsi")
        verbose_name_plural = _("provinsi")


class Regency(Place):
    """A regency (kabupaten) or city (kota), Kemendagri code "PP.RR", e.g. "15.04"."""

    class Kind(models.TextChoices):
        KABUPATEN = "kabupaten", _("Kabupaten")
        KOTA = "kota", _("Kota")

    code = models.CharField(_("kode Kemendagri"), max_length=5, unique=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="regencies", verbose_name=_("provinsi")
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)

    scope_province_lookup = "province"
    scope_regency_lookup = "pk"

    class Meta:
        ordering = ["code"]
        verbose_name = _("kabupaten/kota")
        verbose_name_plural = _("kabupaten/kota")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["kabupaten", "kota"]), name="regency_kind_valid"
            ),
        ]
