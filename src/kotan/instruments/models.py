"""Instruments as versioned data: one questionnaire and scoring method per measurement year.

A published or locked instrument is immutable: its rows refuse to be saved or deleted, so
every published number stays reproducible from raw answers. A new year starts as a copy.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImmutableInstrument(ValidationError):
    """A published or locked instrument cannot change."""


class Instrument(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        PUBLISHED = "published", _("Terbit")
        LOCKED = "locked", _("Terkunci")

    code = models.CharField(_("kode"), max_length=60)
    year = models.PositiveIntegerField(_("tahun pengukuran"))
    version = models.PositiveIntegerField(_("versi"), default=1)
    title = models.CharField(_("judul"), max_length=200)
    description = models.TextField(_("deskripsi"), blank=True)
    is_example = models.BooleanField(_("instrumen contoh"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default="draft")
    scale_min = models.FloatField(_("skala minimum"))
    scale_max = models.FloatField(_("skala maksimum"))
    aggregation = models.CharField(_("agregasi"), max_length=20, default="pooled")
    min_respondents = models.PositiveIntegerField(_("minimum responden"), default=30)
    categories = models.CharField(_("skema kategori"), max_length=20, default="2022")
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("disalin dari"),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    published_at = models.DateTimeField(_("diterbitkan"), null=True, blank=True)

    # Only the status moves once an instrument is published.
    MUTABLE_AFTER_PUBLISHING = frozenset({"status", "published_at"})

    class Meta:
        ordering = ["-year", "-version"]
        verbose_name = _("instrumen")
        verbose_name_plural = _("instrumen")
        constraints = [
            models.UniqueConstraint(fields=["year", "version"], name="instrument_year_version"),
            models.CheckConstraint(
                condition=models.Q(scale_min__lt=models.F("scale_max")), name="instrument_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year} v{self.version})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored: dict[str, Any] | None = Instrument.objects.filter(pk=self.pk).values().first()  # type: ignore[assignment]
            if stored and stored["status"] != self.Status.DRAFT:
                changed = {
                    f.attname
                    for f in self._meta.concrete_fields
                    if stored[f.attname] != getattr(self, f.attname)
                }
                if changed - self.MUTABLE_AFTER_PUBLISHING:
                    raise ImmutableInstrument(_("Instrumen yang sudah terbit tidak dapat diubah."))
        super().save(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class InstrumentPart(models.Model):
    """A row belonging to an instrument: changeable only while the instrument is a draft."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveIntegerField(_("urutan"), default=0)
    code = models.CharField(_("kode"), max_length=40)

    class Meta:
        abstract = True
        ordering = ["order"]

    def __str__(self) -> str:
        return self.code

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._check_draft()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        self._check_draft()
        return super().delete(*args, **kwargs)

    def _check_draft(self) -> None:
        if not Instrument.objects.filter(pk=self.instrument_id, status="draft").exists():
            raise ImmutableInstrument(_("Instrumen yang sudah terbit tidak dapat diubah."))


class AnswerOption(InstrumentPart):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("label"), max_length=200)
    score = models.FloatField(_("skor"), null=True, blank=True, help_text=_("Kosong: tidak tahu."))

    class Meta(InstrumentPart.Meta):
        verbose_name = _("pilihan jawaban")
        verbose_name_plural = _("pilihan jawaban")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="option_code_unique")
        ]


class ObservationUnit(InstrumentPart):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(_("nama"), max_length=100)
    quota = models.PositiveIntegerField(_("kuota responden per kabupaten/kota"))

    class Meta(InstrumentPart.Meta):
        verbose_name = _("unit observasi")
        verbose_name_plural = _("unit observasi")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="unit_code_unique")
        ]


class Variable(InstrumentPart):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="variables")
    name = models.CharField(_("nama"), max_length=200)
    weight = models.FloatField(_("bobot"))

    class Meta(InstrumentPart.Meta):
        verbose_name = _("variabel")
        verbose_name_plural = _("variabel")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="variable_code_unique")
        ]


class Indicator(InstrumentPart):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="indicators")
    variable = models.ForeignKey(Variable, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("nama"), max_length=200)
    weight = models.FloatField(_("bobot"), null=True, blank=True)

    class Meta(InstrumentPart.Meta):
        verbose_name = _("indikator")
        verbose_name_plural = _("indikator")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="indicator_code_unique")
        ]


class Item(InstrumentPart):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="items")
    text = models.TextField(_("teks"))
    weight = models.FloatField(_("bobot"), null=True, blank=True)
    units = models.ManyToManyField(ObservationUnit, related_name="items", verbose_name=_("unit"))

    class Meta(InstrumentPart.Meta):
        verbose_name = _("butir")
        verbose_name_plural = _("butir")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="item_code_unique")
        ]
