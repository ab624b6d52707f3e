"""Collection: periods, assignments, respondent links, raw submissions, responses, answers."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotan.accounts.models import Organization
from kotan.instruments.models import Instrument, Item, ObservationUnit
from kotan.regions.models import Regency


class Channel(models.TextChoices):
    WEB = "web", _("Formulir web")
    OFFLINE = "offline", _("Luring (perangkat)")
    EXCEL = "excel", _("Excel")
    PAPER = "paper", _("Kertas")
    ODK = "odk", _("ODK Collect")


class Period(models.Model):
    """A measurement period: a year, its published instrument, and when filling is open."""

    class Status(models.TextChoices):
        OPEN = "open", _("Dibuka")
        CLOSED = "closed", _("Ditutup")
        LOCKED = "locked", _("Final (terkunci)")

    year = models.PositiveIntegerField(_("tahun"), unique=True)
    name = models.CharField(_("nama"), max_length=200)
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="periods", verbose_name=_("instrumen")
    )
    opens_on = models.DateField(_("dibuka"))
    closes_on = models.DateField(_("ditutup"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="open")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("dibuat pada"))

    class Meta:
        ordering = ["-year"]
        verbose_name = _("periode pengukuran")
        verbose_name_plural = _("periode pengukuran")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_on__lte=models.F("closes_on")), name="period_dates"
            )
        ]

    def __str__(self) -> str:
        return self.name


def collecting(prefix: str = "") -> models.Q:
    """An assignment that still takes answers: not yet submitted, in an open period.
    ``prefix`` reaches it from another model (``collecting("assignment__")`` for drafts)."""
    return models.Q(
        **{
            f"{prefix}status__in": COLLECTING_STATUSES,
            f"{prefix}period__status": Period.Status.OPEN,
        }
    )


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def collecting(self) -> AssignmentQuerySet:
        return self.filter(collecting())


class Assignment(models.Model):
    """One regency measured in one period: quotas, deadline, responsible office, status."""

    class Status(models.TextChoices):
        NOT_STARTED = "belum_mulai", _("Belum mulai")
        IN_PROGRESS = "berjalan", _("Berjalan")
        SUBMITTED = "diajukan", _("Diajukan")
        VERIFIED = "diverifikasi", _("Diverifikasi")
        FINAL = "final", _("Final")

    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("periode")
    )
    regency = models.ForeignKey(
        Regency,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("kabupaten/kota"),
    )
    responsible = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("penanggung jawab"),
    )
    deadline = models.DateField(_("tenggat"))
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.NOT_STARTED
    )
    returned_reason = models.TextField(_("alasan dikembalikan"), blank=True)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("diperbarui pada"))

    scope_province_lookup = "regency__province"
    scope_regency_lookup = "regency"

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["period", "regency__code"]
        verbose_name = _("penugasan")
        verbose_name_plural = _("penugasan")
        constraints = [
            models.UniqueConstraint(fields=["period", "regency"], name="assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.regency} · {self.period}"

    @property
    def accepts_responses(self) -> bool:
        return self.is_collecting and self.period.status == Period.Status.OPEN

    @property
    def is_collecting(self) -> bool:
        """Not yet submitted (its period may still be closed: see ``accepts_responses``)."""
        return self.status in COLLECTING_STATUSES


# The statuses in which an assignment still collects answers (before it is submitted).
COLLECTING_STATUSES = frozenset({Assignment.Status.NOT_STARTED, Assignment.Status.IN_PROGRESS})


class Quota(models.Model):
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="quotas", verbose_name=_("penugasan")
    )
    unit = models.ForeignKey(
        ObservationUnit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit observasi"),
    )
    quota = models.PositiveIntegerField(_("kuota"))

    class Meta:
        verbose_name = _("kuota")
        verbose_name_plural = _("kuota")
        ordering = ["unit__order"]
        constraints = [models.UniqueConstraint(fields=["assignment", "unit"], name="quota_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.quota}"


class RespondentLink(models.Model):
    """A link that opens the questionnaire without an account, for one unit or institution."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="links", verbose_name=_("penugasan")
    )
    unit = models.ForeignKey(
        ObservationUnit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit observasi"),
    )
    institution = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="links",
        verbose_name=_("instansi"),
    )
    label = models.CharField(_("keterangan"), max_length=200, blank=True)
    token = models.CharField(max_length=64, unique=True, editable=False)
    max_uses = models.PositiveIntegerField(_("batas penggunaan"), null=True, blank=True)
    use_count = models.PositiveIntegerField(_("digunakan"), default=0)
    expires_at = models.DateTimeField(_("kedaluwarsa"))
    is_active = models.BooleanField(_("aktif"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("dibuat oleh"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("dibuat pada"))

    scope_province_lookup = "assignment__regency__province"
    scope_regency_lookup = "assignment__regency"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("tautan responden")
        verbose_name_plural = _("tautan responden")

    def __str__(self) -> str:
        return self.label or f"{self.assignment.regency} · {self.unit.name}"

    def unavailable_reason(self, now: datetime | None = None) -> str | None:
        """Why this link takes no (more) answers: "inactive", "expired", "used_up", or None."""
        if not self.is_active:
            return "inactive"
        if self.expires_at <= (now or timezone.now()):
            return "expired"
        if self.max_uses is not None and self.use_count >= self.max_uses:
            return "used_up"
        return None


class RawSubmission(models.Model):
    """Every submission exactly as received, stored before parsing. Append-only."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Diterima, belum diproses")
        ACCEPTED = "accepted", _("Diterima")
        INVALID = "invalid", _("Tidak valid")
        CONFLICT = "conflict", _("Konflik")

    class Resolution(models.TextChoices):
        OPEN = "", _("Belum diselesaikan")
        CORRECTED = "corrected", _("Dikoreksi")
        REJECTED = "rejected", _("Ditolak")

    client_uuid = models.UUIDField(_("UUID klien"))
    # None when the body could not be kept as JSON (not JSON, NUL, lone surrogates, NaN…):
    # its bytes are in ``body`` instead.
    payload = models.JSONField(_("isi"), null=True, blank=True)
    body = models.BinaryField(_("isi mentah (bita)"), null=True, blank=True)
    body_size = models.PositiveIntegerField(_("ukuran isi (bita)"), null=True, blank=True)
    body_sha256 = models.CharField(_("SHA-256 isi"), max_length=64, blank=True)
    payload_hash = models.CharField(max_length=64, verbose_name=_("sidik isi"))
    channel = models.CharField(_("kanal"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    errors = models.JSONField(_("masalah"), default=list, blank=True)
    receipt_number = models.CharField(_("nomor tanda terima"), max_length=20, unique=True)
    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="raw_submissions",
        verbose_name=_("penugasan"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dikirim oleh"),
    )
    received_at = models.DateTimeField(_("diterima"), auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("diproses pada"))
    # The operator's desk: a correction is a new raw submission naming the one it corrects;
    # the original is kept untouched except for its resolution.
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("mengoreksi kiriman"),
    )
    resolution = models.CharField(
        _("penyelesaian"), max_length=10, choices=Resolution.choices, default="", blank=True
    )
    resolution_reason = models.TextField(_("alasan penyelesaian"), blank=True, max_length=2000)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diselesaikan oleh"),
    )
    resolved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("diselesaikan pada"))

    scope_province_lookup = "assignment__regency__province"
    scope_regency_lookup = "assignment__regency"

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("kiriman mentah")
        verbose_name_plural = _("kiriman mentah")
        constraints = [
            # One submission per client UUID; conflicting resends are kept beside it.
            models.UniqueConstraint(
                fields=["client_uuid"],
                condition=~models.Q(status="conflict"),
                name="raw_submission_uuid_once",
            )
        ]
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self) -> str:
        return self.receipt_number


class Response(models.Model):
    """A parsed, valid questionnaire. Never deleted: excluded with a reason instead."""

    raw = models.OneToOneField(
        RawSubmission,
        on_delete=models.PROTECT,
        related_name="response",
        verbose_name=_("kiriman mentah"),
    )
    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="responses", verbose_name=_("penugasan")
    )
    unit = models.ForeignKey(
        ObservationUnit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit observasi"),
    )
    link = models.ForeignKey(
        RespondentLink,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("tautan"),
    )
    enumerator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    institution_name = models.CharField(_("instansi responden"), max_length=200, blank=True)
    channel = models.CharField(_("kanal"), max_length=10, choices=Channel.choices)
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("mulai mengisi"))
    submitted_at = models.DateTimeField(verbose_name=_("dikirim pada"))
    duration_seconds = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("durasi (detik)")
    )
    receipt_number = models.CharField(
        max_length=20, unique=True, verbose_name=_("nomor tanda terima")
    )
    flags = models.JSONField(_("tanda kualitas"), default=list, blank=True)
    excluded = models.BooleanField(_("dikecualikan"), default=False)
    excluded_reason = models.TextField(_("alasan dikecualikan"), blank=True)

    scope_province_lookup = "assignment__regency__province"
    scope_regency_lookup = "assignment__regency"

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("jawaban responden")
        verbose_name_plural = _("jawaban responden")
        indexes = [models.Index(fields=["assignment", "unit"])]

    def __str__(self) -> str:
        return self.receipt_number


class Answer(models.Model):
    # No separate index: the unique (response, item) index serves lookups by response.
    response = models.ForeignKey(
        Response,
        on_delete=models.PROTECT,
        related_name="answers",
        db_index=False,
        verbose_name=_("jawaban"),
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("butir")
    )
    value = models.CharField(_("jawaban"), max_length=40)  # the option code as given
    score = models.FloatField(null=True, verbose_name=_("skor"))  # None: "tidak tahu"

    class Meta:
        verbose_name = _("jawaban butir")
        verbose_name_plural = _("jawaban butir")
        constraints = [models.UniqueConstraint(fields=["response", "item"], name="answer_once")]

    def __str__(self) -> str:
        return f"{self.item_id}={self.value}"


class Draft(models.Model):
    """A questionnaire being filled in: saved as the respondent goes, resumable."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False, verbose_name=_("kunci"))
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="drafts", verbose_name=_("penugasan")
    )
    unit = models.ForeignKey(
        ObservationUnit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit observasi"),
    )
    link = models.ForeignKey(
        RespondentLink,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="drafts",
        verbose_name=_("tautan"),
    )
    enumerator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    institution_name = models.CharField(max_length=200, blank=True, verbose_name=_("nama instansi"))
    answers = models.JSONField(default=dict, verbose_name=_("jawaban"))
    started_at = models.DateTimeField(auto_now_add=True, verbose_name=_("mulai mengisi"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("diperbarui pada"))
    submitted_receipt = models.CharField(
        max_length=20, blank=True, verbose_name=_("tanda terima kiriman")
    )

    scope_province_lookup = "assignment__regency__province"
    scope_regency_lookup = "assignment__regency"

    class Meta:
        verbose_name = _("draf kuesioner")
        verbose_name_plural = _("draf kuesioner")

    def __str__(self) -> str:
        return str(self.key)


class Evidence(models.Model):
    """A supporting document (Perda, SK, budget line) uploaded with the institutional part."""

    draft = models.ForeignKey(
        Draft,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("draf"),
    )
    response = models.ForeignKey(
        Response,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("jawaban"),
    )
    file = models.FileField(upload_to="evidence/%Y/%m/", verbose_name=_("berkas"))
    original_name = models.CharField(max_length=200, verbose_name=_("nama berkas asli"))
    content_type = models.CharField(max_length=100, verbose_name=_("jenis berkas"))
    size = models.PositiveIntegerField(verbose_name=_("ukuran (bita)"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("diunggah pada"))

    class Meta:
        verbose_name = _("dokumen bukti")
        verbose_name_plural = _("dokumen bukti")

    def __str__(self) -> str:
        return self.original_name
