"""Monev: monitoring and evaluation visits, their sessions and points, and the follow-ups.

A visit belongs to one province as a whole (``scope_regency_lookup = None``): a BNNP reads and
edits its province's visits, a BNNK reads them, the centre reads all. Every row below a visit
reaches the province through the visit.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotan.accounts.models import Organization
from kotan.monev.texts import (
    LABEL_MAX,
    LINE_MAX,
    LIST_MAX,
    NAME_MAX,
    NOTE_MAX,
    PARAGRAPH_MAX,
    POINT_MAX,
    RECEIVED_BY_MAX,
    LimitedCharField,
    LimitedTextField,
    length_check,
    text_checks,
)
from kotan.regions.models import Province, Regency


class Theme(models.Model):
    """A theme of obstacles (managed list, seeded by a data migration)."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    order = models.PositiveIntegerField(_("urutan"), default=0)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("tema kendala")
        verbose_name_plural = _("tema kendala")

    def __str__(self) -> str:
        return self.name


class Visit(models.Model):
    class Status(models.TextChoices):
        PLANNED = "direncanakan", _("Direncanakan")
        HELD = "dilaksanakan", _("Dilaksanakan")
        REPORTED = "dilaporkan", _("Dilaporkan")
        CANCELLED = "dibatalkan", _("Dibatalkan")

    year = models.PositiveIntegerField(_("tahun periode"))
    period_label = LimitedCharField(_("periode"), max_length=LABEL_MAX, blank=True)
    title = LimitedCharField(_("judul"), max_length=LINE_MAX)
    organizer = LimitedCharField(
        _("pelaksana"),
        max_length=LINE_MAX,
        blank=True,
        help_text=_("Misalnya: Direktorat Peran Serta Masyarakat BNN RI."),
    )
    starts_on = models.DateField(_("tanggal mulai"))
    ends_on = models.DateField(_("tanggal selesai"))
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="monev_visits", verbose_name=_("provinsi")
    )
    regencies = models.ManyToManyField(
        Regency, blank=True, related_name="monev_visits", verbose_name=_("kabupaten/kota")
    )
    purpose = LimitedTextField(_("tujuan"), max_length=PARAGRAPH_MAX, blank=True)
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("dibuat pada"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("diperbarui pada"))

    scope_province_lookup = "province"
    scope_regency_lookup = None

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("kunjungan monev")
        verbose_name_plural = _("kunjungan monev")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__lte=models.F("ends_on")),
                name="monev_visit_dates",
                violation_error_message=_("Tanggal selesai tidak boleh sebelum tanggal mulai."),
            ),
            length_check("visit", "period_label", LABEL_MAX),
            length_check("visit", "title", LINE_MAX),
            length_check("visit", "organizer", LINE_MAX),
            *text_checks("visit", "purpose", PARAGRAPH_MAX),
        ]

    def __str__(self) -> str:
        return self.title


class TeamMember(models.Model):
    """A member of the visiting team: an account, or a person named here."""

    class Role(models.TextChoices):
        LEAD = "ketua", _("Ketua tim")
        MEMBER = "anggota", _("Anggota")
        SECRETARY = "sekretaris", _("Sekretaris/notulis")
        COMPANION = "pendamping", _("Pendamping")

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="team", verbose_name=_("kunjungan")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("akun"),
    )
    name = LimitedCharField(_("nama"), max_length=NAME_MAX, blank=True)
    position = LimitedCharField(_("jabatan/unit"), max_length=NAME_MAX, blank=True)
    role = models.CharField(_("peran dalam tim"), max_length=15, choices=Role.choices)
    order = models.PositiveIntegerField(default=0, verbose_name=_("urutan"))

    scope_province_lookup = "visit__province"
    scope_regency_lookup = None

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("anggota tim")
        verbose_name_plural = _("anggota tim")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(name=""),
                name="monev_member_named",
                violation_error_message=_("Pilih akun atau tulis nama anggota tim."),
            ),
            length_check("teammember", "name", NAME_MAX),
            length_check("teammember", "position", NAME_MAX),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or (self.user.get_full_name() if self.user else "")


