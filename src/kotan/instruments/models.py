"""Instruments as versioned data: one questionnaire and scoring method per measurement year.

A published or locked instrument is immutable: its rows refuse to be saved or deleted, so
every published number stays reproducible from raw answers. A new year starts as a copy.

Every write path keeps the rule, not only ``save()`` and ``delete()`` of one row: the
querysets of the instrument and of its content (``update``, ``delete``, ``bulk_create``,
``bulk_update``) refuse when any row they touch belongs to an instrument that is not a draft,
and the item–unit link table is a model with the same guard (``item.units.add/remove/clear``
go through it). The status only moves forward, one step at a time (draft → published →
locked), and only through ``save()``: that is the path ``publish_instrument`` and
``lock_instrument`` take. Migrations and raw SQL are outside this guard.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kotan.method.categories import CategoryScheme, scheme_from_dict, scheme_to_dict
from kotan.method.spec import (
    CATEGORIES_NAME_LENGTH,
    CODE_LENGTH,
    INSTRUMENT_CODE_LENGTH,
    LABEL_LENGTH,
    NAME_LENGTH,
    TITLE_LENGTH,
    UNIT_NAME_LENGTH,
)

DRAFT, PUBLISHED, LOCKED = "draft", "published", "locked"
NEXT_STATUS = {DRAFT: PUBLISHED, PUBLISHED: LOCKED}
STATUS_FIELDS = frozenset({"status", "published_at"})


class ImmutableInstrument(ValidationError):
    """A published or locked instrument cannot change."""


def _immutable() -> ImmutableInstrument:
    return ImmutableInstrument(_("Instrumen yang sudah terbit tidak dapat diubah."))


def _status_only_through_save() -> ImmutableInstrument:
    return ImmutableInstrument(_("Status instrumen hanya berubah melalui terbitkan dan kunci."))


def _pk(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def _refuse_unless_drafts(instrument_ids: Iterable[Any]) -> None:
    ids = {i for i in instrument_ids if i is not None}
    if ids and Instrument._base_manager.filter(pk__in=ids).exclude(status=DRAFT).exists():
        raise _immutable()


class InstrumentQuerySet(models.QuerySet["Instrument"]):
    """Bulk paths keep the rule of save() and delete(): only drafts change, and the status
    never moves here."""

    def _refuse_unless_drafts(self) -> None:
        if self.exclude(status=DRAFT).exists():
            raise _immutable()

    def update(self, **kwargs: Any) -> int:
        if STATUS_FIELDS & kwargs.keys():
            raise _status_only_through_save()
        self._refuse_unless_drafts()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._refuse_unless_drafts()
        return super().delete()

    def bulk_update(
        self, objs: Iterable[Instrument], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        objs, fields = list(objs), list(fields)
        if STATUS_FIELDS & set(fields):
            raise _status_only_through_save()
        _refuse_unless_drafts(o.pk for o in objs)
        return super().bulk_update(objs, list(fields), batch_size=batch_size)

    def bulk_create(self, objs: Iterable[Instrument], *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("update_conflicts"):  # an upsert could overwrite a published instrument
            raise _immutable()
        return super().bulk_create(objs, *args, **kwargs)


class Instrument(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        PUBLISHED = "published", _("Terbit")
        LOCKED = "locked", _("Terkunci")

    code = models.CharField(_("kode"), max_length=INSTRUMENT_CODE_LENGTH)
    year = models.PositiveIntegerField(_("tahun pengukuran"))
    version = models.PositiveIntegerField(_("versi"), default=1)
    title = models.CharField(_("judul"), max_length=TITLE_LENGTH)
    description = models.TextField(_("deskripsi"), blank=True)
    is_example = models.BooleanField(_("instrumen contoh"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default="draft")
    scale_min = models.FloatField(_("skala minimum"))
    scale_max = models.FloatField(_("skala maksimum"))
    aggregation = models.CharField(_("agregasi"), max_length=20, default="pooled")
    min_respondents = models.PositiveIntegerField(_("minimum responden"), default=30)
    # A preset name, or "custom" with the scheme itself in category_definition; read both
    # through ``categories``, which is what the engine takes.
    category_name = models.CharField(
        _("skema kategori"), max_length=CATEGORIES_NAME_LENGTH, default="2022"
    )
    category_definition = models.JSONField(_("definisi skema kategori"), null=True, blank=True)
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

    objects = InstrumentQuerySet.as_manager()

    # Only the status moves once an instrument is published (published_at is set with it).
    MUTABLE_AFTER_PUBLISHING = frozenset({"status"})

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
            stored: dict[str, Any] | None = (
                Instrument._base_manager.filter(pk=self.pk).values().first()  # type: ignore[assignment]
            )
            if stored:
                before, after = stored["status"], self.status
                if after != before and NEXT_STATUS.get(before) != after:
                    raise ImmutableInstrument(
                        _("Status instrumen hanya maju satu langkah: draf → terbit → terkunci.")
                    )
                if before != self.Status.DRAFT:
                    changed = {
                        f.attname
                        for f in self._meta.concrete_fields
                        if stored[f.attname] != getattr(self, f.attname)
                    }
                    if changed - self.MUTABLE_AFTER_PUBLISHING:
                        raise _immutable()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        _refuse_unless_drafts([self.pk])
        return super().delete(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def categories(self) -> str | CategoryScheme:
        """The category scheme as the engine takes it: a preset name or the custom scheme."""
        if self.category_definition is None:
            return self.category_name
        return scheme_from_dict(self.category_definition)

    @categories.setter
    def categories(self, value: str | CategoryScheme) -> None:
        if isinstance(value, str):
            self.category_name, self.category_definition = value, None
        else:
            self.category_name, self.category_definition = value.name, scheme_to_dict(value)


class InstrumentPartQuerySet(models.QuerySet[Any]):
    """The content's bulk paths: refused when a row touched (or a row's new instrument) is
    not a draft."""

    def _refuse_unless_drafts(self) -> None:
        if self.exclude(instrument__status=DRAFT).exists():
            raise _immutable()

    def update(self, **kwargs: Any) -> int:
        self._refuse_unless_drafts()
        _refuse_unless_drafts(
            [_pk(kwargs[key]) for key in ("instrument", "instrument_id") if key in kwargs]
        )
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._refuse_unless_drafts()
        return super().delete()

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> Any:
        objs = list(objs)
        _refuse_unless_drafts(o.instrument_id for o in objs)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(
        self, objs: Iterable[Any], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        objs = list(objs)
        stored = self.model._base_manager.filter(pk__in=[o.pk for o in objs])
        _refuse_unless_drafts(
            [*stored.values_list("instrument_id", flat=True), *(o.instrument_id for o in objs)]
        )
        return super().bulk_update(objs, list(fields), batch_size=batch_size)


class InstrumentPart(models.Model):
    """A row belonging to an instrument: changeable only while the instrument is a draft."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveIntegerField(_("urutan"), default=0)
    code = models.CharField(_("kode"), max_length=CODE_LENGTH)

    objects = InstrumentPartQuerySet.as_manager()

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
        if not Instrument._base_manager.filter(pk=self.instrument_id, status=DRAFT).exists():
            raise _immutable()


