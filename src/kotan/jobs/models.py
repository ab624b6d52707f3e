"""Long work run as a task: what was asked, how far it is, and what came out (or why not)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kotan.accounts.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from kotan.accounts.models import User


class JobQuerySet(models.QuerySet["Job"]):
    def visible_to(self, user: User | AnonymousUser) -> JobQuerySet:
        """A job is its starter's; national admins see every job. Everyone else sees none."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if getattr(user, "role", None) == Role.NATIONAL_ADMIN:
            return self
        return self.filter(started_by=user)


class Job(models.Model):
    """One piece of long work (an index run, an export, the PDFs of a period).

    ``kind`` names the runner in ``kotan.jobs.registry``; ``params`` is everything the runner
    needs, so a retry is a new job with the same kind and params. The result is a file
    (under MEDIA_ROOT/jobs/, served only through the job's download page), a page address,
    or both.
    """

    class Status(models.TextChoices):
        QUEUED = "antre", _("Menunggu giliran")
        RUNNING = "berjalan", _("Sedang berjalan")
        DONE = "selesai", _("Selesai")
        FAILED = "gagal", _("Gagal")

    kind = models.CharField(_("jenis"), max_length=60)
    label = models.CharField(_("nama pekerjaan"), max_length=200)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="jobs",
        verbose_name=_("dimulai oleh"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress_done = models.PositiveIntegerField(_("langkah selesai"), default=0)
    progress_total = models.PositiveIntegerField(_("jumlah langkah"), default=0)
    progress_note = models.CharField(_("keterangan kemajuan"), max_length=200, blank=True)
    progress_at = models.DateTimeField(_("kabar terakhir"), null=True, blank=True)
    params = models.JSONField(_("parameter"), default=dict, blank=True)
    result_file = models.FileField(
        _("berkas hasil"), upload_to="jobs/%Y/%m/", max_length=200, blank=True
    )
    result_name = models.CharField(_("nama berkas hasil"), max_length=200, blank=True)
    result_content_type = models.CharField(_("jenis berkas hasil"), max_length=100, blank=True)
    result_url = models.CharField(_("tautan hasil"), max_length=500, blank=True)
    error = models.TextField(_("alasan gagal"), blank=True)
    error_detail = models.TextField(_("rincian teknis kegagalan"), blank=True)
    task_result_id = models.CharField(_("ID tugas antrean"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)
    started_at = models.DateTimeField(_("mulai berjalan"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)
    retry_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="retries",
        verbose_name=_("percobaan ulang dari"),
    )

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pekerjaan latar belakang")
        verbose_name_plural = _("pekerjaan latar belakang")
        indexes = [
            models.Index(fields=["started_by", "-created_at"], name="job_by_starter"),
            models.Index(
                fields=["status"], condition=models.Q(status="berjalan"), name="job_running"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def result_purged(self) -> bool:
        """Finished with a file that has since been deleted (results are kept for a while)."""
        return self.status == self.Status.DONE and bool(self.result_name) and not self.result_file

    @property
    def can_retry(self) -> bool:
        return self.status == self.Status.FAILED or self.result_purged

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))