class Method(models.TextChoices):
    DISCUSSION = "diskusi", _("Diskusi")
    INTERVIEW = "wawancara", _("Wawancara")
    DOCUMENTS = "pemeriksaan_dokumen", _("Pemeriksaan dokumen")
    OBSERVATION = "observasi_lapangan", _("Observasi lapangan")


class Session(models.Model):
    """One meeting of the visit: a venue, a date, who received the team and how."""

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("kunjungan")
    )
    order = models.PositiveIntegerField(default=0, verbose_name=_("urutan"))
    venue = LimitedCharField(_("tempat"), max_length=LINE_MAX)
    held_on = models.DateField(_("tanggal"))
    institutions = models.ManyToManyField(
        Organization, blank=True, related_name="monev_sessions", verbose_name=_("instansi")
    )
    other_institutions = LimitedCharField(
        _("instansi lain"),
        max_length=LIST_MAX,
        blank=True,
        help_text=_("Instansi yang belum terdaftar, dipisah koma."),
    )
    received_by = LimitedTextField(
        _("diterima oleh"),
        max_length=RECEIVED_BY_MAX,
        blank=True,
        help_text=_("Jabatan orang yang menerima tim."),
    )
    methods = models.JSONField(_("metode"), default=list, blank=True)

    scope_province_lookup = "visit__province"
    scope_regency_lookup = None

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("sesi kunjungan")
        verbose_name_plural = _("sesi kunjungan")
        constraints = [
            length_check("session", "venue", LINE_MAX),
            length_check("session", "other_institutions", LIST_MAX),
            *text_checks("session", "received_by", RECEIVED_BY_MAX),
        ]

    def __str__(self) -> str:
        return self.venue

    @property
    def method_labels(self) -> list[str]:
        labels = dict(Method.choices)
        return [str(labels[m]) for m in self.methods if m in labels]


class Point(models.Model):
    """A numbered point (pointer) of a session."""

    class Kind(models.TextChoices):
        OBSTACLE = "kendala", _("Kendala")
        MITIGATION = "upaya", _("Upaya")
        ACHIEVEMENT = "capaian", _("Capaian")
        PLAN = "rencana", _("Rencana")
        REQUEST = "permintaan", _("Permintaan")
        INFORMATION = "informasi", _("Informasi")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="points", verbose_name=_("sesi")
    )
    order = models.PositiveIntegerField(default=0, verbose_name=_("urutan"))
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    text = LimitedTextField(_("isi"), max_length=POINT_MAX)
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="points", verbose_name=_("tema kendala")
    )
    variable_code = models.CharField(_("variabel IKOTAN"), max_length=40, blank=True)
    regency = models.ForeignKey(
        Regency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="monev_points",
        verbose_name=_("kabupaten/kota"),
    )

    scope_province_lookup = "session__visit__province"
    scope_regency_lookup = None

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("pointer")
        verbose_name_plural = _("pointer")
        constraints = text_checks("point", "text", POINT_MAX)  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.text[:80]