class AnswerOption(InstrumentPart):
    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="options", verbose_name=_("instrumen")
    )
    label = models.CharField(_("label"), max_length=LABEL_LENGTH)
    score = models.FloatField(_("skor"), null=True, blank=True, help_text=_("Kosong: tidak tahu."))

    class Meta(InstrumentPart.Meta):
        verbose_name = _("pilihan jawaban")
        verbose_name_plural = _("pilihan jawaban")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="option_code_unique")
        ]


class ObservationUnit(InstrumentPart):
    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="units", verbose_name=_("instrumen")
    )
    name = models.CharField(_("nama"), max_length=UNIT_NAME_LENGTH)
    quota = models.PositiveIntegerField(_("kuota responden per kabupaten/kota"))

    class Meta(InstrumentPart.Meta):
        verbose_name = _("unit observasi")
        verbose_name_plural = _("unit observasi")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="unit_code_unique")
        ]


class Variable(InstrumentPart):
    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="variables", verbose_name=_("instrumen")
    )
    name = models.CharField(_("nama"), max_length=NAME_LENGTH)
    weight = models.FloatField(_("bobot"))

    class Meta(InstrumentPart.Meta):
        verbose_name = _("variabel")
        verbose_name_plural = _("variabel")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="variable_code_unique")
        ]


