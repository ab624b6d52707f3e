"""Index runs: the IKOTAN computed from the database, stored as immutable snapshots.

A run keeps everything needed to reproduce it: the instrument (and its year and version), the
engine version, the method with its seed, the bands as applied and the digest of the exact
answers it read. Rows are written once and refuse every later save or delete, so a published
figure can always be traced and recomputed (``kotan.scoring.runs.recompute``).
"""

from __future__ import annotations

from typing import Any

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kotan.collection.models import Period
from kotan.instruments.models import Instrument
from kotan.regions.models import Regency

# Published category labels and method names, here so that they are translated (the engine
# keeps category labels as data, in Bahasa Indonesia).
CATEGORY_LABELS: dict[str, str | Promise] = {
    "tidak_tanggap": _("Tidak Tanggap"),
    "kurang_tanggap": _("Kurang Tanggap"),
    "cukup_tanggap": _("Cukup Tanggap"),
    "tanggap": _("Tanggap"),
    "sangat_tanggap": _("Sangat Tanggap"),
}
AGGREGATION_LABELS: dict[str, str | Promise] = {
    "pooled": _("gabungan (pooled)"),
    "unit-balanced": _("seimbang antarunit (unit-balanced)"),
}


class ImmutableResult(ValidationError):
    """A stored index run (or one of its rows) cannot change."""


def _refuse() -> ImmutableResult:
    return ImmutableResult(_("Hasil perhitungan indeks yang tersimpan tidak dapat diubah."))


class ImmutableQuerySet(models.QuerySet[Any]):
    """Bulk updates and deletes would bypass ``save``/``delete``: refuse them too."""

    def update(self, **kwargs: Any) -> int:
        raise _refuse()

    def delete(self) -> tuple[int, dict[str, int]]:
        raise _refuse()


class ImmutableModel(models.Model):
    """Written once (``save`` of a new row or ``bulk_create``); never changed or deleted."""

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise _refuse()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise _refuse()