class FollowUp(models.Model):
    """A follow-up (tindak lanjut) of a point: who does what by when, and whether it is done."""

    class Status(models.TextChoices):
        OPEN = "belum", _("Belum")
        IN_PROGRESS = "berjalan", _("Berjalan")
        DONE = "selesai", _("Selesai")
        CANCELLED = "dibatalkan", _("Dibatalkan")

    class Priority(models.TextChoices):
        HIGH = "tinggi", _("Tinggi")
        MEDIUM = "sedang", _("Sedang")
        LOW = "rendah", _("Rendah")

    ACTIVE = (Status.OPEN, Status.IN_PROGRESS)

    point = models.ForeignKey(
        Point, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("poin")
    )
    action = LimitedTextField(_("tindakan"), max_length=PARAGRAPH_MAX)
    owner = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="monev_follow_ups",
        verbose_name=_("instansi penanggung jawab"),
    )
    owner_person = LimitedCharField(_("penanggung jawab (orang)"), max_length=NAME_MAX, blank=True)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("akun penanggung jawab"),
    )
    due_on = models.DateField(_("tenggat"))
    priority = models.CharField(
        _("prioritas"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default="belum")
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diselesaikan oleh"),
    )
    verified_at = models.DateTimeField(_("diverifikasi"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diverifikasi oleh"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("dibuat pada"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("diperbarui pada"))

    scope_province_lookup = "point__session__visit__province"
    scope_regency_lookup = None

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("tindak lanjut")
        verbose_name_plural = _("tindak lanjut")
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            *text_checks("followup", "action", PARAGRAPH_MAX),
            length_check("followup", "owner_person", NAME_MAX),
        ]

    def __str__(self) -> str:
        return self.action[:80]

    def is_overdue(self, today: date | None = None) -> bool:
        """``terlambat``: past the due date and not finished (computed, never stored)."""
        today = today or timezone.localdate()
        return self.status in self.ACTIVE and self.due_on < today

    @property
    def terlambat(self) -> bool:
        return self.is_overdue()

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @classmethod
    def overdue_q(cls, today: date | None = None) -> models.Q:
        """The same rule as ``is_overdue``, as a filter."""
        return models.Q(status__in=cls.ACTIVE, due_on__lt=today or timezone.localdate())


class FollowUpNote(models.Model):
    """A dated entry in a follow-up's history: progress, a status change, verification, reopen."""

    class Kind(models.TextChoices):
        PROGRESS = "kemajuan", _("Kemajuan")
        STATUS = "status", _("Perubahan status")
        VERIFIED = "verifikasi", _("Verifikasi")
        REOPENED = "dibuka_kembali", _("Dibuka kembali")

    follow_up = models.ForeignKey(
        FollowUp, on_delete=models.CASCADE, related_name="notes", verbose_name=_("tindak lanjut")
    )
    kind = models.CharField(_("jenis"), max_length=15, choices=Kind.choices)
    noted_on = models.DateField(_("tanggal"))
    text = LimitedTextField(_("catatan"), max_length=NOTE_MAX, blank=True)
    status_to = models.CharField(
        max_length=12, choices=FollowUp.Status.choices, blank=True, verbose_name=_("status menjadi")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("penulis"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("dibuat pada"))

    scope_province_lookup = "follow_up__point__session__visit__province"
    scope_regency_lookup = None

    class Meta:
        ordering = ["-noted_on", "-pk"]
        verbose_name = _("catatan tindak lanjut")
        verbose_name_plural = _("catatan tindak lanjut")
        constraints = text_checks("followupnote", "text", NOTE_MAX)  # type: ignore[assignment]

    def __str__(self) -> str:
        return f"{self.noted_on} {self.get_kind_display()}"


class FollowUpEvidence(models.Model):
    """A document or photo showing what was done; stored under a generated name."""

    follow_up = models.ForeignKey(
        FollowUp, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("tindak lanjut")
    )
    file = models.FileField(upload_to="monev/%Y/%m/", verbose_name=_("berkas"))
    original_name = models.CharField(max_length=200, verbose_name=_("nama berkas asli"))
    content_type = models.CharField(max_length=100, verbose_name=_("jenis berkas"))
    size = models.PositiveIntegerField(verbose_name=_("ukuran (bita)"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("diunggah oleh"),
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("diunggah pada"))

    scope_province_lookup = "follow_up__point__session__visit__province"
    scope_regency_lookup = None

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("bukti tindak lanjut")
        verbose_name_plural = _("bukti tindak lanjut")

    def __str__(self) -> str:
        return self.original_name