class Indicator(InstrumentPart):
    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("instrumen")
    )
    variable = models.ForeignKey(
        Variable, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("variabel")
    )
    name = models.CharField(_("nama"), max_length=NAME_LENGTH)
    weight = models.FloatField(_("bobot"), null=True, blank=True)

    class Meta(InstrumentPart.Meta):
        verbose_name = _("indikator")
        verbose_name_plural = _("indikator")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="indicator_code_unique")
        ]


class Item(InstrumentPart):
    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="items", verbose_name=_("instrumen")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="items", verbose_name=_("indikator")
    )
    text = models.TextField(_("teks"))
    weight = models.FloatField(_("bobot"), null=True, blank=True)
    units: models.ManyToManyField[ObservationUnit, ItemUnit] = models.ManyToManyField(
        ObservationUnit, through="ItemUnit", related_name="items", verbose_name=_("unit")
    )

    class Meta(InstrumentPart.Meta):
        verbose_name = _("butir")
        verbose_name_plural = _("butir")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="item_code_unique")
        ]


def _refuse_links(item_ids: Iterable[Any], unit_ids: Iterable[Any]) -> None:
    """Refuse linking (or unlinking) an item or a unit of an instrument that is not a draft."""
    items = {i for i in item_ids if i is not None}
    units = {u for u in unit_ids if u is not None}
    if not items and not units:
        return
    linked = models.Q(items__in=items) | models.Q(units__in=units)
    if Instrument._base_manager.filter(linked).exclude(status=DRAFT).exists():
        raise _immutable()


class ItemUnitQuerySet(models.QuerySet["ItemUnit"]):
    """The item–unit links: refused when the item or the unit is in an instrument that is not
    a draft (``item.units.add/remove/clear/set`` and ``unit.items...`` come here too)."""

    def _refuse_unless_drafts(self) -> None:
        # One query: a link whose item or unit is not in a draft (both are forward keys, so
        # exclude(a, b) is "not (a and b)").
        both_drafts = {
            "item__instrument__status": DRAFT,
            "observationunit__instrument__status": DRAFT,
        }
        if self.exclude(**both_drafts).exists():
            raise _immutable()

    def update(self, **kwargs: Any) -> int:
        self._refuse_unless_drafts()
        _refuse_links(
            [_pk(kwargs[k]) for k in ("item", "item_id") if k in kwargs],
            [_pk(kwargs[k]) for k in ("observationunit", "observationunit_id") if k in kwargs],
        )
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._refuse_unless_drafts()
        return super().delete()

    def bulk_create(self, objs: Iterable[ItemUnit], *args: Any, **kwargs: Any) -> Any:
        objs = list(objs)
        _refuse_links([o.item_id for o in objs], [o.observationunit_id for o in objs])
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(
        self, objs: Iterable[ItemUnit], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        objs = list(objs)
        ItemUnit.objects.filter(pk__in=[o.pk for o in objs])._refuse_unless_drafts()
        _refuse_links([o.item_id for o in objs], [o.observationunit_id for o in objs])
        return super().bulk_update(objs, list(fields), batch_size=batch_size)


class ItemUnit(models.Model):
    """An observation unit that answers an item (the link table of ``Item.units``)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, verbose_name=_("butir"))
    observationunit = models.ForeignKey(
        ObservationUnit, on_delete=models.CASCADE, verbose_name=_("unit observasi")
    )

    objects = ItemUnitQuerySet.as_manager()

    class Meta:
        db_table = "instruments_item_units"  # the table Django made for the plain ManyToMany
        unique_together = [("item", "observationunit")]

    def __str__(self) -> str:
        return f"{self.item_id}–{self.observationunit_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            ItemUnit.objects.filter(pk=self.pk)._refuse_unless_drafts()
        _refuse_links([self.item_id], [self.observationunit_id])
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        ItemUnit.objects.filter(pk=self.pk)._refuse_unless_drafts()
        return super().delete(*args, **kwargs)