class IndexRun(ImmutableModel):
    class Kind(models.TextChoices):
        PROVISIONAL = "sementara", _("Sementara")
        FINAL = "final", _("Final")

    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="index_runs", verbose_name=_("periode")
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(_("dihitung"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("dihitung oleh"),
    )
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="+", verbose_name=_("instrumen")
    )
    instrument_year = models.PositiveIntegerField(_("tahun instrumen"))
    instrument_version = models.PositiveIntegerField(_("versi instrumen"))
    engine_version = models.CharField(_("versi mesin"), max_length=40)
    method = models.JSONField(_("metode"))  # engine.Method as a dict
    bands = models.JSONField(_("batas kategori"))  # [{code, label, lower, upper}] as applied
    input_digest = models.CharField(_("sidik data masukan"), max_length=64)
    n_responses = models.PositiveIntegerField(_("jawaban responden"))
    n_answers = models.PositiveIntegerField(_("jawaban butir yang dihitung"))
    duration_ms = models.PositiveIntegerField(_("lama perhitungan (ms)"))
    max_rank_shift = models.PositiveIntegerField(_("pergeseran peringkat terbesar"), null=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("perhitungan indeks")
        verbose_name_plural = _("perhitungan indeks")

    def __str__(self) -> str:
        return f"{self.period} · {self.get_kind_display()} #{self.pk}"

    @property
    def aggregation_label(self) -> str | Promise:
        return AGGREGATION_LABELS.get(self.method["aggregation"], self.method["aggregation"])

    @property
    def category_labels(self) -> dict[str, str | Promise]:
        """Category code -> label (translated), for the bands of this run."""
        return {b["code"]: CATEGORY_LABELS.get(b["code"], b["label"]) for b in self.bands}

    @property
    def labelled_bands(self) -> list[tuple[str | Promise, dict[str, Any]]]:
        return [(CATEGORY_LABELS.get(b["code"], b["label"]), b) for b in self.bands]


class RegencyResult(ImmutableModel):
    """One regency's figures in one run, as the engine gave them (``RegencyScore``)."""

    class Status(models.TextChoices):
        OK = "ok", _("Cukup data")
        INSUFFICIENT = "insufficient_data", _("Data tidak cukup")

    run = models.ForeignKey(
        IndexRun, on_delete=models.PROTECT, related_name="results", verbose_name=_("perhitungan")
    )
    regency = models.ForeignKey(
        Regency, on_delete=models.PROTECT, related_name="+", verbose_name=_("kabupaten/kota")
    )
    n_respondents = models.PositiveIntegerField(_("responden"))  # with at least one scored answer
    n_rows = models.PositiveIntegerField(_("baris jawaban diterima"), default=0)
    n_by_unit = models.JSONField(_("responden per unit"))
    n_answers = models.PositiveIntegerField(_("jawaban butir yang dihitung"))
    n_excluded = models.PositiveIntegerField(_("jawaban responden dikecualikan"))
    input_digest = models.CharField(_("sidik data masukan"), max_length=64)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    variables = models.JSONField(_("skor variabel"))  # code -> score on the answer scale | None
    indicators = models.JSONField(_("skor indikator"))
    index = models.FloatField(_("indeks"), null=True)
    index_100 = models.FloatField(_("indeks 0–100"), null=True)
    category = models.CharField(_("kategori"), max_length=40, blank=True)
    rank_national = models.PositiveIntegerField(_("peringkat nasional"), null=True)
    rank_province = models.PositiveIntegerField(_("peringkat provinsi"), null=True)
    index_ci_low = models.FloatField(null=True, verbose_name=_("batas bawah selang indeks"))
    index_ci_high = models.FloatField(null=True, verbose_name=_("batas atas selang indeks"))
    rank_ci_low = models.PositiveIntegerField(
        null=True, verbose_name=_("batas bawah selang peringkat")
    )
    rank_ci_high = models.PositiveIntegerField(
        null=True, verbose_name=_("batas atas selang peringkat")
    )
    p_same_category = models.FloatField(null=True, verbose_name=_("peluang tetap di kategori"))
    rank_equal_weights = models.PositiveIntegerField(
        null=True, verbose_name=_("peringkat dengan bobot sama")
    )

    scope_province_lookup = "regency__province"
    scope_regency_lookup = "regency"

    class Meta:
        verbose_name = _("hasil kabupaten/kota")
        verbose_name_plural = _("hasil kabupaten/kota")
        constraints = [
            models.UniqueConstraint(fields=["run", "regency"], name="regency_result_once")
        ]
        indexes = [models.Index(fields=["run", "rank_national"])]

    def __str__(self) -> str:
        return f"{self.regency_id} · {self.run_id}"

    @property
    def is_ok(self) -> bool:
        return self.status == self.Status.OK

    @property
    def missing_variables(self) -> list[str]:
        """Variables with no answer at all: such a regency has no index (insufficient data)."""
        return [code for code, value in self.variables.items() if value is None]


# Registered here (not in apps.py): the publication models are audited from their definition.
@auditlog.register()
class Publication(models.Model):
    """A final run made public under /publik/ (``kotan.scoring.publication``).

    A run is public when it is final, has a publication and that publication is not withdrawn.
    At most one run per year is public: publishing a second final run of a year is refused
    until the first is withdrawn (explicitly, with a reason). A withdrawal is final for that
    run; to publish again, publish a (new) final run of the year. ``year`` repeats the run's
    period year so that the database itself holds the one-public-run-per-year rule.
    """

    run = models.OneToOneField(
        IndexRun,
        on_delete=models.PROTECT,
        related_name="publication",
        verbose_name=_("perhitungan"),
    )
    year = models.PositiveIntegerField(_("tahun"))
    published_at = models.DateTimeField(_("diterbitkan pada"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("diterbitkan oleh"),
    )
    note = models.TextField(_("catatan"), blank=True)
    withdrawn_at = models.DateTimeField(_("ditarik pada"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ditarik oleh"),
    )
    withdrawn_reason = models.TextField(_("alasan penarikan"), blank=True)

    class Meta:
        ordering = ["-year", "-published_at"]
        verbose_name = _("penerbitan hasil")
        verbose_name_plural = _("penerbitan hasil")
        constraints = [
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_public_run_per_year",
                violation_error_message=_(
                    "Sudah ada hasil yang diterbitkan untuk tahun ini. Tarik dulu hasil itu."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True) | ~models.Q(withdrawn_reason=""),
                name="withdrawal_has_reason",
                violation_error_message=_("Penarikan memerlukan alasan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} · #{self.run_id}"

    @property
    def is_public(self) -> bool:
        return self.withdrawn_at is None


@auditlog.register()
class AwardRule(models.Model):
    """How many regencies a run's awards name: the national top N and the top N per category."""

    run = models.OneToOneField(
        IndexRun, on_delete=models.PROTECT, related_name="award_rule", verbose_name=_("perhitungan")
    )
    top_national = models.PositiveIntegerField(_("peringkat teratas nasional"), default=10)
    top_per_category = models.PositiveIntegerField(_("teratas per kategori"), default=3)
    note = models.TextField(_("catatan"), blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ditetapkan oleh"),
    )
    set_at = models.DateTimeField(_("ditetapkan pada"), auto_now=True)

    class Meta:
        verbose_name = _("aturan penghargaan")
        verbose_name_plural = _("aturan penghargaan")

    def __str__(self) -> str:
        return f"#{self.run_id}: {self.top_national}/{self.top_per_category}"
